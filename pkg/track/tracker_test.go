package track

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/summary"
)

var t0 = time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)

// phaseAt is a snapshot of deploy/steer in phase p, with one ready pod of
// ready in view (the status says one).
func phaseAt(now time.Time, p snapshot.Phase, msg string, ready int) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Now: now, Started: t0, Phase: p, Message: msg,
		Workload: snapshot.Workload{Kind: "Deployment", Namespace: "shop", Name: "steer", Desired: 1, Ready: 1}}
	rev := snapshot.Revision{Revision: revision.Revision{Number: 2, Current: true, Ready: 1}}
	for range ready {
		rev.Pods = append(rev.Pods, snapshot.Pod{Name: "steer-2-a", State: snapshot.PodReady})
	}
	s.Revisions = []snapshot.Revision{rev}
	return s
}

// Each way of ending, as the summary then tells it.
func TestTrackerEnds(t *testing.T) {
	for _, tc := range []struct {
		name     string
		snaps    []*snapshot.Snapshot
		leave    bool
		want     Outcome
		err      string
		timedOut bool
		sum      summary.Outcome // "": nothing to say
	}{
		{name: "complete", snaps: []*snapshot.Snapshot{phaseAt(t0, snapshot.PhaseComplete, "", 1)}, want: Complete, sum: summary.Complete},
		{name: "failed", snaps: []*snapshot.Snapshot{phaseAt(t0, snapshot.PhaseFailed, "progress deadline exceeded", 1)},
			want: Failed, err: "progress deadline exceeded", sum: summary.Failed},
		{name: "on delete", snaps: []*snapshot.Snapshot{phaseAt(t0, snapshot.PhaseOnDelete, "no rollout with OnDelete", 1)},
			want: Failed, err: "no rollout with OnDelete", sum: summary.Failed},
		{name: "deleted", snaps: []*snapshot.Snapshot{phaseAt(t0, snapshot.PhaseAvailability, "", 0), phaseAt(t0.Add(time.Second), snapshot.PhaseDeleted, "", 0)},
			want: Deleted, sum: summary.Deleted},
		{name: "left", snaps: []*snapshot.Snapshot{phaseAt(t0, snapshot.PhaseAvailability, "", 0)}, leave: true, want: Left, sum: summary.Deleted},
		{name: "the first end is kept", snaps: []*snapshot.Snapshot{phaseAt(t0, snapshot.PhaseFailed, "deadline", 1), phaseAt(t0.Add(time.Second), snapshot.PhaseComplete, "", 1), phaseAt(t0.Add(2*time.Second), snapshot.PhaseDeleted, "", 0)},
			leave: true, want: Failed, err: "deadline", sum: summary.Failed},
		{name: "timed out", snaps: []*snapshot.Snapshot{phaseAt(t0, snapshot.PhaseAvailability, "", 0)}, timedOut: true, want: Running, sum: summary.TimedOut},
		{name: "interrupted", snaps: []*snapshot.Snapshot{phaseAt(t0, snapshot.PhaseAvailability, "", 0)}, want: Running},
		{name: "never seen", timedOut: true, want: Running},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := New(0)
			for _, s := range tc.snaps {
				tr.Note(s)
			}
			if tc.leave {
				tr.Leave("deployment/steer left the release")
			}
			if tr.Outcome() != tc.want || tr.Ended() != (tc.want != Running) {
				t.Errorf("outcome %s (ended %v), want %s", tr.Outcome(), tr.Ended(), tc.want)
			}
			if err := tr.Err(); tc.err == "" && err != nil || tc.err != "" && (err == nil || err.Error() != tc.err) {
				t.Errorf("err %v, want %q", err, tc.err)
			}
			sum, ok := tr.Summary(tc.timedOut, t0.Add(time.Minute))
			if ok != (tc.sum != "") || ok && (sum.Outcome != tc.sum || sum.Workload != "deployment/steer") {
				t.Errorf("summary %v %+v, want %q", ok, sum, tc.sum)
			}
			if tc.want == Failed && sum.Reason != tc.err {
				t.Errorf("the summary's reason %q, want %q", sum.Reason, tc.err)
			}
		})
	}
}

// A finished status whose pods lag settles after the grace, and Wait says
// when to look again although nothing changes.
func TestTrackerSettlesAndSaysWhenToLookAgain(t *testing.T) {
	tr := New(0)
	if got := tr.Note(phaseAt(t0, snapshot.PhaseComplete, "", 0)); got != Running {
		t.Fatalf("pods that lag the status: %s", got)
	}
	if w := tr.Wait(t0); w != Grace {
		t.Errorf("wait %s, want the grace %s", w, Grace)
	}
	if got := tr.Note(phaseAt(t0.Add(Grace), snapshot.PhaseComplete, "", 0)); got != Complete {
		t.Errorf("after the grace: %s", got)
	}
	if w := tr.Wait(t0.Add(Grace)); w != 0 {
		t.Errorf("an ended tracker waits %s", w)
	}
}

// With --fail-after, a hopeless pull fails the tracker once it has lasted
// that long, and Wait counts down to it.
func TestTrackerFailsAfter(t *testing.T) {
	tr := New(2 * time.Minute)
	if got := tr.Note(stuckAt(t0, true, "ImagePullBackOff", "failed to resolve reference: not found")); got != Running {
		t.Fatalf("at first sight: %s", got)
	}
	if w := tr.Wait(t0.Add(30 * time.Second)); w != 90*time.Second {
		t.Errorf("wait %s, want 1m30s", w)
	}
	if got := tr.Note(stuckAt(t0.Add(2*time.Minute), true, "ImagePullBackOff", "failed to resolve reference: not found")); got != Failed {
		t.Fatalf("after 2m: %s", got)
	}
	if err := tr.Err(); err == nil || !strings.HasPrefix(err.Error(), "rollout cannot finish: rev 2: ImagePullBackOff: pod steer-2-a, stuck for 2m0s (--fail-after 2m0s)") {
		t.Errorf("err %v", err)
	}
}
