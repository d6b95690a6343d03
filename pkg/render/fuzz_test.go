package render

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// FuzzFrame: any snapshot at any size from 1x1 draws without panicking and
// within the size.
func FuzzFrame(f *testing.F) {
	f.Add(uint8(80), uint8(24), uint16(6), uint8(2), "ImagePullBackOff", "not found\nsecond line", true, true)
	f.Add(uint8(1), uint8(1), uint16(0), uint8(0), "", "", false, false)
	f.Add(uint8(20), uint8(5), uint16(1000), uint8(5), "CrashLoopBackOff", "\x1b[31mred", true, false)
	f.Fuzz(func(t *testing.T, w, h uint8, pods uint16, revs uint8, reason, message string, color, unicode bool) {
		width, height := int(w)%250+1, int(h)%80+1
		s := fuzzSnapshot(int(pods)%3000, int(revs)%6+1, reason, message)
		for _, st := range []Style{{Color: color, Unicode: unicode}, {Color: color, Unicode: unicode, Compact: true}} {
			frame := diagnosedFrame(s, width, height, st)
			lines := strings.Split(frame, "\n")
			if len(lines) > height {
				t.Fatalf("%dx%d: %d lines", width, height, len(lines))
			}
			for _, l := range lines {
				if c := columns(l); c > width {
					t.Fatalf("%dx%d: line of %d columns: %q", width, height, c, l)
				}
			}
			if !st.Color && strings.Contains(frame, "\x1b") {
				t.Fatalf("escape sequence without colour: %q", frame)
			}
		}
	})
}

func fuzzSnapshot(pods, revs int, reason, message string) *snapshot.Snapshot {
	now := time.Date(2026, 1, 1, 0, 10, 0, 0, time.UTC)
	s := &snapshot.Snapshot{
		Workload: snapshot.Workload{Kind: "Deployment", Namespace: "ns-" + reason, Name: "n" + message, Desired: int32(pods)},
		Phase:    snapshot.PhaseUpdating, Message: message, Now: now, Started: now.Add(-time.Minute),
		Rollout:  snapshot.Rollout{Started: now.Add(-time.Minute)},
		Problems: []string{message},
		Events:   []snapshot.Event{{Object: "Pod/" + reason, Reason: reason, Message: message, Count: 3}},
	}
	states := []snapshot.PodState{snapshot.PodReady, snapshot.PodRunning, snapshot.PodCreating, snapshot.PodPending, snapshot.PodTerminating, snapshot.PodFailed}
	for r := 0; r < revs; r++ {
		rev := snapshot.Revision{
			Revision: revision.Revision{Number: int64(revs - r), Name: "rs-" + message, Current: r == 0, Desired: int32(pods / revs)},
			Images:   []string{"img:" + reason},
		}
		for i := r; i < pods; i += revs {
			rev.Pods = append(rev.Pods, snapshot.Pod{Name: "p-" + message, State: states[i%len(states)], Reason: reason, Message: message, StateSince: now})
		}
		s.Revisions = append(s.Revisions, rev)
	}
	return s
}

// FuzzSanitizedText: cluster text, once sanitized, holds no character a
// terminal would act on, and columns() measures it as the terminal will
// draw it (no escape that columns() would skip as zero-width).
func FuzzSanitizedText(f *testing.F) {
	for _, s := range []string{"uniform:winter-2024", "\x1b]52;c;aGk=\x07", "\x1b[2J", "\x1b[1A\x1b[2K[y/N]", "gpj.\u202etxt", "\u0085\u009b1m", "\xff", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := sanitize.Text(s)
		for _, r := range out {
			if sanitize.Unsafe(r) || r == '\x1b' {
				t.Fatalf("sanitize.Text(%q) = %q keeps %U", s, out, r)
			}
		}
		if got, want := columns(out), cells.StringWidth(out); got != want {
			t.Fatalf("columns(%q) = %d, the terminal draws %d", out, got, want)
		}
	})
}
