package track

import (
	"fmt"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// hopelessReasons are the reasons a pod of the new revision stays stuck on
// until someone changes something: the image does not exist or is refused,
// its name is invalid, the container crashes or cannot be configured. Each
// is a snapshot.Finding reason; for pulls, only the causes that name the
// registry's refusal (a network error may heal).
var hopelessReasons = map[string]map[string]bool{
	"ImagePullBackOff":           {"not-found": true, "no-pull-secret": true, "missing-pull-secret": true, "refused-credentials": true},
	"InvalidImageName":           nil,
	"ErrImageNeverPull":          nil,
	"CrashLoopBackOff":           nil,
	"CreateContainerConfigError": nil,
	"CreateContainerError":       nil,
}

// HopelessHelp lists them for --help.
const HopelessHelp = "image not found or refused by the registry (ImagePullBackOff), InvalidImageName, ErrImageNeverPull, CrashLoopBackOff, CreateContainerConfigError, CreateContainerError"

// FailFast ends --until-done early (--fail-after) when pods of the revision
// being rolled out have been stuck on a hopeless reason for After.
// kubectl waits for the progress deadline (10 minutes by default) instead.
type FailFast struct {
	// After is --fail-after; 0 never ends a wait early.
	After time.Duration
	since map[string]time.Time // finding key → when first seen
}

// Wait is how long until the first stuck pod reaches --fail-after, so that
// a view with nothing changing still looks again then; 0 when none is stuck.
func (f *FailFast) Wait(now time.Time) time.Duration {
	var d time.Duration
	for _, first := range f.since {
		if left := first.Add(f.After).Sub(now); left > 0 && (d == 0 || left < d) {
			d = left
		}
	}
	return d
}

// Check returns the error that ends the wait, or nil.
func (f *FailFast) Check(s *snapshot.Snapshot) error {
	if f.After <= 0 {
		return nil
	}
	if f.since == nil {
		f.since = map[string]time.Time{}
	}
	current, ready := int64(-1), false
	for i := range s.Revisions {
		if r := &s.Revisions[i]; r.Current {
			current, ready = r.Number, r.Counts()[snapshot.PodReady] > 0
		}
	}
	seen := map[string]bool{}
	for _, fd := range s.Findings {
		causes, ok := hopelessReasons[fd.Reason]
		if !ok || fd.Revision != current || len(fd.Pods) == 0 || causes != nil && !causes[fd.Cause] {
			continue
		}
		key := fd.Key()
		seen[key] = true
		first, ok := f.since[key]
		if !ok {
			f.since[key], first = s.Now, s.Now
		}
		if stuck := s.Now.Sub(first); stuck >= f.After {
			return fmt.Errorf("rollout cannot finish: %s, stuck for %s (--fail-after %s): %s", fd.Summary(), stuck.Round(time.Second), f.After, fd.Hint)
		}
	}
	// A pod that recovers, or a new revision, starts the count again.
	// A stuck pod starts the count again only once a pod of the revision
	// is ready: between two crashes a crash-looping pod runs for a while,
	// unready, and the loop goes on.
	if ready {
		for key := range f.since {
			if !seen[key] {
				delete(f.since, key)
			}
		}
	}
	return nil
}
