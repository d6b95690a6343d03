// Package render draws a rollout snapshot as text: a frame of mannequins for
// a terminal, and change lines for logs. It knows neither terminals nor
// clusters; callers say how big the screen is and what it can show.
package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// Style is what the output device can show.
type Style struct {
	Color   bool // ANSI SGR colours; false means no escape sequences at all
	Unicode bool // false means ASCII only, for locales that are not UTF-8
	Compact bool // one-cell glyphs instead of figures
}

// justChanged is how long a pod that stepped in or out stays marked: long
// enough to be seen at a few frames a second, short enough that a rolling
// update shows pods moving one at a time.
const justChanged = 1500 * time.Millisecond

// layout is how pods are drawn, richest first.
type layout int

const (
	figures layout = iota
	glyphRows
	counts
)

type renderer struct {
	s       *snapshot.Snapshot
	w, h    int
	st      Style
	g       *glyphs
	shelves []shelf
	seen    [numStates]bool
	in, out bool // some pod just stepped in, or out
}

// shelf is one active revision and its pods tallied by state.
type shelf struct {
	rev *snapshot.Revision
	n   [numStates]int
}

// Frame draws s in at most height lines of at most width display columns,
// joined by "\n" without a trailing newline. When pods do not fit as figures
// it falls back to one glyph per pod, then to counts per revision, dropping
// the legend and header detail before any pod information.
func Frame(s *snapshot.Snapshot, width, height int, st Style) string {
	if s == nil || width < 1 || height < 1 {
		return ""
	}
	r := newRenderer(s, width, height, st)
	layouts := []layout{figures, glyphRows, counts}
	if st.Compact {
		layouts = layouts[1:]
	}
	// The reasons are sure of a third of the screen, and only on screens
	// tall enough to show pods as well; the pods are drawn in the rest.
	var why []string
	if height >= 9 {
		why = r.why(s.Findings, s.Events, height/3)
	}
	for _, l := range layouts {
		pods, ok := r.body(l, height-1-len(why))
		if !ok {
			continue
		}
		// Figures without a progress bar are worse than glyphs with one.
		last := 3
		if l == figures {
			last = 2
		}
		for level := 0; level <= last; level++ {
			head := r.header(level)
			var legend []string
			if level == 0 && l != counts {
				legend = r.legend()
			}
			used := len(head) + len(pods) + len(why) + len(legend)
			if used > height {
				continue
			}
			// What the pods leave is the reasons' too: a hint is cut
			// only when the screen is full.
			if spare := height - used; spare > 0 && len(why) > 0 {
				why = r.why(s.Findings, s.Events, len(why)+spare)
			}
			return r.join(head, pods, why, legend)
		}
	}
	body, _ := r.body(counts, height)
	return r.join(r.header(3), body)
}

func newRenderer(s *snapshot.Snapshot, w, h int, st Style) *renderer {
	r := &renderer{s: s, w: w, h: h, st: st, g: &asciiGlyphs}
	if st.Unicode {
		r.g = &unicodeGlyphs
	}
	for i := range s.Revisions {
		rev := &s.Revisions[i]
		if !rev.Active() {
			continue
		}
		sh := shelf{rev: rev}
		for j := range rev.Pods {
			p := &rev.Pods[j]
			k := stateOf(p.State)
			sh.n[k]++
			r.seen[k] = true
			switch r.mark(p) {
			case r.g.in:
				r.in = true
			case r.g.out:
				r.out = true
			}
		}
		r.shelves = append(r.shelves, sh)
	}
	return r
}

// mark tells whether p just stepped in or out, so that a watcher sees the
// rollout move pod by pod.
func (r *renderer) mark(p *snapshot.Pod) string {
	if p.StateSince.IsZero() || (p.State != snapshot.PodReady && p.State != snapshot.PodTerminating) {
		return ""
	}
	if age := r.s.Now.Sub(p.StateSince); age < 0 || age > justChanged {
		return ""
	}
	if p.State == snapshot.PodReady {
		return r.g.in
	}
	return r.g.out
}

// join fits the sections to the frame. Sections are built to fit already;
// cutting here only guards the promise for any input.
func (r *renderer) join(sections ...[]string) string {
	var lines []string
	for _, s := range sections {
		lines = append(lines, s...)
	}
	if len(lines) > r.h {
		lines = lines[:r.h]
		if r.h > 1 {
			lines[r.h-1] = r.g.more
		}
	}
	for i, l := range lines {
		lines[i] = truncate(l, r.w, r.g.more)
	}
	return strings.Join(lines, "\n")
}

// paint colours s as a whole.
func (r *renderer) paint(sgr, s string) string {
	if !r.st.Color || sgr == "" || s == "" {
		return s
	}
	return "\x1b[" + sgr + "m" + s + sgrReset
}

// fit returns the first candidate that fits the width, or the last one cut.
func (r *renderer) fit(candidates ...string) string {
	for _, c := range candidates {
		if columns(c) <= r.w {
			return c
		}
	}
	return truncate(candidates[len(candidates)-1], r.w, r.g.more)
}

func (r *renderer) text(s string) string { return clean(s, !r.st.Unicode) }

func (r *renderer) legend() []string {
	var parts []string
	for k := state(0); k < numStates; k++ {
		if r.seen[k] {
			parts = append(parts, r.g.glyph[k]+" "+stateWords[k])
		}
	}
	if r.in {
		parts = append(parts, r.g.in+" just ready")
	}
	if r.out {
		parts = append(parts, r.g.out+" just leaving")
	}
	l := joinFit(r.w, "  ", parts...)
	if l == "" {
		return nil
	}
	return []string{r.paint(sgrLegend, l)}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
