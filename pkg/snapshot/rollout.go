package snapshot

import (
	"fmt"
	"sync"
	"time"
)

// Rollout is the rollout in progress: which revision it rolls towards, since
// when, and how far that revision had got then. Elapsed time and the ETA
// belong to it, not to the watch: after an undo they start again.
type Rollout struct {
	Revision string // the current revision's name and number
	Started  time.Time
	// ReadyAtStart is how many pods of the revision were ready when the
	// rollout started: progress made before does not speed up the ETA.
	ReadyAtStart int
}

// RolloutClock notices when the current revision changes between
// snapshots, and stamps each snapshot with the rollout it shows. It is
// safe for concurrent use: the view and the watcher's own loop both take
// snapshots, and whichever sees a change first dates it.
type RolloutClock struct {
	mu   sync.Mutex
	cur  Rollout
	seen time.Time // Now of the last snapshot stamped
}

// Stamp sets s.Rollout.
func (c *RolloutClock) Stamp(s *Snapshot) {
	rev := s.current()
	if rev == nil {
		return
	}
	key := fmt.Sprintf("%s#%d", rev.Name, rev.Number)
	c.mu.Lock()
	defer c.mu.Unlock()
	if key != c.cur.Revision {
		r := Rollout{Revision: key}
		switch {
		case c.cur.Revision == "":
			// First sight: the rollout began when the revision was made
			// or, for an old revision brought back, when its first pod
			// still present was created.
			r.Started = rev.Created
			if first := rev.firstPod(); first.After(r.Started) {
				r.Started = first
			}
			if r.Started.IsZero() || r.Started.After(s.Now) {
				r.Started = s.Started
			}
		case rev.Created.After(c.seen) && !rev.Created.After(s.Now):
			// A new revision, made since the last look.
			r.Started = rev.Created
		default:
			// An undo (or a template changed back) reuses an old
			// revision: the rollout starts when it is seen to.
			r.Started = s.Now
			r.ReadyAtStart = rev.Counts()[PodReady]
		}
		c.cur = r
	}
	if s.Now.After(c.seen) {
		c.seen = s.Now
	}
	s.Rollout = c.cur
}

func (s *Snapshot) current() *Revision {
	for i := range s.Revisions {
		if s.Revisions[i].Current {
			return &s.Revisions[i]
		}
	}
	return nil
}

func (r *Revision) firstPod() time.Time {
	var first time.Time
	for i := range r.Pods {
		if c := r.Pods[i].Created; !c.IsZero() && (first.IsZero() || c.Before(first)) {
			first = c
		}
	}
	return first
}
