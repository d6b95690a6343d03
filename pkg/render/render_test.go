package render

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	sgrPattern = regexp.MustCompile("\x1b\\[[0-9;]*m")
	measure    = &runewidth.Condition{StrictEmojiNeutral: true}
)

var (
	colour  = Style{Color: true, Unicode: true}
	mono    = Style{Unicode: true}
	ascii   = Style{}
	compact = Style{Unicode: true, Compact: true}
)

func TestFrameGolden(t *testing.T) {
	cases := []struct {
		name   string
		s      *snapshot.Snapshot
		w, h   int
		style  Style
		expect string // a line the frame must contain, as a sanity check on the golden file
	}{
		{"mid-rollout-color", midRollout(), 100, 30, colour, "uniform:winter-2024"},
		{"mid-rollout-nocolor", midRollout(), 100, 30, mono, "rev 4 (new) · uniform:winter-2024 · 3/6 ready"},
		{"mid-rollout-ascii", midRollout(), 100, 30, ascii, "RollingUpdate | maxSurge 2 | maxUnavailable 0"},
		{"mid-rollout-compact", midRollout(), 100, 30, compact, " ●●↑○"},
		{"mid-rollout-20cols", midRollout(), 20, 30, mono, "rev 4 · 3/6 ready"},
		{"mid-rollout-10x5", midRollout(), 10, 5, mono, ""},
		{"failed-color", failedRollout(), 100, 30, colour, "ImagePullBackOff"},
		{"failed-nocolor", failedRollout(), 100, 30, mono, "✗ clerk-squad-6b7c8d9e0-k2l3m +1 more: ImagePullBackOff"},
		{"single-pod", singlePod(), 80, 24, mono, "rev 1 (new) · uniform:spring-2024 · 1/1 ready"},
		{"crashloop-last-words", crashLoop(), 100, 30, mono, "  │ panic: scanner has no pocket"},
		{"crashloop-last-words-ascii", crashLoop(), 100, 30, ascii, "  | panic: scanner has no pocket"},
		{"1000-pods", manyPods(1000), 120, 40, mono, "rev 7 (new)"},
		{"1000-pods-ascii", manyPods(1000), 120, 40, ascii, "rev 6"},
		{"counts", manyPods(1000), 60, 8, mono, "rev 7 (new): "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := diagnosedFrame(tc.s, tc.w, tc.h, tc.style)
			checkFrame(t, got, tc.w, tc.h, tc.style)
			if !strings.Contains(got, tc.expect) {
				t.Errorf("frame lacks %q:\n%s", tc.expect, got)
			}
			golden(t, tc.name, got)
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got+"\n" != string(want) {
		t.Errorf("frame differs from %s (run go test -update if intended):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// checkFrame asserts the promises Frame makes for any input.
func checkFrame(t *testing.T, frame string, w, h int, st Style) {
	t.Helper()
	if frame == "" {
		return
	}
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		// Measured apart from the code under test, with the same rule for
		// ambiguous widths.
		plain := sgrPattern.ReplaceAllString(l, "")
		if got := measure.StringWidth(plain); got > w {
			t.Errorf("%dx%d: line %d is %d columns: %q", w, h, i, got, l)
		}
		if strings.ContainsFunc(plain, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Errorf("%dx%d: control character in line %d: %q", w, h, i, l)
		}
	}
	if !st.Color && strings.Contains(frame, "\x1b") {
		t.Errorf("%dx%d: escape sequence without colour", w, h)
	}
	if !st.Unicode {
		for i := 0; i < len(frame); i++ {
			if frame[i] >= 0x80 {
				t.Errorf("%dx%d: byte %#x at %d in ASCII mode", w, h, frame[i], i)
				break
			}
		}
	}
}

func TestFrameNil(t *testing.T) {
	if got := diagnosedFrame(nil, 80, 24, colour); got != "" {
		t.Errorf("diagnosedFrame(nil) = %q", got)
	}
	if got := diagnosedFrame(midRollout(), 0, 24, colour); got != "" {
		t.Errorf("zero width = %q", got)
	}
}

func TestFrameDeterministic(t *testing.T) {
	s := manyPods(300)
	a := diagnosedFrame(s, 90, 30, colour)
	if b := diagnosedFrame(s, 90, 30, colour); a != b {
		t.Error("two frames of one snapshot differ")
	}
}

func TestFrameMarksJustChanged(t *testing.T) {
	s := midRollout()
	if got := diagnosedFrame(s, 100, 30, mono); !strings.Contains(got, "↑") || !strings.Contains(got, "↓") {
		t.Errorf("no step marks:\n%s", got)
	}
	s.Now = s.Now.Add(2 * justChanged)
	if got := diagnosedFrame(s, 100, 30, mono); strings.ContainsAny(got, "↑↓") {
		t.Errorf("marks outlived their moment:\n%s", got)
	}
}

// A message from the cluster may hold anything; it must not add lines. A
// newline shows as the sanitizer writes it, as everywhere else.
func TestFrameCleansText(t *testing.T) {
	s := failedRollout()
	s.Problems = []string{"line one\nline two\x1b[31m"}
	s.Revisions[0].Pods[0].Reason = "Bad\r\nReason"
	got := diagnosedFrame(s, 100, 30, mono)
	checkFrame(t, got, 100, 30, mono)
	if strings.Contains(got, "\x1b") || strings.Contains(got, "\r") {
		t.Errorf("control characters leaked:\n%q", got)
	}
	if !strings.Contains(got, `! line one\x0aline two\x1b[31m`) {
		t.Errorf("problem not on one line:\n%s", got)
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		w    int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello world", 8, "hello w…"},
		{"\x1b[96mhello world\x1b[0m", 6, "\x1b[96mhello…\x1b[0m"},
		{"日本語テキスト", 5, "日本…"},
		{"abc", 0, ""},
	} {
		if got := truncate(tc.in, tc.w, "…"); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.w, got, tc.want)
		}
	}
}

func TestShelfTitleShowsTheRunningDigest(t *testing.T) {
	s := midRollout()
	rev := &s.Revisions[0]
	for i := range rev.Pods {
		rev.Pods[i].Images = []snapshot.RunningImage{{Container: "uniform", Image: rev.Images[0], ImageID: "registry.example/uniform@sha256:0123456789abcdef0123"}}
	}
	if f := diagnosedFrame(s, 120, 40, Style{Unicode: true}); !strings.Contains(f, "@sha256:0123456789ab ·") {
		t.Errorf("one digest across the revision's pods should be in its title:\n%s", f)
	}
	rev.Pods[0].Images[0].ImageID = "registry.example/uniform@sha256:ffffffffffffffffffff"
	if f := diagnosedFrame(s, 120, 40, Style{Unicode: true}); strings.Contains(f, "winter-2024@sha256:") {
		t.Errorf("pods that disagree on the digest must not show one:\n%s", f)
	}
}

func TestShelfTitleIgnoresADigestThatIsNotHex(t *testing.T) {
	s := midRollout()
	rev := &s.Revisions[0]
	for i := range rev.Pods {
		// As a node (or anyone who may write pod status) could report it,
		// already sanitized: still not a digest.
		rev.Pods[i].Images = []snapshot.RunningImage{{Container: "uniform", Image: rev.Images[0], ImageID: `x@sha256:\x1b]52;c;aGk=`}}
	}
	if f := diagnosedFrame(s, 120, 40, Style{Unicode: true}); strings.Contains(f, "@sha256:") {
		t.Errorf("an imageID that is not hex must not show as a digest:\n%s", f)
	}
}

// Right after an undo, the header times the undo's rollout: 2 s elapsed,
// and an ETA from the one pod it made ready, not the watch's 42 s and the
// pods that were ready before.
func TestElapsedAndETABelongToTheCurrentRollout(t *testing.T) {
	s := midRollout() // watch started 42 s ago; 3 of rev 4's 6 pods ready
	s.Rollout = snapshot.Rollout{Started: s.Now.Add(-2 * time.Second), ReadyAtStart: 2}
	frame := diagnosedFrame(s, 120, 30, Style{Unicode: true})
	if !strings.Contains(frame, "2s elapsed · ETA ~6s") {
		t.Fatalf("want the undo's own time (2s elapsed, 1 pod in 2s, 3 left: ETA ~6s):\n%s", frame)
	}
	s.Rollout.ReadyAtStart = 3 // nothing ready since the undo: no pace yet
	if frame := diagnosedFrame(s, 120, 30, Style{Unicode: true}); strings.Contains(frame, "ETA") {
		t.Fatalf("an ETA without progress in this rollout:\n%s", frame)
	}
}

// Once the registry has said, the new revision's shelf tells what each
// node must pull; a narrow screen drops it before the pods.
func TestShelfTitleSaysWhatNodesPull(t *testing.T) {
	s := midRollout()
	s.Revisions[0].Pull = &snapshot.Pull{From: 3, Bytes: 421_000, Layers: 1, Shared: 2}
	frame := diagnosedFrame(s, 140, 30, Style{Unicode: true})
	if !strings.Contains(frame, "3/6 ready · pull 421 kB new, 2 layers shared") {
		t.Fatalf("no pull size on the new shelf:\n%s", frame)
	}
	checkFrame(t, diagnosedFrame(s, 30, 30, Style{Unicode: true}), 30, 30, Style{Unicode: true})
	// The layers are one platform's, and the shelf says which.
	s.Revisions[0].Pull.Platform = "linux/arm64"
	if frame := diagnosedFrame(s, 140, 30, Style{Unicode: true}); !strings.Contains(frame, "pull 421 kB new (linux/arm64), 2 layers shared") {
		t.Fatalf("the pull does not name its platform:\n%s", frame)
	}
}
