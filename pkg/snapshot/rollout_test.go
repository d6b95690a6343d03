package snapshot

import (
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
)

func rolloutAt(now time.Time, revs ...Revision) *Snapshot {
	return &Snapshot{Now: now, Started: t0(), Revisions: revs}
}

func t0() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }

func rev(name string, n int64, created time.Time, current bool, ready int) Revision {
	r := Revision{Revision: revision.Revision{Name: name, Number: n, Created: created, Current: current}}
	for i := 0; i < ready; i++ {
		r.Pods = append(r.Pods, Pod{Name: name + "-pod", State: PodReady, Created: created})
	}
	return r
}

// The rollout's clock starts with the rollout, not with the watch: a new
// revision dates it by its creation, an undo by when it was seen, and the
// progress an undone-to revision had before is not counted.
func TestRolloutClockRestartsWithEachRollout(t *testing.T) {
	var c RolloutClock
	start := t0()
	old := start.Add(-24 * time.Hour)

	// Watching a finished rollout of rev 2, made a day ago.
	s := rolloutAt(start, rev("web-b", 2, old, true, 3), rev("web-a", 1, old.Add(-time.Hour), false, 0))
	c.Stamp(s)
	if !s.Rollout.Started.Equal(old) {
		t.Fatalf("first sight: started %v, want the revision's creation %v", s.Rollout.Started, old)
	}

	// A new image: rev 3 made 5 s into the watch, seen at 6 s.
	made := start.Add(5 * time.Second)
	s = rolloutAt(start.Add(6*time.Second), rev("web-c", 3, made, true, 0), rev("web-b", 2, old, false, 3))
	c.Stamp(s)
	if !s.Rollout.Started.Equal(made) || s.Rollout.ReadyAtStart != 0 {
		t.Fatalf("new revision: rollout %+v, want started %v with 0 ready", s.Rollout, made)
	}

	// Later snapshots of the same rollout keep its start.
	s = rolloutAt(start.Add(20*time.Second), rev("web-c", 3, made, true, 2), rev("web-b", 2, old, false, 1))
	c.Stamp(s)
	if !s.Rollout.Started.Equal(made) {
		t.Fatalf("same rollout: started %v, want %v", s.Rollout.Started, made)
	}

	// An undo at 30 s: web-b comes back as rev 4, with one pod still ready.
	undo := start.Add(30 * time.Second)
	s = rolloutAt(undo, rev("web-b", 4, old, true, 1), rev("web-c", 3, made, false, 2))
	c.Stamp(s)
	if !s.Rollout.Started.Equal(undo) || s.Rollout.ReadyAtStart != 1 {
		t.Fatalf("undo: rollout %+v, want started %v with 1 ready before it", s.Rollout, undo)
	}
}

// A watch that starts while an old revision is being brought back dates
// the rollout by its first pod, not by the revision's creation long ago.
func TestRolloutClockFirstSightOfAnUndo(t *testing.T) {
	var c RolloutClock
	old := t0().Add(-24 * time.Hour)
	r := rev("web-b", 4, old, true, 0)
	r.Pods = append(r.Pods, Pod{Name: "web-b-new", State: PodCreating, Created: t0().Add(-3 * time.Second)})
	s := rolloutAt(t0(), r)
	c.Stamp(s)
	if want := t0().Add(-3 * time.Second); !s.Rollout.Started.Equal(want) {
		t.Fatalf("started %v, want the first pod's creation %v", s.Rollout.Started, want)
	}
}
