package track

import (
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

func TestSettleWaitsForLaggingPods(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	lagging := snapshot.Snapshot{Phase: snapshot.PhaseComplete, Workload: snapshot.Workload{Ready: 2},
		Revisions: []snapshot.Revision{{Revision: revision.Revision{Ready: 2}, Pods: []snapshot.Pod{{State: snapshot.PodReady}, {State: snapshot.PodCreating}}}}}
	agreed := lagging
	agreed.Revisions = []snapshot.Revision{{Revision: revision.Revision{Ready: 2}, Pods: []snapshot.Pod{{State: snapshot.PodReady}, {State: snapshot.PodReady}}}}
	progressing := snapshot.Snapshot{Phase: snapshot.PhaseAvailability}
	failed := snapshot.Snapshot{Phase: snapshot.PhaseFailed}

	var st Settle
	if over, wait := st.Over(&progressing, t0); over || wait != 0 {
		t.Errorf("progressing: over %v, wait %s; want false, 0", over, wait)
	}
	if over, wait := st.Over(&lagging, t0); over || wait != Grace {
		t.Errorf("complete, pods lagging: over %v, wait %s; want false, %s", over, wait, Grace)
	}
	if over, wait := st.Over(&lagging, t0.Add(4*time.Second)); over || wait != Grace-4*time.Second {
		t.Errorf("still lagging 4s later: over %v, wait %s", over, wait)
	}
	if over, _ := st.Over(&agreed, t0.Add(5*time.Second)); !over {
		t.Errorf("pods caught up: the watch should end")
	}

	st = Settle{}
	st.Over(&lagging, t0)
	if over, _ := st.Over(&lagging, t0.Add(Grace)); !over {
		t.Errorf("pods lagging past the grace: the watch should end anyway")
	}

	// While the connection is still down, the pods in view are those of
	// before the outage: wait longer for them.
	reconnecting := lagging
	reconnecting.Reconnecting = true
	st = Settle{}
	st.Over(&reconnecting, t0)
	if over, wait := st.Over(&reconnecting, t0.Add(Grace)); over || wait != GraceReconnecting-Grace {
		t.Errorf("lagging and reconnecting past the short grace: over %v, wait %s", over, wait)
	}
	if over, _ := st.Over(&reconnecting, t0.Add(GraceReconnecting)); !over {
		t.Errorf("past the long grace: the watch should end anyway")
	}

	st = Settle{}
	if over, _ := st.Over(&failed, t0); !over {
		t.Errorf("a failed rollout ends the watch at once")
	}
}
