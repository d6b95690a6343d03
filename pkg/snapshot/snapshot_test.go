package snapshot

import (
	"testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
)

func TestPodsAgree(t *testing.T) {
	pods := func(states ...PodState) []Pod {
		out := make([]Pod, len(states))
		for i, s := range states {
			out[i] = Pod{Name: string(rune('a' + i)), State: s}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		s    Snapshot
		want bool
	}{
		{"all ready, as the status says", Snapshot{
			Workload:  Workload{Ready: 3},
			Revisions: []Revision{{Revision: revision.Revision{Ready: 3}, Pods: pods(PodReady, PodReady, PodReady)}, {Revision: revision.Revision{Ready: 0}, Pods: pods(PodTerminating)}},
		}, true},
		{"a new pod not seen ready yet", Snapshot{
			Workload:  Workload{Ready: 3},
			Revisions: []Revision{{Revision: revision.Revision{Ready: 3}, Pods: pods(PodReady, PodReady, PodCreating)}},
		}, false},
		{"an old pod still seen ready", Snapshot{
			Workload:  Workload{Ready: 2},
			Revisions: []Revision{{Revision: revision.Revision{Ready: 2}, Pods: pods(PodReady, PodReady)}, {Revision: revision.Revision{Ready: 0}, Pods: pods(PodReady)}},
		}, false},
		{"revision counts lag the workload's", Snapshot{
			Workload:  Workload{Ready: 3},
			Revisions: []Revision{{Revision: revision.Revision{Ready: 2}, Pods: pods(PodReady, PodReady)}},
		}, false},
		{"pods may not be listed", Snapshot{
			Workload: Workload{Ready: 3}, PodsHidden: true,
			Revisions: []Revision{{Revision: revision.Revision{Ready: 3}}},
		}, true},
	} {
		if got := tc.s.PodsAgree(); got != tc.want {
			t.Errorf("%s: PodsAgree() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
