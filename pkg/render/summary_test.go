package render

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/summary"
)

func rolledOut() *summary.Summary {
	return &summary.Summary{
		Workload: "deployment/clerk-squad", Outcome: summary.Complete, Took: 72 * time.Second,
		Target: "rev 4 (uniform:winter-2024)",
		Revisions: []summary.Replaced{
			{Revision: "rev 4", Number: 4, Current: true, Ready: 6},
			{Revision: "rev 3", Number: 3, Removed: 6},
		},
		Slowest: "clerk-squad-7c9d8f6b5-x2k4l", SlowestTook: 22 * time.Second, Restarts: 1, WarningCount: 2,
	}
}

func failedSummary() *summary.Summary {
	return &summary.Summary{
		Workload: "deployment/clerk-squad", Outcome: summary.Failed, Took: 10 * time.Minute,
		Reason:    `deployment "clerk-squad" exceeded its progress deadline`,
		Target:    "rev 2 (uniform:no-such-tag)",
		Revisions: []summary.Replaced{{Revision: "rev 2", Number: 2, Current: true}},
		Findings:  1, WarningCount: 14,
	}
}

// crashedSummary is a failure whose crashing container's last words were
// read.
func crashedSummary() *summary.Summary {
	s := failedSummary()
	s.Target = "rev 3 (uniform:no-pockets)"
	s.LastWords = &snapshot.LastWords{Container: "uniform", Previous: true, Lines: []string{"panic: scanner has no pocket", "goroutine 1 [running]:"}}
	return s
}

func log(s *summary.Summary) string {
	return SummaryLog(time.Date(2026, 11, 30, 9, 16, 16, 0, time.UTC), s)
}

// The summary says in three lines what happened; with colour, pterm marks
// the outcome, and without it nothing escapes.
func TestSummaryGolden(t *testing.T) {
	for _, c := range []struct {
		name  string
		sum   *summary.Summary
		color bool
		draw  func(*summary.Summary) string
	}{
		{"summary-log-nocolor", rolledOut(), false, log},
		{"summary-log-color", rolledOut(), true, log},
		{"summary-log-failed-nocolor", failedSummary(), false, log},
		{"summary-box-nocolor", rolledOut(), false, func(s *summary.Summary) string { return SummaryBox(s, 80, Style{Unicode: true}) }},
		{"summary-box-color", rolledOut(), true, func(s *summary.Summary) string { return SummaryBox(s, 80, Style{Color: true, Unicode: true}) }},
		{"summary-box-ascii-40", failedSummary(), false, func(s *summary.Summary) string { return SummaryBox(s, 40, Style{}) }},
		{"summary-log-crashed-nocolor", crashedSummary(), false, log},
		{"summary-box-crashed-nocolor", crashedSummary(), false, func(s *summary.Summary) string { return SummaryBox(s, 80, Style{Unicode: true}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			styled(t, Style{Color: c.color})
			got := c.draw(c.sum)
			lines := 5
			if lw := c.sum.LastWords; lw != nil {
				lines += 1 + len(lw.Lines) // the quote
			}
			if n := strings.Count(got, "\n") + 1; n > lines {
				t.Errorf("%d lines", n)
			}
			if strings.ContainsRune(got, '\x1b') != c.color {
				t.Errorf("colour %v, escapes in %q", c.color, got)
			}
			for _, l := range strings.Split(got, "\n") {
				if strings.Contains(c.name, "box") && columns(l) > 80 || strings.Contains(c.name, "40") && columns(l) > 40 {
					t.Errorf("line too wide: %q", l)
				}
			}
			golden(t, c.name, got)
		})
	}
}

func TestSummaryLinesNameWhatMatters(t *testing.T) {
	lines := SummaryLines(rolledOut())
	want := []string{
		"deployment/clerk-squad rolled out rev 4 (uniform:winter-2024) in 1m12s",
		"pods: rev 4 +6 ready · rev 3 −6 removed",
		"slowest to ready: clerk-squad-7c9d8f6b5-x2k4l in 22s · 1 restart · 0 findings · 2 warning events",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// Plain mode's lines keep their timestamp and text; the ones that matter
// carry a prefix, in colour only when styling is on.
func TestLogLineGolden(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 15, 4, 0, time.UTC)
	lines := []Line{
		{Note, "rolling out rev 4: uniform:winter-2024"},
		{Warning, "why: rev 4: ImagePullBackOff: pod clerk-squad-x: the tag does not exist"},
		{Failure, "rollout failed: deployment \"clerk-squad\" exceeded its progress deadline"},
		{Success, "rollout complete: deployment \"clerk-squad\" successfully rolled out"},
	}
	for _, color := range []bool{false, true} {
		name := "log-nocolor"
		if color {
			name = "log-color"
		}
		t.Run(name, func(t *testing.T) {
			styled(t, Style{Color: color})
			var out []string
			for _, l := range lines {
				out = append(out, LogLine(at, l))
			}
			got := strings.Join(out, "\n")
			if strings.ContainsRune(got, '\x1b') != color {
				t.Errorf("colour %v, escapes in %q", color, got)
			}
			if !color && !strings.Contains(got, "09:15:04 SUCCESS: rollout complete") {
				t.Errorf("the success line is not grep-able:\n%s", got)
			}
			golden(t, name, got)
		})
	}
}

// A release's log says the workload on every line, the summary's too.
func TestReleaseLinesSayTheirWorkload(t *testing.T) {
	styled(t, Style{})
	at := time.Date(2026, 11, 30, 9, 15, 4, 0, time.UTC)
	if got := LogLineFor(at, "deployment/hall", Line{Success, "rollout complete"}); got != "09:15:04 deployment/hall SUCCESS: rollout complete" {
		t.Errorf("log line %q", got)
	}
	got := SummaryLogFor(at, "deployment/clerk-squad", rolledOut())
	want := "09:15:04 deployment/clerk-squad SUCCESS: rolled out rev 4 (uniform:winter-2024) in 1m12s\n" +
		"09:15:04 deployment/clerk-squad pods: rev 4 +6 ready · rev 3 −6 removed\n" +
		"09:15:04 deployment/clerk-squad slowest to ready: clerk-squad-7c9d8f6b5-x2k4l in 22s · 1 restart · 0 findings · 2 warning events"
	if got != want {
		t.Errorf("summary\n%s\nwant\n%s", got, want)
	}
}
