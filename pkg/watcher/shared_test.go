package watcher

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// member is rollout() under another name, its objects and pods labelled
// tier=mall besides their own app label.
func member(name string) []runtime.Object {
	labels := map[string]string{"app": name, "tier": "mall"}
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}}
	var out []runtime.Object
	uid := func(u types.UID) types.UID { return types.UID(name + "-" + string(u)) }
	for _, obj := range rollout() {
		switch o := obj.(type) {
		case *appsv1.Deployment:
			o.Name, o.UID, o.Labels = name, uid(o.UID), labels
			o.Spec.Selector, o.Spec.Template.Labels = sel, labels
		case *appsv1.ReplicaSet:
			o.Name, o.UID, o.Labels = name+"-"+o.Name, uid(o.UID), labels
			o.Spec.Selector, o.Spec.Template.Labels = sel, labels
			o.OwnerReferences[0].Name, o.OwnerReferences[0].UID = name, types.UID(name+"-d1")
		case *corev1.Pod:
			if o.Name == "stranger" {
				continue
			}
			o.OwnerReferences[0].Name = name + "-" + o.OwnerReferences[0].Name
			o.OwnerReferences[0].UID = uid(o.OwnerReferences[0].UID)
			o.Name, o.UID, o.Labels = name+"-"+o.Name, uid(o.UID), labels
		}
		out = append(out, obj)
	}
	return out
}

// Watchers of one release share one informer per resource: the pods are
// listed once for both, and each snapshot holds its own pods only.
func TestSharedInformersServeEachWorkloadItsOwn(t *testing.T) {
	c := fake.NewClientset(append(member("hall"), member("till")...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	shared := NewShared(ctx, c)
	shared.Prime("shop", "tier=mall", workload.Kinds, func(workload.Kind, error) {})
	var ws []*Workload
	for _, name := range []string{"hall", "till"} {
		w := New(c, workload.Deployment, "shop", name).WithShared(shared, "shop", "tier=mall")
		if err := w.Start(ctx); err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
	}
	for i, w := range ws {
		s := eventually(t, w, func(s *snapshot.Snapshot) bool { return len(s.Revisions) == 2 })
		for _, r := range s.Revisions {
			for _, p := range r.Pods {
				if p.Name[:4] != w.Name() {
					t.Errorf("%s shows pod %s", w.Name(), p.Name)
				}
			}
			if len(r.Pods) != 1 {
				t.Errorf("%s rev %d: %d pods, want 1", w.Name(), r.Number, len(r.Pods))
			}
		}
		if s.Workload.Name != []string{"hall", "till"}[i] {
			t.Errorf("snapshot of %s names %s", w.Name(), s.Workload.Name)
		}
	}
	lists := map[string]int{}
	for _, a := range c.Actions() {
		if a.GetVerb() == "list" || a.GetVerb() == "get" {
			lists[a.GetVerb()+" "+a.GetResource().Resource]++
		}
	}
	for _, what := range []string{"list pods", "list replicasets", "list deployments"} {
		if lists[what] != 1 {
			t.Errorf("%s: %d times for two workloads, want once (all: %v)", what, lists[what], lists)
		}
	}
	if lists["get deployments"] != 0 {
		t.Errorf("a shared watcher read its workload from the server (%v)", lists)
	}
	// Deleting one workload is seen by its watcher only.
	if err := c.AppsV1().Deployments("shop").Delete(ctx, "hall", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, ws[0], func(s *snapshot.Snapshot) bool { return s.Phase == snapshot.PhaseDeleted })
	if s := ws[1].Snapshot(time.Now(), time.Now()); s.Phase == snapshot.PhaseDeleted {
		t.Errorf("till is shown deleted with hall")
	}
}
