package snapshot

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
)

func TestPodStates(t *testing.T) {
	pods := fixtures.DecodeAll[corev1.Pod](t, "testdata/pods.yaml")
	if len(pods) < 14 {
		t.Fatalf("fixture has %d pods", len(pods))
	}
	seen := map[PodState]bool{}
	for _, p := range pods {
		t.Run(p.Name, func(t *testing.T) {
			got := PodFrom(p)
			if want := PodState(p.Annotations["expect/state"]); got.State != want {
				t.Errorf("state = %q, want %q", got.State, want)
			}
			if want := p.Annotations["expect/reason"]; got.Reason != want {
				t.Errorf("reason = %q, want %q", got.Reason, want)
			}
			seen[got.State] = true
		})
	}
	for _, s := range []PodState{PodPending, PodCreating, PodRunning, PodReady, PodTerminating, PodFailed} {
		if !seen[s] {
			t.Errorf("no fixture covers state %q", s)
		}
	}
}

func TestPodDetails(t *testing.T) {
	byName := map[string]*corev1.Pod{}
	for _, p := range fixtures.DecodeAll[corev1.Pod](t, "testdata/pods.yaml") {
		byName[p.Name] = p
	}
	ready := PodFrom(byName["ready"])
	if ready.Restarts != 2 || ready.Node != "n1" {
		t.Errorf("ready pod: restarts %d node %q", ready.Restarts, ready.Node)
	}
	if want := time.Date(2026, 1, 1, 0, 0, 5, 0, time.UTC); !ready.StateSince.Equal(want) {
		t.Errorf("ready since %v, want %v", ready.StateSince, want)
	}
	// Deletion was requested 30s (the grace period) before the deletion timestamp.
	term := PodFrom(byName["terminating"])
	if want := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); !term.StateSince.Equal(want) {
		t.Errorf("terminating since %v, want %v", term.StateSince, want)
	}
	if m := PodFrom(byName["unschedulable"]).Message; m != "0/3 nodes are available: 3 Insufficient cpu." {
		t.Errorf("unschedulable message %q", m)
	}
	if m := PodFrom(byName["config-error"]).Message; m != `configmap "settings" not found` {
		t.Errorf("config error message %q", m)
	}
}
