package render

import (
	"fmt"
	"strings"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// why is the "why is it stuck" panel, within max lines: each finding's
// summary and its whole hint (what to do), the API's message that backs
// the hint up, then the recent Warning events. When it does not all fit,
// the messages go first; then the panel is cut, its last line becoming
// "more", so that a hint is cut only when the room is full.
func (r *renderer) why(findings []snapshot.Finding, events []snapshot.Event, max int) []string {
	if max <= 0 || (len(findings) == 0 && len(events) == 0) {
		return nil
	}
	// Formatting is the cost (cleaning and measuring text that may be
	// long), so it stops as soon as there are more lines than fit: max+1
	// lines are enough to know the last one must become "more", and those
	// that follow would be cut anyway.
	var lines []string
	var starts []int // where each finding formatted begins in lines
	for i := range findings {
		if len(lines) > max {
			break
		}
		f := &findings[i]
		starts = append(starts, len(lines))
		lines = append(lines, r.paint(sgrWhy, truncate(r.text(r.g.cross+" "+f.Summary()), r.w, r.g.more)))
		// The hint wraps as far as the room goes, and one line further:
		// a line past max tells that the panel is cut.
		if room := max + 1 - len(lines); room > 0 {
			for _, l := range wrap(r.text(f.Hint), r.w-2, room, r.g.more) {
				lines = append(lines, "  "+l)
			}
		}
		// The evidence: what the failing container said, beneath what
		// to do about it.
		if lw := f.LastWords; lw != nil && len(lw.Lines) > 0 && len(lines) <= max {
			lines = append(lines, r.paint(sgrLegend, truncate("  "+r.text(LastWordsTitle(lw)), r.w, r.g.more)))
			for _, l := range lw.Lines {
				if len(lines) > max {
					break
				}
				lines = append(lines, r.paint(sgrLegend, truncate("  "+r.g.quote+" "+r.text(l), r.w, r.g.more)))
			}
		}
	}
	var evs []string
	for i, e := range events {
		if i == 3 || len(lines)+len(evs) > max {
			break
		}
		times := "×"
		if !r.st.Unicode {
			times = "x"
		}
		evs = append(evs, truncate(r.text(fmt.Sprintf("%s%d %s %s: %s", times, e.Count, e.Reason, e.Object, e.Message)), r.w, r.g.more))
	}
	if len(lines)+len(evs) > max {
		lines = append(lines, evs...)[:max]
		lines[max-1] = r.g.more
		return lines
	}
	// Everything but the messages fits: they take the room that is left,
	// each beneath its hint, the first findings' first.
	room := max - len(lines) - len(evs)
	if room == 0 {
		return append(lines, evs...)
	}
	out := make([]string, 0, max)
	for k, start := range starts {
		end := len(lines)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		out = append(out, lines[start:end]...)
		if f := &findings[k]; room > 0 && f.Message != "" && !strings.Contains(f.Hint, f.Message) {
			out = append(out, r.paint(sgrLegend, truncate("  "+r.text(f.Message), r.w, r.g.more)))
			room--
		}
	}
	return append(out, evs...)
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

// LastWordsTitle introduces a quoted log: whose, and of which restart.
func LastWordsTitle(lw *snapshot.LastWords) string {
	if lw.Previous {
		return lw.Container + "'s log before its restart:"
	}
	return lw.Container + "'s log ends:"
}
