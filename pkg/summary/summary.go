// Package summary remembers what a watch saw, snapshot after snapshot, and
// tells it in a few figures when the watch ends: the outcome, how long it
// took, the pods replaced, the slowest pod to become ready, restarts,
// findings and warning events. It knows snapshots only, not clients.
package summary

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// Outcome is how a watch ended.
type Outcome string

const (
	Complete Outcome = "complete"
	Failed   Outcome = "failed"
	TimedOut Outcome = "timed out"
	Deleted  Outcome = "deleted"
)

// Summary is what a watch saw, in figures.
type Summary struct {
	Workload string // e.g. "deployment/clerk-squad"
	Outcome  Outcome
	Reason   string        // why it failed or timed out; empty otherwise
	Took     time.Duration // from the start of the watch to its end
	Target   string        // the revision rolled out, e.g. "rev 4 (uniform:winter-2024)"
	// Revisions are the revisions whose pods came or went, current first.
	Revisions []Replaced
	// Slowest is the new pod that took longest from creation to ready.
	Slowest      string
	SlowestTook  time.Duration
	Restarts     int // container restarts seen during the watch
	Findings     int // distinct reasons for being stuck
	WarningCount int // Warning events seen (repeats counted)
	// LastWords is what a failing container of the newest revision said
	// last, for a rollout that failed or timed out: why, in its own words.
	LastWords *snapshot.LastWords
}

// Replaced counts one revision's pods that came (became ready) or went
// during the watch.
type Replaced struct {
	Revision string // "rev 4"
	Number   int64
	Current  bool
	Ready    int // pods that became ready while watched
	Removed  int // pods that left while watched
}

// maxKept bounds what a Recorder remembers, so that a watch of days over
// thousands of pods keeps a flat memory.
const maxKept = 1 << 14

// Recorder takes successive snapshots of one workload and keeps what its
// summary needs. It is not safe for concurrent use: one view feeds it.
type Recorder struct {
	// Snapshots are not kept (a view reuses its own): only these of them.
	seen             bool
	started, firstAt time.Time // the watch's start; the first snapshot's Now
	workload         string
	current, target  string // the current revision's name and label
	// pods by revision and name: a StatefulSet's pod keeps its name when
	// it is replaced by one of the new revision.
	pods      map[podKey]*podSeen
	revisions map[string]int64 // ReplicaSet name → revision number
	findings  map[string]bool
	lastWords *snapshot.LastWords // the latest read, of the current revision
	events    map[string]int32    // reason|message → highest count seen
}

type podKey struct{ revision, name string }

type podSeen struct {
	readyAtFirst        bool // ready when the watch first saw it
	firstRestarts       int32
	lastRestarts        int32
	created, readySince time.Time
	ready, gone         bool
}

// Observe records s. Snapshots must come in time order.
func (r *Recorder) Observe(s *snapshot.Snapshot) {
	if s == nil || s.Phase == snapshot.PhaseDeleted && r.seen {
		return
	}
	if !r.seen {
		r.seen = true
		r.pods = map[podKey]*podSeen{}
		r.revisions = map[string]int64{}
		r.findings = map[string]bool{}
		r.events = map[string]int32{}
		r.started, r.firstAt = s.Started, s.Now
	}
	first := s.Now.Equal(r.firstAt)
	r.workload = strings.ToLower(s.Workload.Kind) + "/" + s.Workload.Name
	r.current, r.target = "", ""
	present := make(map[podKey]bool, len(r.pods))
	for i := range s.Revisions {
		rev := &s.Revisions[i]
		if rev.Current {
			r.current, r.target = rev.Name, rev.Label()
		}
		if _, ok := r.revisions[rev.Name]; ok || len(r.revisions) < maxKept {
			r.revisions[rev.Name] = rev.Number
		}
		for j := range rev.Pods {
			p := &rev.Pods[j]
			key := podKey{rev.Name, p.Name}
			present[key] = true
			seen := r.pods[key]
			if seen == nil {
				if len(r.pods) >= maxKept {
					continue
				}
				seen = &podSeen{firstRestarts: p.Restarts, created: p.Created}
				if !first && !p.Created.Before(r.firstAt) {
					// Born during the watch: every restart counts, and
					// being ready is its doing, even if we missed a step.
					seen.firstRestarts = 0
				} else {
					seen.readyAtFirst = p.State == snapshot.PodReady
				}
				r.pods[key] = seen
			}
			seen.lastRestarts = max(seen.lastRestarts, p.Restarts)
			seen.ready = p.State == snapshot.PodReady
			seen.gone = p.State == snapshot.PodTerminating
			if seen.ready && !p.StateSince.IsZero() {
				seen.readySince = p.StateSince
			}
		}
	}
	for key, seen := range r.pods {
		if !present[key] {
			seen.gone, seen.ready = true, false
		}
	}
	for _, f := range s.Findings {
		if len(r.findings) < maxKept {
			r.findings[f.Key()] = true
		}
		if f.LastWords != nil && len(f.LastWords.Lines) > 0 {
			r.lastWords = f.LastWords
		}
	}
	for _, e := range s.Events {
		k := e.Reason + "|" + e.Message
		if _, ok := r.events[k]; ok || len(r.events) < maxKept {
			r.events[k] = max(r.events[k], e.Count)
		}
	}
}

// Summary tells what was recorded, ended with outcome at end.
func (r *Recorder) Summary(outcome Outcome, reason string, end time.Time) Summary {
	sum := Summary{Outcome: outcome, Reason: reason}
	if !r.seen {
		return sum
	}
	if outcome == Failed || outcome == TimedOut {
		sum.LastWords = r.lastWords
	}
	current := r.current
	sum.Workload, sum.Target = r.workload, r.target
	sum.Took = end.Sub(r.started).Round(time.Second)
	counts := map[string]*Replaced{}
	var order []string
	count := func(rev string) *Replaced {
		c := counts[rev]
		if c == nil {
			n := r.revisions[rev]
			c = &Replaced{Revision: fmt.Sprintf("rev %d", n), Number: n, Current: rev == current}
			counts[rev] = c
			order = append(order, rev)
		}
		return c
	}
	for key, p := range r.pods {
		name := key.name
		switch {
		case key.revision == current && p.ready && !p.readyAtFirst:
			count(key.revision).Ready++
			if took := p.readySince.Sub(p.created); !p.created.IsZero() && !p.readySince.IsZero() &&
				(took > sum.SlowestTook || took == sum.SlowestTook && name < sum.Slowest) {
				sum.Slowest, sum.SlowestTook = name, took
			}
		case key.revision != current && p.gone:
			count(key.revision).Removed++
		}
		sum.Restarts += int(max(p.lastRestarts-p.firstRestarts, 0))
	}
	// Current first, then newest first, for output that reads the same
	// every time.
	sort.Slice(order, func(i, j int) bool {
		a, b := counts[order[i]], counts[order[j]]
		if a.Current != b.Current {
			return a.Current
		}
		if a.Number != b.Number {
			return a.Number > b.Number
		}
		return order[i] < order[j]
	})
	for _, rev := range order {
		sum.Revisions = append(sum.Revisions, *counts[rev])
	}
	sum.Findings = len(r.findings)
	for _, n := range r.events {
		sum.WarningCount += int(n)
	}
	return sum
}
