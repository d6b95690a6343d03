package watcher

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

var appLabels = map[string]string{"app": "clerk-squad"}

// rollout is a Deployment halfway from summer to winter: one pod of each
// revision, the winter one stuck pulling with a pull Secret; plus a pod of
// another app, which must stay out of the view.
func rollout() []runtime.Object {
	one := int32(1)
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "clerk-squad", Namespace: "shop", UID: "d1", Generation: 2,
			Annotations: map[string]string{"deployment.kubernetes.io/revision": "2"}},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: appLabels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: appLabels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: "winter"}}}}},
		Status: appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 2, UpdatedReplicas: 1},
	}
	objs := []runtime.Object{d}
	for i, img := range []string{"summer", "winter"} {
		rs := &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Name: "clerk-squad-" + img, Namespace: "shop", UID: types.UID("rs-" + img),
				Labels: appLabels, Annotations: map[string]string{"deployment.kubernetes.io/revision": []string{"1", "2"}[i]},
				OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))}},
			Spec: appsv1.ReplicaSetSpec{Replicas: &one, Selector: d.Spec.Selector, Template: *d.Spec.Template.DeepCopy()},
		}
		rs.Spec.Template.Spec.Containers[0].Image = img
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: rs.Name + "-x", Namespace: "shop", UID: types.UID(string(rs.UID) + "-pod"), Labels: appLabels,
				OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(rs, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))}},
			Spec: corev1.PodSpec{NodeName: "n1", Containers: rs.Spec.Template.Spec.Containers},
		}
		if img == "winter" {
			pod.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "warehouse-key"}}
			pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "uniform", Image: img,
				State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: "unauthorized"}}}}
		}
		objs = append(objs, rs, pod)
	}
	stranger := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "stranger", Namespace: "shop", Labels: map[string]string{"app": "other"}}}
	return append(objs, stranger)
}

func startWatch(t *testing.T, c *fake.Clientset) (*Workload, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	w := New(c, workload.Deployment, "shop", "clerk-squad")
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return w, ctx
}

// eventually waits for a snapshot that satisfies ok.
func eventually(t *testing.T, w *Workload, ok func(*snapshot.Snapshot) bool) snapshot.Snapshot {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s := w.Snapshot(time.Now(), time.Now())
		if ok(&s) {
			return s
		}
		select {
		case <-w.Changes():
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no such snapshot; last: phase %s, %d revisions, problems %q", s.Phase, len(s.Revisions), s.Problems)
		}
	}
}

func TestWatchPicturesTheWorkload(t *testing.T) {
	c := fake.NewClientset(rollout()...)
	looked := make(chan string, 4)
	w, ctx := startWatch(t, c)
	w.WithSecretLookup(func(_ context.Context, ns, name string) (bool, bool) {
		looked <- ns + "/" + name
		return false, true
	})
	s := eventually(t, w, func(s *snapshot.Snapshot) bool { return len(s.Revisions) == 2 })
	if s.Workload.Kind != "Deployment" || s.Workload.Short != "deploy" {
		t.Errorf("kind %q short %q", s.Workload.Kind, s.Workload.Short)
	}
	pods := 0
	for _, r := range s.Revisions {
		for _, p := range r.Pods {
			pods++
			if p.Name == "stranger" {
				t.Errorf("a pod outside the selector is in the view")
			}
		}
	}
	if pods != 2 {
		t.Errorf("%d pods in view, want 2", pods)
	}
	if w.Object() == nil || w.Kind() != workload.Deployment {
		t.Errorf("Object/Kind")
	}
	// The stuck pod names a pull Secret: its existence is looked up in the
	// background, and a later snapshot says it is missing.
	select {
	case got := <-looked:
		if got != "shop/warehouse-key" {
			t.Errorf("looked up %q", got)
		}
	case <-ctx.Done():
		t.Fatal("the pull Secret was never looked up")
	}
	s = eventually(t, w, func(s *snapshot.Snapshot) bool { exists, ok := s.Secrets["warehouse-key"]; return ok && !exists })
	// The snapshot comes diagnosed, with what the watcher learnt: the
	// views read its findings and work out none of their own.
	var pull *snapshot.Finding
	for i := range s.Findings {
		if s.Findings[i].Reason == "ImagePullBackOff" {
			pull = &s.Findings[i]
		}
	}
	if pull == nil || len(pull.Pods) != 1 || pull.Pods[0] != "clerk-squad-winter-x" || pull.Cause != "missing-pull-secret" {
		t.Errorf("findings %+v, want ImagePullBackOff of clerk-squad-winter-x for its missing pull Secret", s.Findings)
	}

	// A Warning event about the stuck pod shows once something is stuck.
	ev := &corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: "e1", Namespace: "shop"}, Type: corev1.EventTypeWarning,
		Reason: "Failed", Message: "pull refused", Count: 2,
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "clerk-squad-winter-x", UID: "rs-winter-pod"}}
	if _, err := c.CoreV1().Events("shop").Create(ctx, ev, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, w, func(s *snapshot.Snapshot) bool { return len(s.Events) == 1 && s.Events[0].Message == "pull refused" })

	// Deleting the workload ends the picture.
	if err := c.AppsV1().Deployments("shop").Delete(ctx, "clerk-squad", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	s = eventually(t, w, func(s *snapshot.Snapshot) bool { return s.Phase == snapshot.PhaseDeleted })
	if !strings.Contains(s.Message, `Deployment "clerk-squad" was deleted`) {
		t.Errorf("deleted message %q", s.Message)
	}
}

func TestWatchOfAMissingWorkloadFails(t *testing.T) {
	err := New(fake.NewClientset(), workload.StatefulSet, "shop", "nobody").Start(context.Background())
	if err == nil || !apierrors.IsNotFound(errors.Unwrap(err)) || !strings.Contains(err.Error(), `get StatefulSet "nobody" in namespace "shop"`) {
		t.Errorf("want a not-found error naming the workload, got %v", err)
	}
}

func TestWatchWithPodsForbidden(t *testing.T) {
	c := fake.NewClientset(rollout()...)
	c.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New("RBAC"))
	})
	w, _ := startWatch(t, c)
	s := eventually(t, w, func(s *snapshot.Snapshot) bool { return s.PodsHidden })
	if len(s.Problems) != 1 || !strings.Contains(s.Problems[0], "cannot see pods: forbidden") {
		t.Errorf("problems %q", s.Problems)
	}
	if len(s.Revisions) != 2 {
		t.Errorf("the revisions should still show: %d", len(s.Revisions))
	}
}
