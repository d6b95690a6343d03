// Package release holds the workloads a release view follows together
// (named, from manifests, or whatever -l selects) and what is known of
// each: its watcher, its log, when it ended and how. The views draw it;
// the commands choose it.
package release

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/summary"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/track"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// Member is one workload of a release.
type Member struct {
	Kind      workload.Kind
	Namespace string
	Name      string
}

// Who names m in a log line: kind/name, and the namespace with -A.
func (m Member) Who(allNamespaces bool) string {
	w := workload.Lower(m.Kind) + "/" + m.Name
	if allNamespaces {
		return m.Namespace + "/" + w
	}
	return w
}

// Sort orders members as the views list them: by namespace, kind and name.
func Sort(ms []Member) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].Who(true) < ms[j].Who(true) })
}

// Followed is what is known of one member being watched.
type Followed struct {
	Member
	W    *watcher.Workload
	stop context.CancelFunc // ends its watcher, when it leaves
	log  render.Log
	end  track.Settle
	seen summary.Recorder

	failed error  // why it failed, once it has
	left   string // why it left a release selected by -l
	done   bool   // complete, failed, deleted or left
}

// Follow starts w, the watcher of m; the member's watch ends with ctx or
// when it leaves the release.
func Follow(ctx context.Context, m Member, w *watcher.Workload) (*Followed, error) {
	ctx, stop := context.WithCancel(ctx)
	if err := w.Start(ctx); err != nil {
		stop()
		return nil, err
	}
	return &Followed{Member: m, W: w, stop: stop}, nil
}

// errDeleted is the failure of a member deleted while it was watched.
var errDeleted = errors.New("deleted while being watched")

// Note records s for the summary and notes the member's end: complete
// (once its pods agree), failed, or deleted.
func (f *Followed) Note(s *snapshot.Snapshot) {
	f.seen.Observe(s)
	if f.done {
		return
	}
	switch {
	case s.Phase == snapshot.PhaseDeleted:
		f.done, f.failed = true, errDeleted
	case s.Phase == snapshot.PhaseFailed || s.Phase == snapshot.PhaseOnDelete:
		f.done, f.failed = true, errors.New(s.Message)
	default:
		if over, _ := f.end.Over(s, s.Now); over {
			f.done = true
		}
	}
}

// Step takes a snapshot of the member now, notes it, and returns what
// changed since the last step as log lines.
func (f *Followed) Step(now, started time.Time) (snapshot.Snapshot, []render.Line) {
	s := f.W.Snapshot(now, started)
	lines := f.log.NextLines(&s)
	f.Note(&s)
	return s, lines
}

// Leave marks a member gone from a release selected by -l: neither
// complete nor failed, and no longer watched.
func (f *Followed) Leave(why string) {
	f.done, f.left = true, why
	f.stop()
}

// Done tells whether the member has ended: complete, failed, deleted or left.
func (f *Followed) Done() bool { return f.done }

// Left tells whether the member left a release selected by -l.
func (f *Followed) Left() bool { return f.left != "" }

// Failed is why the member failed, or nil.
func (f *Followed) Failed() error { return f.failed }

// Summary is how the member ended, for the summary --until-done prints;
// ok is false when there is nothing to say (interrupted before its end).
func (f *Followed) Summary(timedOut bool, now time.Time) (sum summary.Summary, ok bool) {
	outcome, reason := summary.Complete, ""
	switch {
	case f.left != "" || errors.Is(f.failed, errDeleted):
		outcome = summary.Deleted
	case f.failed != nil:
		outcome, reason = summary.Failed, f.failed.Error()
	case !f.done && timedOut:
		outcome = summary.TimedOut
	case !f.done:
		return summary.Summary{}, false
	}
	return f.seen.Summary(outcome, reason, now), true
}

// AllDone tells whether every member has ended.
func AllDone(all []*Followed) bool {
	for _, f := range all {
		if !f.done {
			return false
		}
	}
	return true
}

// Failures lists the members that failed, each with why.
func Failures(all []*Followed, allNamespaces bool) []string {
	var out []string
	for _, f := range all {
		if f.failed != nil {
			out = append(out, f.Who(allNamespaces)+": "+f.failed.Error())
		}
	}
	return out
}

// Pending lists the members that have not ended.
func Pending(all []*Followed, allNamespaces bool) []string {
	var out []string
	for _, f := range all {
		if !f.done {
			out = append(out, f.Who(allNamespaces))
		}
	}
	return out
}

// Roster is the release's workloads as they come and go: a release
// selected by -l gains the workloads that start matching and loses those
// deleted. The membership handlers add to it; the views read it.
type Roster struct {
	mu  sync.Mutex
	all []*Followed
}

// Add makes f a member.
func (r *Roster) Add(f *Followed) {
	r.mu.Lock()
	r.all = append(r.all, f)
	r.mu.Unlock()
}

// List is every member so far, those that left included.
func (r *Roster) List() []*Followed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Followed(nil), r.all...)
}

// Change is a workload that joins a release, or leaves it, and the line
// that says so. Whoever draws the release applies it (Leave on Remove).
type Change struct {
	Add, Remove *Followed
	Say         string
}
