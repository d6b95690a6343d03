package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/pterm/pterm"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/summary"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
)

// SummaryLines tell the end of a watch in three lines, so that a CI log
// says what happened without scrolling: the outcome, the pods replaced
// (and the slowest to become ready), and what went wrong on the way; then,
// for a rollout that failed, what its failing container said last.
func SummaryLines(sum *summary.Summary) []string {
	name := plainText(sum.Workload)
	var first string
	switch sum.Outcome {
	case summary.Complete:
		first = fmt.Sprintf("%s rolled out in %s", name, duration(sum.Took))
		if sum.Target != "" {
			first = fmt.Sprintf("%s rolled out %s in %s", name, plainText(sum.Target), duration(sum.Took))
		}
	case summary.Deleted:
		first = fmt.Sprintf("%s was deleted after %s", name, duration(sum.Took))
	default:
		first = fmt.Sprintf("%s %s after %s", name, sum.Outcome, duration(sum.Took))
	}
	if sum.Reason != "" {
		first += ": " + plainText(strings.TrimSuffix(sum.Reason, "..."))
	}

	var pods []string
	for _, r := range sum.Revisions {
		switch {
		case r.Current:
			pods = append(pods, fmt.Sprintf("%s +%d ready", r.Revision, r.Ready))
		case r.Removed > 0:
			pods = append(pods, fmt.Sprintf("%s −%d removed", r.Revision, r.Removed))
		}
	}
	second := "pods: none replaced"
	if len(pods) > 0 {
		second = "pods: " + strings.Join(pods, " · ")
	}
	third := fmt.Sprintf("%s · %s · %s",
		plural(sum.Restarts, "restart", "restarts"),
		plural(sum.Findings, "finding", "findings"),
		plural(sum.WarningCount, "warning event", "warning events"))
	if sum.Slowest != "" {
		third = fmt.Sprintf("slowest to ready: %s in %s · %s", plainText(sum.Slowest), duration(sum.SlowestTook), third)
	}
	out := []string{first, second, third}
	if lw := sum.LastWords; lw != nil {
		out = append(out, plainText(LastWordsTitle(lw)))
		for _, l := range lw.Lines {
			out = append(out, "| "+plainText(l))
		}
	}
	return out
}

// SummaryLog draws the summary for a log at t: timestamped like every
// other line, the first marked with the outcome by pterm's prefix printer
// (SUCCESS, ERROR, WARNING; "SUCCESS: ..." without styling, easy to grep).
func SummaryLog(t time.Time, sum *summary.Summary) string { return summaryLog(t, "", sum) }

// SummaryLogFor is SummaryLog for one workload of a release: every line
// starts with the workload, as the release's other lines do, so the first
// need not name it again.
func SummaryLogFor(t time.Time, who string, sum *summary.Summary) string {
	return summaryLog(t, who, sum)
}

func summaryLog(t time.Time, who string, sum *summary.Summary) string {
	lines := SummaryLines(sum)
	if who != "" {
		lines[0] = strings.TrimPrefix(lines[0], plainText(sum.Workload)+" ")
	}
	out := []string{logLine(t, who, Line{levelOf(sum.Outcome), lines[0]})}
	for _, l := range lines[1:] {
		out = append(out, logLine(t, who, Line{Note, l}))
	}
	return strings.Join(out, "\n")
}

// SummaryBox draws the summary for a terminal, below the last frame: a
// pterm box titled with the outcome, within width columns.
func SummaryBox(sum *summary.Summary, width int, st Style) string {
	lines := SummaryLines(sum)
	box := pterm.DefaultBox
	box.TitleStyle = &theme.Title
	// Unstyled borders: pterm would wrap each of their characters in escapes.
	box.BoxStyle = &pterm.Style{}
	box.TextStyle = &pterm.Style{}
	if !st.Unicode {
		box.VerticalString, box.HorizontalString = "|", "-"
		box.TopLeftCornerString, box.TopRightCornerString = "+", "+"
		box.BottomLeftCornerString, box.BottomRightCornerString = "+", "+"
		for i := range lines {
			lines[i] = clean(strings.NewReplacer("·", "|", "−", "-").Replace(lines[i]), true)
		}
	}
	// Room for the borders and padding; pterm does not clip.
	inner := max(width-4, 1)
	for i := range lines {
		lines[i] = truncate(lines[i], inner, asciiGlyphs.more)
	}
	title := outcomeStyle(sum.Outcome).Sprint(strings.ToUpper(string(sum.Outcome)))
	out := box.WithTitle(title).Sprint(strings.Join(lines, "\n"))
	rows := strings.Split(out, "\n")
	for i := range rows {
		rows[i] = truncate(strings.TrimRight(rows[i], " "), width, "")
	}
	return strings.Join(rows, "\n")
}

func levelOf(o summary.Outcome) Level {
	switch o {
	case summary.Complete:
		return Success
	case summary.TimedOut:
		return Warning
	}
	return Failure
}

func outcomeStyle(o summary.Outcome) pterm.Style {
	switch o {
	case summary.Complete:
		return theme.Good
	case summary.TimedOut:
		return theme.Warn
	}
	return theme.Fail
}
