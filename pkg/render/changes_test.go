package render

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

func TestChangesInitial(t *testing.T) {
	got := Changes(nil, midRollout())
	want := []string{
		"Deployment shop/clerk-squad (RollingUpdate · maxSurge 2 · maxUnavailable 0)",
		`Waiting for deployment "clerk-squad" rollout to finish: 4 out of 6 new replicas have been updated...`,
		"rev 4: 3/6 ready · rev 3: 3 pods left",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	got = Changes(nil, failedRollout())
	if len(got) != 3 || !strings.HasSuffix(got[2], "rev 2: 0/3 ready, 2 failed · rev 1: 3 pods left") {
		t.Errorf("failed initial state: %q", got)
	}
	s := midRollout()
	s.Phase, s.Message = snapshot.PhaseDeleted, ""
	if got := Changes(nil, s); len(got) != 2 || got[1] != "deployment deleted" {
		t.Errorf("deleted initial state: %q", got)
	}
}

func TestChanges(t *testing.T) {
	cases := []struct {
		name   string
		prev   func() *snapshot.Snapshot
		change func(s *snapshot.Snapshot)
		want   []string
	}{
		{
			name:   "time passing is not a change",
			prev:   midRollout,
			change: func(s *snapshot.Snapshot) { s.Now = s.Now.Add(time.Minute) },
		},
		{
			name: "a new pod starting is not worth a line",
			prev: midRollout,
			change: func(s *snapshot.Snapshot) {
				s.Revisions[0].Pods = append(s.Revisions[0].Pods, pod("x", snapshot.PodPending, time.Time{}))
			},
		},
		{
			name: "one in, one out",
			prev: midRollout,
			change: func(s *snapshot.Snapshot) {
				s.Revisions[0].Pods[3].State = snapshot.PodReady
				s.Revisions[1].Pods[0].State = snapshot.PodTerminating
			},
			want: []string{"rev 4: 4/6 ready (+1) · rev 3: 2 pods left (-1)"},
		},
		{
			name: "last old pod gone with its ReplicaSet",
			prev: midRollout,
			change: func(s *snapshot.Snapshot) {
				s.Revisions = s.Revisions[:1]
			},
			want: []string{"rev 4: 3/6 ready · rev 3: 0 pods left (-3)"},
		},
		{
			name: "complete",
			prev: midRollout,
			change: func(s *snapshot.Snapshot) {
				s.Phase, s.Message = snapshot.PhaseComplete, `deployment "clerk-squad" successfully rolled out`
			},
			want: []string{`rollout complete: deployment "clerk-squad" successfully rolled out`},
		},
		{
			name: "failed",
			prev: midRollout,
			change: func(s *snapshot.Snapshot) {
				s.Phase, s.Message = snapshot.PhaseFailed, `deployment "clerk-squad" exceeded its progress deadline`
			},
			want: []string{`rollout failed: deployment "clerk-squad" exceeded its progress deadline`},
		},
		{
			name: "another phase",
			prev: midRollout,
			change: func(s *snapshot.Snapshot) {
				s.Phase, s.Message = snapshot.PhaseTerminating, "Waiting for deployment \"clerk-squad\" rollout to finish: 1 old replicas are pending termination..."
			},
			want: []string{`Waiting for deployment "clerk-squad" rollout to finish: 1 old replicas are pending termination...`},
		},
		{
			name: "pod failed",
			prev: midRollout,
			change: func(s *snapshot.Snapshot) {
				p := &s.Revisions[0].Pods[3]
				p.State, p.Reason = snapshot.PodFailed, "ImagePullBackOff"
			},
			want: []string{"pod clerk-squad-7c9d8f6b5-j7k8l: ImagePullBackOff"},
		},
		{
			name:   "pod still failing for the same reason",
			prev:   failedRollout,
			change: func(s *snapshot.Snapshot) { s.Now = s.Now.Add(time.Minute) },
		},
		{
			name: "pod failing for a new reason",
			prev: failedRollout,
			change: func(s *snapshot.Snapshot) {
				s.Revisions[0].Pods[1].Reason = "ErrImagePull"
			},
			want: []string{"pod clerk-squad-6b7c8d9e0-n4o5p: ErrImagePull"},
		},
		{
			name:   "paused",
			prev:   midRollout,
			change: func(s *snapshot.Snapshot) { s.Workload.Paused = true },
			want:   []string{"paused"},
		},
		{
			name: "resumed",
			prev: func() *snapshot.Snapshot {
				s := midRollout()
				s.Workload.Paused = true
				return s
			},
			change: func(s *snapshot.Snapshot) { s.Workload.Paused = false },
			want:   []string{"resumed"},
		},
		{
			name:   "deleted",
			prev:   midRollout,
			change: func(s *snapshot.Snapshot) { s.Phase, s.Message = snapshot.PhaseDeleted, "" },
			want:   []string{"deployment deleted"},
		},
		{
			name: "new revision",
			prev: singlePod,
			change: func(s *snapshot.Snapshot) {
				s.Phase, s.Message = snapshot.PhaseUpdating, `Waiting for deployment "clerk-squad" rollout to finish: 0 out of 1 new replicas have been updated...`
				s.Revisions[0].Current = false
				s.Revisions = append([]snapshot.Revision{newRevision(2, "9a8b7c6d5", "uniform:spring-2025", true, 1)}, s.Revisions...)
			},
			want: []string{
				"rolling out rev 2: uniform:spring-2025",
				"rev 2: 0/1 ready · rev 1: 1 pod left",
				`Waiting for deployment "clerk-squad" rollout to finish: 0 out of 1 new replicas have been updated...`,
			},
		},
		{
			name:   "problem",
			prev:   midRollout,
			change: func(s *snapshot.Snapshot) { s.Problems = append(s.Problems, "cannot list pods: forbidden") },
			want:   []string{"cannot list pods: forbidden"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prev := tc.prev()
			cur := clone(prev)
			tc.change(cur)
			if got := Changes(prev, cur); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestChangesDeletedOnce(t *testing.T) {
	s := midRollout()
	s.Phase = snapshot.PhaseDeleted
	if got := Changes(s, clone(s)); got != nil {
		t.Errorf("deleted twice: %q", got)
	}
}

func TestLogSaysEachFindingOnce(t *testing.T) {
	var l Log
	failed := failedRollout()
	first := diagnosedNext(&l, failed)
	joined := strings.Join(first, "\n")
	if !strings.Contains(joined, "why: rev 2: ImagePullBackOff: 2 pods") || !strings.Contains(joined, "why: rev 2: ProgressDeadlineExceeded") {
		t.Fatalf("first lines lack the findings:\n%s", joined)
	}
	// The pods recover for a moment, then fail again: no repeat.
	healthy := failedRollout()
	for i := range healthy.Revisions[0].Pods {
		healthy.Revisions[0].Pods[i].State, healthy.Revisions[0].Pods[i].Reason = snapshot.PodCreating, ""
	}
	diagnosedNext(&l, healthy)
	for _, line := range diagnosedNext(&l, failedRollout()) {
		if strings.HasPrefix(line, "why:") {
			t.Errorf("finding repeated: %q", line)
		}
	}
	ev := failedRollout()
	ev.Events = []snapshot.Event{{Object: "Pod/x", Reason: "Failed", Message: "pull access denied", Count: 3}}
	got := diagnosedNext(&l, ev)
	if len(got) != 1 || got[0] != "event ×3 Failed Pod/x: pull access denied" {
		t.Errorf("event line: %q", got)
	}
	if again := diagnosedNext(&l, ev); len(again) != 0 {
		t.Errorf("event repeated: %q", again)
	}
}

// A long session meets ever new events and findings: the Log forgets the
// oldest, so its memory stays flat, but still says a present one once.
func TestLogMemoryIsBounded(t *testing.T) {
	var l Log
	const frames, perFrame = 40, 500 // 20,000 keys in all, well over maxSaid
	crashing := failedRollout()      // its findings stay all session long
	said := map[string]int{}
	for f := range frames {
		s := clone(crashing)
		for i := range perFrame {
			s.Events = append(s.Events, snapshot.Event{Object: fmt.Sprintf("Pod/p-%d-%d", f, i), Reason: "Failed", Message: fmt.Sprintf("frame %d, event %d", f, i), Count: 1})
		}
		// A finding of its own in each frame, gone in the next.
		s.Revisions[0].Pods = append(s.Revisions[0].Pods, failedPod(fmt.Sprintf("clerk-squad-6b7c8d9e0-f%d", f), fmt.Sprintf("Reason%d", f)))
		for _, line := range diagnosedNext(&l, s) {
			said[line]++
		}
		if n := len(l.said); n > maxSaid {
			t.Fatalf("frame %d: the Log remembers %d keys, more than %d", f, n, maxSaid)
		}
	}
	for line, n := range said {
		if n > 1 {
			t.Errorf("said %d times: %q", n, line)
		}
	}
	if n := len(said); n < frames*perFrame {
		t.Errorf("%d lines for %d distinct events and findings: some were never said", n, frames*perFrame)
	}
}

// More findings and events at once than the Log remembers: those still
// present must not be said again in the next frame.
func TestLogBigSnapshotNotRepeated(t *testing.T) {
	var l Log
	s := failedRollout()
	for i := range maxSaid + 100 {
		s.Events = append(s.Events, snapshot.Event{Object: fmt.Sprintf("Pod/p-%d", i), Reason: "Failed", Message: fmt.Sprintf("event %d", i), Count: 1})
	}
	if first := diagnosedNext(&l, s); len(first) < maxSaid {
		t.Fatalf("first frame says %d lines, want every event", len(first))
	}
	for range 3 {
		if again := diagnosedNext(&l, clone(s)); len(again) != 0 {
			t.Fatalf("the same snapshot again says %d lines, e.g. %q", len(again), again[0])
		}
	}
}

// A crash's last words follow the findings in the log, once per crash that
// said something new: a CI log shows why without a second command.
func TestLogQuotesTheLastWordsOnce(t *testing.T) {
	var l Log
	s := crashLoop()
	text := func(lines []Line) string {
		var b strings.Builder
		for _, ln := range lines {
			b.WriteString(ln.Text + "\n")
		}
		return b.String()
	}
	first := text(diagnosedNextLines(&l, s))
	if !strings.Contains(first, "why: rev 3: CrashLoopBackOff") || !strings.Contains(first, "  uniform's log before its restart:\n  | loading the pockets\n  | panic: scanner has no pocket\n") {
		t.Fatalf("first crash:\n%s", first)
	}
	if again := text(diagnosedNextLines(&l, clone(s))); strings.Contains(again, "panic") {
		t.Errorf("the same words again:\n%s", again)
	}
	next := clone(s)
	next.Revisions[0].Pods[0].LastWords = &snapshot.LastWords{Container: "uniform", Previous: true, Lines: []string{"panic: still no pocket"}}
	if got := text(diagnosedNextLines(&l, next)); !strings.Contains(got, "  | panic: still no pocket") || strings.Contains(got, "why:") {
		t.Errorf("a new crash's words, without its finding again:\n%s", got)
	}
}
