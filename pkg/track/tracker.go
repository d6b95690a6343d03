package track

import (
	"errors"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/summary"
)

// Outcome is how following a workload has ended so far.
type Outcome int

const (
	Running  Outcome = iota // not ended
	Complete                // rolled out, and the pods in view agree
	Failed                  // the rollout failed, or --fail-after gave up on it
	Deleted                 // the workload was deleted while being watched
	Left                    // it no longer matches the release's -l
)

func (o Outcome) String() string {
	return [...]string{"running", "complete", "failed", "deleted", "left"}[o]
}

// Tracker follows one workload's snapshots to its end: it settles a
// finished rollout (Settle), gives up on a hopeless one (FailFast, when
// FailAfter is set), and records what the summary tells. A single watch and
// each member of a release have one, so that all end by the same rules. It
// is not safe for concurrent use: one loop notes the snapshots.
type Tracker struct {
	settle  Settle
	fail    FailFast
	seen    summary.Recorder
	outcome Outcome
	why     string        // the failure's or the leave's reason
	wait    time.Duration // until the settling is over; 0: no wait
}

// New returns a tracker that fails a wait stuck for failAfter on a reason
// that does not heal by itself (0: only the rollout's own deadline).
func New(failAfter time.Duration) *Tracker {
	return &Tracker{fail: FailFast{After: failAfter}}
}

// Note records s and returns the outcome it leads to. The first end is
// kept: a member that failed and was deleted after stays failed.
func (t *Tracker) Note(s *snapshot.Snapshot) Outcome {
	t.seen.Observe(s)
	if t.outcome != Running {
		return t.outcome
	}
	t.wait = 0
	switch {
	case s.Phase == snapshot.PhaseDeleted:
		t.outcome = Deleted
	case s.Phase == snapshot.PhaseFailed || s.Phase == snapshot.PhaseOnDelete:
		t.outcome, t.why = Failed, s.Message
	default:
		if err := t.fail.Check(s); err != nil {
			t.outcome, t.why = Failed, err.Error()
			break
		}
		over, wait := t.settle.Over(s, s.Now)
		if over {
			t.outcome = Complete
		}
		t.wait = wait
	}
	return t.outcome
}

// Leave ends the tracking of a workload that left a release selected by -l.
func (t *Tracker) Leave(why string) {
	if t.outcome == Running {
		t.outcome, t.why = Left, why
	}
}

// Outcome is how the workload has ended, or Running.
func (t *Tracker) Outcome() Outcome { return t.outcome }

// Ended tells whether the workload has ended, in any way.
func (t *Tracker) Ended() bool { return t.outcome != Running }

// Err is why the workload failed, or nil.
func (t *Tracker) Err() error {
	if t.outcome != Failed {
		return nil
	}
	return errors.New(t.why)
}

// Wait is how long until the end may come without any change in the
// cluster: the settling of a finished rollout, or --fail-after running
// out (0: nothing to wait for). A loop that sleeps until the next change
// wakes up after it.
func (t *Tracker) Wait(now time.Time) time.Duration {
	wait := t.wait
	if stuck := t.fail.Wait(now); stuck > 0 && (wait == 0 || stuck < wait) {
		wait = stuck
	}
	return wait
}

// Summary is how the workload ended, for the summary --until-done
// prints; ok is false when there is nothing to say: it never showed, or
// the watch was interrupted (not timed out) before its end.
func (t *Tracker) Summary(timedOut bool, now time.Time) (sum summary.Summary, ok bool) {
	var outcome summary.Outcome
	reason := ""
	switch t.outcome {
	case Complete:
		outcome = summary.Complete
	case Failed:
		outcome, reason = summary.Failed, t.why
	case Deleted, Left:
		outcome = summary.Deleted
	case Running:
		if !timedOut {
			return summary.Summary{}, false
		}
		outcome = summary.TimedOut
	}
	sum = t.seen.Summary(outcome, reason, now)
	return sum, sum.Workload != ""
}
