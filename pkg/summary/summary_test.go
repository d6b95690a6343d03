package summary

import (
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/diagnose"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func pod(name string, st snapshot.PodState, created, since time.Time, restarts int32) snapshot.Pod {
	return snapshot.Pod{Name: name, State: st, Created: created, StateSince: since, Restarts: restarts}
}

func snap(now time.Duration, revs ...snapshot.Revision) *snapshot.Snapshot {
	return &snapshot.Snapshot{
		Workload: snapshot.Workload{Kind: "Deployment", Name: "clerk-squad", Desired: 2},
		Now:      t0.Add(now), Started: t0, Revisions: revs,
	}
}

func rev(n int64, name string, current bool, pods ...snapshot.Pod) snapshot.Revision {
	return snapshot.Revision{Revision: revision.Revision{Number: n, Name: name, Current: current}, Pods: pods}
}

// A rollout of two pods, watched from its start: the summary counts the two
// new pods made ready and the two old ones removed, names the slower new
// pod, and counts a restart that happened while watched, not before.
func TestRecorderSummarisesAWatchedRollout(t *testing.T) {
	var r Recorder
	old := t0.Add(-time.Hour)
	r.Observe(snap(0,
		rev(2, "web-b", true),
		rev(1, "web-a", false,
			pod("web-a-1", snapshot.PodReady, old, old, 3),
			pod("web-a-2", snapshot.PodReady, old, old, 0)),
	))
	r.Observe(snap(5*time.Second,
		rev(2, "web-b", true,
			pod("web-b-1", snapshot.PodRunning, t0.Add(time.Second), time.Time{}, 1)),
		rev(1, "web-a", false,
			pod("web-a-1", snapshot.PodReady, old, old, 3),
			pod("web-a-2", snapshot.PodTerminating, old, old, 0)),
	))
	r.Observe(snap(30*time.Second,
		rev(2, "web-b", true,
			pod("web-b-1", snapshot.PodReady, t0.Add(time.Second), t0.Add(25*time.Second), 1),
			pod("web-b-2", snapshot.PodReady, t0.Add(6*time.Second), t0.Add(10*time.Second), 0)),
		rev(1, "web-a", false),
	))
	sum := r.Summary(Complete, "", t0.Add(31*time.Second))
	if sum.Workload != "deployment/clerk-squad" || sum.Took != 31*time.Second {
		t.Errorf("workload %q took %s", sum.Workload, sum.Took)
	}
	want := []Replaced{{Revision: "rev 2", Number: 2, Current: true, Ready: 2}, {Revision: "rev 1", Number: 1, Removed: 2}}
	if len(sum.Revisions) != 2 || sum.Revisions[0] != want[0] || sum.Revisions[1] != want[1] {
		t.Errorf("revisions %+v, want %+v", sum.Revisions, want)
	}
	if sum.Slowest != "web-b-1" || sum.SlowestTook != 24*time.Second {
		t.Errorf("slowest %s in %s, want web-b-1 in 24s", sum.Slowest, sum.SlowestTook)
	}
	if sum.Restarts != 1 {
		t.Errorf("restarts %d, want 1 (web-a-1's 3 happened before the watch)", sum.Restarts)
	}
}

// A StatefulSet's pod keeps its name across revisions: web-0 replaced by
// the new revision counts once as removed and once as made ready.
func TestRecorderCountsAStatefulSetPodReplacedUnderItsName(t *testing.T) {
	var r Recorder
	old := t0.Add(-time.Hour)
	r.Observe(snap(0, rev(2, "web-2", true), rev(1, "web-1", false, pod("web-0", snapshot.PodReady, old, old, 0))))
	r.Observe(snap(9*time.Second, rev(2, "web-2", true, pod("web-0", snapshot.PodReady, t0.Add(2*time.Second), t0.Add(8*time.Second), 0)), rev(1, "web-1", false)))
	sum := r.Summary(Complete, "", t0.Add(10*time.Second))
	if len(sum.Revisions) != 2 || sum.Revisions[0].Ready != 1 || sum.Revisions[1].Removed != 1 || sum.Slowest != "web-0" {
		t.Fatalf("%+v", sum)
	}
}

// The findings are counted from the snapshots' own (the watcher diagnoses
// each): one reason over several snapshots and pods is one finding.
func TestRecorderCountsTheSnapshotsFindings(t *testing.T) {
	var r Recorder
	failing := func(now time.Duration, pods ...string) *snapshot.Snapshot {
		var ps []snapshot.Pod
		for _, name := range pods {
			p := pod(name, snapshot.PodFailed, t0, t0, 0)
			p.Reason = "CrashLoopBackOff"
			ps = append(ps, p)
		}
		s := snap(now, rev(2, "web-b", true, ps...), rev(1, "web-a", false))
		diagnose.Diagnose(s)
		return s
	}
	r.Observe(failing(0, "web-b-1"))
	r.Observe(failing(5*time.Second, "web-b-1", "web-b-2"))
	if sum := r.Summary(Failed, "", t0.Add(6*time.Second)); sum.Findings != 1 {
		t.Errorf("%d findings, want 1 (CrashLoopBackOff on rev 2)", sum.Findings)
	}
	var none Recorder
	none.Observe(snap(0, rev(2, "web-b", true, pod("web-b-1", snapshot.PodReady, t0, t0, 0))))
	if sum := none.Summary(Complete, "", t0.Add(time.Second)); sum.Findings != 0 {
		t.Errorf("%d findings of a healthy rollout, want 0", sum.Findings)
	}
}

// A failed rollout's summary ends with what its failing container said
// last; a complete one does not.
func TestSummaryOfAFailureQuotesTheLastWords(t *testing.T) {
	var r Recorder
	p := pod("web-b-1", snapshot.PodFailed, t0, t0, 3)
	p.Reason, p.Container, p.Restarts = "CrashLoopBackOff", "uniform", 3
	p.LastWords = &snapshot.LastWords{Container: "uniform", Previous: true, Lines: []string{"panic: scanner has no pocket"}}
	s := snap(0, rev(2, "web-b", true, p))
	diagnose.Diagnose(s)
	r.Observe(s)
	if sum := r.Summary(Failed, "deadline", t0.Add(time.Minute)); sum.LastWords == nil || sum.LastWords.Lines[0] != "panic: scanner has no pocket" {
		t.Errorf("failed: %+v", sum.LastWords)
	}
	if sum := r.Summary(Complete, "", t0.Add(time.Minute)); sum.LastWords != nil {
		t.Errorf("complete: %+v", sum.LastWords)
	}
}
