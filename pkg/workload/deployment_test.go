package workload

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/kubectl/pkg/polymorphichelpers"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// The phase must say exactly what `kubectl rollout status` says: each
// fixture is checked against kubectl's own status viewer.
func TestDeploymentPhaseMatchesKubectl(t *testing.T) {
	for _, d := range fixtures.DecodeAll[appsv1.Deployment](t, "testdata/deployments.yaml") {
		t.Run(d.Name, func(t *testing.T) {
			phase, msg := deploymentPhase(d)
			checkAgainstKubectl(t, d, &polymorphichelpers.DeploymentStatusViewer{}, snapshot.Phase(d.Annotations["expect/phase"]), phase, msg)
		})
	}
}

func TestResolveFenceposts(t *testing.T) {
	pct := func(s string) *intstr.IntOrString { v := intstr.FromString(s); return &v }
	num := func(i int32) *intstr.IntOrString { v := intstr.FromInt32(i); return &v }
	for _, tc := range []struct {
		name           string
		ru             *appsv1.RollingUpdateDeployment
		desired        int32
		surge, unavail int32
	}{
		{"defaults 25% of 10", nil, 10, 3, 2},
		{"ints", &appsv1.RollingUpdateDeployment{MaxSurge: num(1), MaxUnavailable: num(0)}, 6, 1, 0},
		{"both zero means one unavailable", &appsv1.RollingUpdateDeployment{MaxSurge: num(0), MaxUnavailable: num(0)}, 6, 0, 1},
		{"percent rounding", &appsv1.RollingUpdateDeployment{MaxSurge: pct("50%"), MaxUnavailable: pct("50%")}, 3, 2, 1},
	} {
		s, u := resolveFenceposts(tc.ru, tc.desired)
		if s != tc.surge || u != tc.unavail {
			t.Errorf("%s: got surge %d unavailable %d, want %d %d", tc.name, s, u, tc.surge, tc.unavail)
		}
	}
}

func TestFromDeploymentGroupsPodsByRevision(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC)
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "clerk-squad", Namespace: "shop", UID: "d1", Generation: 2},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(2)),
			Template: template("registry.example/uniform:winter-2024"),
		},
		Status: appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 3, UpdatedReplicas: 1, AvailableReplicas: 2},
	}
	newRS := replicaSet("clerk-squad-new", "4", d, "registry.example/uniform:winter-2024", 1)
	oldRS := replicaSet("clerk-squad-old", "3", d, "registry.example/uniform:summer-2023", 2)
	oldRS.Annotations["kubernetes.io/change-cause"] = "summer"
	stranger := replicaSet("other", "9", &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "other", UID: "d2"}}, "x", 1)
	pods := []*corev1.Pod{
		pod("old-b", oldRS, 2), pod("old-a", oldRS, 1), pod("new-a", newRS, 3),
		pod("orphan", nil, 1), pod("strange", stranger, 1),
	}
	s := deploymentSnapshot(d, []*appsv1.ReplicaSet{oldRS, stranger, newRS}, pods, now, now.Add(-time.Minute))

	if len(s.Revisions) != 2 {
		t.Fatalf("want 2 revisions (stranger excluded), got %d", len(s.Revisions))
	}
	r4, r3 := s.Revisions[0], s.Revisions[1]
	if r4.Number != 4 || !r4.Current || r3.Number != 3 || r3.Current {
		t.Fatalf("revisions out of order or current wrong: %+v", s.Revisions)
	}
	if r3.ChangeCause != "summer" || r4.Images[0] != "registry.example/uniform:winter-2024" {
		t.Errorf("revision details wrong: %+v %+v", r3, r4)
	}
	if len(r4.Pods) != 1 || r4.Pods[0].Name != "new-a" {
		t.Errorf("rev 4 pods: %+v", r4.Pods)
	}
	if len(r3.Pods) != 2 || r3.Pods[0].Name != "old-a" || r3.Pods[1].Name != "old-b" {
		t.Errorf("rev 3 pods not in creation order: %+v", r3.Pods)
	}
	if s.Phase != snapshot.PhaseUpdating || s.Workload.Strategy.Type != "RollingUpdate" {
		t.Errorf("phase %q strategy %+v", s.Phase, s.Workload.Strategy)
	}
}

// A revision number that does not parse is said, and its pods still show:
// the history skips such a ReplicaSet, as kubectl does, but a live view
// must not hide pods that exist.
func TestUnreadableRevisionIsSaidNotHidden(t *testing.T) {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "clerk-squad", UID: "d1"}, Spec: appsv1.DeploymentSpec{Template: template("u:1")}}
	bad := replicaSet("clerk-squad-bad", "four", d, "u:1", 1)
	s := deploymentSnapshot(d, []*appsv1.ReplicaSet{bad}, []*corev1.Pod{pod("p", bad, 1)}, time.Now(), time.Now())
	if len(s.Revisions) != 1 || len(s.Revisions[0].Pods) != 1 || s.Revisions[0].Number != 0 {
		t.Fatalf("the revision and its pod must stay: %+v", s.Revisions)
	}
	if len(s.Problems) != 1 || !strings.Contains(s.Problems[0], `ReplicaSet clerk-squad-bad has revision "four"`) {
		t.Errorf("problems: %q", s.Problems)
	}
}

func ptr[T any](v T) *T { return &v }

func template(image string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "clerk-squad"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: image}}},
	}
}

func replicaSet(name, rev string, owner *appsv1.Deployment, image string, replicas int32) *appsv1.ReplicaSet {
	tpl := template(image)
	tpl.Labels = map[string]string{"app": "clerk-squad", "pod-template-hash": name}
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, UID: types.UID("uid-" + name),
			Annotations:     map[string]string{"deployment.kubernetes.io/revision": rev},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(owner, appsv1.SchemeGroupVersion.WithKind("Deployment"))},
		},
		Spec: appsv1.ReplicaSetSpec{Replicas: &replicas, Template: tpl},
	}
}

func pod(name string, owner *appsv1.ReplicaSet, createdSec int) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Name:              name,
		CreationTimestamp: metav1.NewTime(time.Date(2026, 1, 1, 0, 0, createdSec, 0, time.UTC)),
	}}
	if owner != nil {
		p.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(owner, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))}
	}
	return p
}
