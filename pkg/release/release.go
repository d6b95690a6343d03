// Package release holds the workloads a release view follows together
// (named, from manifests, or whatever -l selects) and what is known of
// each: its watcher, its log, when it ended and how. The views draw it;
// the commands choose it.
package release

import (
	"context"
	"sort"
	"sync"
	"time"

	"k8s.io/cli-runtime/pkg/resource"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
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

// FromInfos are the workloads among what cli-runtime's builder found (from
// arguments, -l or -f), once each and sorted; ignored counts the objects
// of other kinds (a Service in a manifest).
func FromInfos(infos []*resource.Info) (members []Member, ignored int) {
	seen := map[Member]bool{}
	for _, info := range infos {
		kind, ok := workload.ForResource(info.Mapping.Resource.GroupResource())
		if !ok {
			ignored++
			continue
		}
		m := Member{Kind: kind, Namespace: info.Namespace, Name: info.Name}
		if !seen[m] {
			seen[m] = true
			members = append(members, m)
		}
	}
	Sort(members)
	return members, ignored
}

// Sort orders members as the views list them: by namespace, kind and name.
func Sort(ms []Member) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].Who(true) < ms[j].Who(true) })
}

// Followed is what is known of one member being watched: its watcher, its
// log, and its tracker, which tells when and how it ended.
type Followed struct {
	Member
	W     *watcher.Workload
	Track *track.Tracker
	stop  context.CancelFunc // ends its watcher, when it leaves
	log   render.Log
}

// Follow starts w, the watcher of m; the member's watch ends with ctx or
// when it leaves the release. failAfter is --fail-after (0: none).
func Follow(ctx context.Context, m Member, w *watcher.Workload, failAfter time.Duration) (*Followed, error) {
	ctx, stop := context.WithCancel(ctx)
	if err := w.Start(ctx); err != nil {
		stop()
		return nil, err
	}
	return &Followed{Member: m, W: w, Track: track.New(failAfter), stop: stop}, nil
}

// Step takes a snapshot of the member now, notes it, and returns what
// changed since the last step as log lines.
func (f *Followed) Step(now, started time.Time) (snapshot.Snapshot, []render.Line) {
	s := f.W.Snapshot(now, started)
	lines := f.log.NextLines(&s)
	f.Track.Note(&s)
	return s, lines
}

// Leave marks a member gone from a release selected by -l: neither
// complete nor failed, and no longer watched.
func (f *Followed) Leave(why string) {
	f.Track.Leave(why)
	f.stop()
}

// AllDone tells whether every member has ended.
func AllDone(all []*Followed) bool {
	for _, f := range all {
		if !f.Track.Ended() {
			return false
		}
	}
	return true
}

// Failures lists the members that failed or were deleted, each with why.
func Failures(all []*Followed, allNamespaces bool) []string {
	var out []string
	for _, f := range all {
		switch f.Track.Outcome() {
		case track.Failed:
			out = append(out, f.Who(allNamespaces)+": "+f.Track.Err().Error())
		case track.Deleted:
			out = append(out, f.Who(allNamespaces)+": deleted while being watched")
		}
	}
	return out
}

// Pending lists the members that have not ended.
func Pending(all []*Followed, allNamespaces bool) []string {
	var out []string
	for _, f := range all {
		if !f.Track.Ended() {
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
