package render

import (
	"fmt"
	"strings"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/diagnose"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// why is the "why is it stuck" panel: each finding with its hint, then the
// recent Warning events, within max lines so that it never pushes the
// mannequins off the screen.
func (r *renderer) why(findings []diagnose.Finding, events []snapshot.Event, max int) []string {
	if max <= 0 || (len(findings) == 0 && len(events) == 0) {
		return nil
	}
	// Formatting is the cost (cleaning and measuring messages that may be
	// long), so it stops as soon as there are more lines than fit: max+1
	// lines are enough to know the last one must become "more", and those
	// that follow would be cut anyway.
	var lines []string
	for i := range findings {
		if len(lines) > max {
			break
		}
		f := &findings[i]
		lines = append(lines, r.paint(sgrWhy, truncate(r.text(r.g.cross+" "+f.Summary()), r.w, r.g.more)))
		// The hint first: it is what to do; the raw message backs it up.
		for _, l := range wrap(r.text(f.Hint), r.w-2, 3, r.g.more) {
			lines = append(lines, "  "+l)
		}
		if f.Message != "" && !strings.Contains(f.Hint, f.Message) {
			lines = append(lines, r.paint(sgrLegend, truncate("  "+r.text(f.Message), r.w, r.g.more)))
		}
	}
	for i, e := range events {
		if i == 3 || len(lines) > max {
			break
		}
		times := "×"
		if !r.st.Unicode {
			times = "x"
		}
		lines = append(lines, truncate(r.text(fmt.Sprintf("%s%d %s %s: %s", times, e.Count, e.Reason, e.Object, e.Message)), r.w, r.g.more))
	}
	if len(lines) > max {
		lines = lines[:max]
		lines[max-1] = r.g.more
	}
	return lines
}

// wrap breaks s into at most n lines of at most w columns at spaces; the last
// line is cut if the text goes on.
func wrap(s string, w, n int, more string) []string {
	if w < 1 {
		return nil
	}
	var out []string
	words := strings.Fields(s)
	cur := ""
	for len(words) > 0 {
		next := words[0]
		if cur != "" {
			next = cur + " " + words[0]
		}
		if columns(next) <= w || cur == "" {
			cur = next
			words = words[1:]
			if columns(cur) > w {
				out = append(out, truncate(cur, w, more))
				cur = ""
			}
		} else {
			out = append(out, cur)
			cur = ""
		}
		if len(out) == n {
			if cur != "" || len(words) > 0 {
				out[n-1] = truncate(out[n-1]+" "+more, w, more)
			}
			return out
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}
