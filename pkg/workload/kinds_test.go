package workload_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

var labels = map[string]string{"app": "shop"}

func podTemplate(image string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: image}}},
	}
}

// world is a workload of kind k on "winter" whose previous revision ran
// "summer": the object, its two revisions, and one pod of the new one.
func world(t *testing.T, k workload.Kind) (metav1.Object, []runtime.Object) {
	t.Helper()
	meta := metav1.ObjectMeta{Name: "shop", Namespace: "ns", UID: "w1", Generation: 2}
	sel := &metav1.LabelSelector{MatchLabels: labels}
	var obj runtime.Object
	switch k {
	case workload.Deployment:
		meta.Annotations = map[string]string{"deployment.kubernetes.io/revision": "2"}
		obj = &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Selector: sel, Template: podTemplate("winter")},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 2}}
	case workload.StatefulSet:
		obj = &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{Selector: sel, Template: podTemplate("winter")},
			Status: appsv1.StatefulSetStatus{UpdateRevision: "shop-2"}}
	case workload.DaemonSet:
		obj = &appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{Selector: sel, Template: podTemplate("winter")}}
	}
	owner := obj.(metav1.Object)
	gvk := appsv1.SchemeGroupVersion.WithKind(k.Name())
	ref := []metav1.OwnerReference{*metav1.NewControllerRef(owner, gvk)}
	objs := []runtime.Object{obj}
	for i, img := range []string{"summer", "winter"} {
		n := int64(i + 1)
		name := fmt.Sprintf("shop-%d", n)
		rm := metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID(name), Labels: labels, OwnerReferences: ref,
			CreationTimestamp: metav1.NewTime(time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC))}
		if k == workload.Deployment {
			rm.Annotations = map[string]string{"deployment.kubernetes.io/revision": fmt.Sprint(n)}
			zero := int32(0) // the API defaults replicas; kubectl's helpers rely on it
			objs = append(objs, &appsv1.ReplicaSet{ObjectMeta: rm, Spec: appsv1.ReplicaSetSpec{Replicas: &zero, Selector: sel, Template: podTemplate(img)}})
			continue
		}
		data, err := json.Marshal(map[string]any{"spec": map[string]any{"template": podTemplate(img)}})
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, &appsv1.ControllerRevision{ObjectMeta: rm, Revision: n, Data: runtime.RawExtension{Raw: data}})
	}
	return owner, objs
}

func TestEveryKind(t *testing.T) {
	ctx := context.Background()
	for _, k := range workload.Kinds {
		t.Run(k.Name(), func(t *testing.T) {
			owner, objs := world(t, k)
			c := fake.NewClientset(objs...)
			if got, ok := workload.ForResource(schema.GroupResource{Group: "apps", Resource: k.Resource()}); !ok || got != k {
				t.Errorf("workload.ForResource(%s) = %v %v", k.Resource(), got, ok)
			}
			obj, err := k.Get(ctx, c, "ns", "shop")
			if err != nil {
				t.Fatal(err)
			}
			if names, err := k.List(ctx, c, "ns"); err != nil || len(names) != 1 || names[0] != "shop" {
				t.Errorf("List = %v %v", names, err)
			}
			if k.Selector(obj).MatchLabels["app"] != "shop" || k.Template(obj).Spec.Containers[0].Image != "winter" {
				t.Errorf("Selector/Template read the wrong fields")
			}
			if d := k.Describe(obj); !strings.Contains(d, "winter") {
				t.Errorf("Describe = %q, want the image", d)
			}
			if _, ok := k.Paused(obj); ok != (k == workload.Deployment) {
				t.Errorf("Paused: ok = %v, only Deployments pause", ok)
			}

			revs, _, err := k.History(ctx, c, obj)
			if err != nil || len(revs) != 2 || revs[0].Number != 2 || !revs[0].Current || revs[1].Containers[0].Image != "summer" {
				t.Fatalf("History = %+v %v", revs, err)
			}

			f := informers.NewSharedInformerFactory(c, 0)
			if k.ObjectInformer(f) == nil || k.RevisionInformer(f) == nil {
				t.Errorf("no informers")
			}
			var cached []any
			for _, o := range objs[1:] {
				cached = append(cached, o)
			}
			s := k.Snapshot(owner, cached, nil, time.Now(), time.Now())
			if s.Workload.Kind != k.Name() || s.Workload.Short != k.Short() || len(s.Revisions) != 2 {
				t.Errorf("Snapshot: kind %q short %q, %d revisions", s.Workload.Kind, s.Workload.Short, len(s.Revisions))
			}

			p, err := action.PlanUndo(k, obj, revs, 0)
			if err != nil || p.Target.Number != 1 {
				t.Fatalf("PlanUndo to the previous revision: %+v %v", p, err)
			}
			if skip, err := p.Check(); skip != "" || err != nil {
				t.Errorf("Check: %q %v", skip, err)
			}
			if _, err := action.PlanUndo(k, obj, revs, 7); err == nil || err.Error() != "unable to find specified revision 7 in history" {
				t.Errorf("undo to a missing revision: %v", err)
			}
			if out, err := action.Undo(ctx, c, p, action.DryRunNone); err != nil || out != "rolled back" {
				t.Fatalf("Undo: %q %v", out, err)
			}
			after, _ := k.Get(ctx, c, "ns", "shop")
			if img := k.Template(after).Spec.Containers[0].Image; img != "summer" {
				t.Errorf("after undo the template runs %s, want summer", img)
			}
		})
	}
}

// Messages and resource types are drawn from Kinds, so a new kind shows up
// in them without another edit.
func TestKindListsComeFromKinds(t *testing.T) {
	if got, want := workload.Names("or"), "Deployment, StatefulSet or DaemonSet"; got != want {
		t.Errorf("Names(or) = %q, want %q", got, want)
	}
	for _, k := range workload.Kinds {
		gr := workload.GroupResource(k)
		if got, ok := workload.ForResource(gr); !ok || got != k {
			t.Errorf("ForResource(%s) = %v, %v", gr, got, ok)
		}
	}
	if _, ok := workload.ForResource(schema.GroupResource{Group: "extensions", Resource: "deployments"}); ok {
		t.Error("a resource of another group is taken for one of ours")
	}
}
