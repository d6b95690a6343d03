package snapshot

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
)

// podOf is a pod controlled by the object with uid, created at second sec.
func podOf(name string, uid types.UID, sec int, ready bool) *corev1.Pod {
	isController := true
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Name: name, UID: types.UID(name),
		CreationTimestamp: metav1.NewTime(time.Date(2026, 1, 1, 0, 0, sec, 0, time.UTC)),
		OwnerReferences:   []metav1.OwnerReference{{UID: uid, Controller: &isController, Kind: "ReplicaSet", Name: string(uid)}},
	}}
	p.Spec.Containers = []corev1.Container{{Name: "uniform", Image: "u:1"}}
	if ready {
		p.Spec.NodeName = "kwok-node-0"
		p.Status.Phase = corev1.PodRunning
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "uniform", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
	}
	return p
}

func TestAddRevisionsSortsPodsIntoTheirRevisions(t *testing.T) {
	owner := &metav1.ObjectMeta{Name: "shop", UID: "owner"}
	revs := []revision.Revision{
		{Number: 2, Name: "new", UID: "rs-new", Desired: 3, Ready: 1, Containers: []revision.Container{{Name: "uniform", Image: "u:\x1b[2J2"}},
			ChangeCause: "bump\x1b]0;x\x07", ReplicaFailure: &revision.Failure{Reason: "FailedCreate", Message: "quota\x1b[1A"}},
		{Number: 1, Name: "old", UID: "rs-old", Desired: 1},
	}
	pods := []*corev1.Pod{
		podOf("new-b", "rs-new", 5, false), podOf("old-a", "rs-old", 1, true),
		podOf("new-a", "rs-new", 2, true), podOf("stranger", "someone-else", 0, true),
	}

	// Pods of a ReplicaSet keep the ReplicaSet's counts, in creation order.
	var s Snapshot
	s.AddRevisions(owner, revs, []string{"ReplicaSet x has revision \x1b[2Jfour"}, pods, nil)
	if len(s.Revisions) != 2 || len(s.Revisions[0].Pods) != 2 || len(s.Revisions[1].Pods) != 1 {
		t.Fatalf("revisions: %+v", s.Revisions)
	}
	if n := s.Revisions[0]; n.Pods[0].Name != "new-a" || n.Pods[1].Name != "new-b" || n.Desired != 3 || n.Ready != 1 {
		t.Errorf("new revision: desired %d ready %d, pods %s %s", n.Desired, n.Ready, n.Pods[0].Name, n.Pods[1].Name)
	}
	n := s.Revisions[0]
	for what, text := range map[string]string{"image": n.Images[0], "change-cause": n.ChangeCause, "failure": n.Failure.Message, "problem": s.Problems[0]} {
		if strings.Contains(text, "\x1b") {
			t.Errorf("%s keeps an escape: %q", what, text)
		}
	}
	if n.Failure.Reason != "FailedCreate" || n.Failure.Type != "ReplicaFailure" {
		t.Errorf("failure: %+v", n.Failure)
	}

	// With a label (an ordinal, a node), the pods are the count, and they
	// sort by label, numerically when they are numbers.
	var l Snapshot
	labels := map[string]string{"new-a": "10", "new-b": "9", "old-a": "0"}
	l.AddRevisions(owner, revs, nil, pods, func(p *corev1.Pod) string { return labels[p.Name] })
	if n := l.Revisions[0]; n.Pods[0].Label != "9" || n.Pods[1].Label != "10" || n.Desired != 2 || n.Ready != 1 {
		t.Errorf("labelled: desired %d ready %d, labels %s %s", n.Desired, n.Ready, n.Pods[0].Label, n.Pods[1].Label)
	}
	if !l.Revisions[1].Active() || (&Revision{}).Active() {
		t.Error("a revision with pods is active, an empty one is not")
	}
}

func TestImagesAreSanitizedInSpecOrder(t *testing.T) {
	got := Images(&corev1.PodSpec{Containers: []corev1.Container{{Image: "b:1"}, {Image: "a:\x1b[2J"}}})
	if len(got) != 2 || got[0] != "b:1" || strings.Contains(got[1], "\x1b") {
		t.Errorf("Images = %q", got)
	}
}
