package render

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// Section is one workload of a release view.
type Section struct {
	// Who names the workload as the release's log does: kind/name, with
	// the namespace in front when the release spans namespaces.
	Who  string
	Snap *snapshot.Snapshot
}

// detail is how much of a section is drawn, least first.
type detail int

const (
	oneLine detail = iota // the section's header line alone
	withGlyphs
	withFigures
	numDetails
)

// ReleaseFrame draws the workloads of a release, one section each, in the
// order given, with the selected one marked: the order is the caller's and
// never changes with the rollouts, so that the eye finds a workload where
// it was. Every workload gets at least its header line (kind/name, phase,
// progress bar, revision and image change). The room left is given first
// to failed workloads, then to those rolling, then to the complete ones:
// each gets glyphs, and then figures, while the frame still fits.
func ReleaseFrame(secs []Section, selected, width, height int, st Style) string {
	if len(secs) == 0 || width < 1 || height < 1 {
		return ""
	}
	g := &asciiGlyphs
	if st.Unicode {
		g = &unicodeGlyphs
	}
	// Each section at each detail, as lines, drawn when first asked for:
	// the bodies of a section that never gets the room cost nothing. Body
	// lines are set off by the width of the selection mark.
	const indent = 2
	renderers := make([]*renderer, len(secs))
	drawn := make([][numDetails][]string, len(secs))
	lines := func(i int, d detail) []string {
		if drawn[i][d] != nil {
			return drawn[i][d]
		}
		if renderers[i] == nil {
			renderers[i] = newRenderer(secs[i].Snap, max(width-indent, 1), height, st)
		}
		r := renderers[i]
		head := r.sectionLine(secs[i].Who, i == selected, width)
		out := []string{head}
		if d != oneLine {
			body, _ := r.body(map[detail]layout{withGlyphs: glyphRows, withFigures: figures}[d], height)
			for _, b := range body {
				out = append(out, strings.Repeat(" ", indent)+b)
			}
		}
		drawn[i][d] = out
		return out
	}
	level := make([]detail, len(secs))
	used := len(secs)
	title := releaseTitle(secs, g)
	if used < height {
		used++ // the title line
	} else {
		title = ""
	}
	// Busiest first: they get more detail before the calm ones.
	order := make([]int, len(secs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return busy(secs[order[a]].Snap) < busy(secs[order[b]].Snap) })
	for _, d := range []detail{withGlyphs, withFigures} {
		if st.Compact && d == withFigures {
			break
		}
		for _, i := range order {
			if used >= height {
				break
			}
			grow := len(lines(i, d)) - len(lines(i, level[i]))
			if used+grow <= height {
				level[i], used = d, used+grow
			}
		}
	}
	var out []string
	if title != "" {
		out = append(out, title)
	}
	// Where to start, so that the selected section shows when the header
	// lines alone are more than the screen holds.
	first, last := 0, len(secs)
	if len(secs) > height {
		first = min(max(selected-height/2, 0), len(secs)-height)
		last = first + height
	}
	for i := first; i < last; i++ {
		out = append(out, lines(i, level[i])...)
	}
	if first > 0 {
		out[0] = fmt.Sprintf("%s %d more above", g.more, first)
	}
	if last < len(secs) {
		out[len(out)-1] = fmt.Sprintf("%s %d more below", g.more, len(secs)-last)
	}
	if len(out) > height {
		out = out[:height]
	}
	for i, l := range out {
		out[i] = truncate(l, width, g.more)
	}
	return strings.Join(out, "\n")
}

// busy ranks a workload for room on the screen: failed first, then
// rolling, then done.
func busy(s *snapshot.Snapshot) int {
	switch {
	case s.Phase == snapshot.PhaseFailed || s.Phase == snapshot.PhaseDeleted:
		return 0
	case !s.Done():
		return 1
	}
	return 2
}

// releaseTitle counts the workloads by how they are doing.
func releaseTitle(secs []Section, g *glyphs) string {
	var n [3]int
	for _, s := range secs {
		n[busy(s.Snap)]++
	}
	parts := []string{plural(len(secs), "workload", "workloads")}
	for i, word := range []string{"failed", "rolling", "complete"} {
		if n[i] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[i], word))
		}
	}
	return strings.Join(parts, g.sep)
}

// sectionLine is a workload's header in a release: its name, phase,
// progress bar, and revision and image change, as many as fit in width.
func (r *renderer) sectionLine(who string, selected bool, width int) string {
	mark := "  "
	if selected {
		mark = "> "
		if r.st.Unicode {
			mark = "▸ "
		}
	}
	phase := r.shortPhase()
	if r.s.Workload.Paused {
		phase = "paused" + r.g.sep + phase
	}
	sep := r.g.sep
	var bar string
	if w := r.s.Workload; w.Desired > 0 {
		bar = r.bar(10) + fmt.Sprintf(" %d/%d", r.readyNew(), w.Desired)
	}
	long, short := r.change()
	// The name first, then the phase, the bar and the change, as many as
	// fit; on a narrow screen the kind goes before the name is cut.
	var candidates []string
	for _, name := range []string{r.text(who), r.text(r.s.Workload.Name)} {
		colour := sgrTitle
		if selected {
			colour = sgrMark
		}
		left := mark + r.paint(colour, name) + sep + r.paint(r.phaseColor(), phase)
		if bar != "" {
			for _, c := range []string{long, short} {
				if c != "" {
					candidates = append(candidates, left+sep+bar+sep+c)
				}
			}
			candidates = append(candidates, left+sep+bar)
		}
		candidates = append(candidates, left)
	}
	for _, c := range candidates {
		if columns(c) <= width {
			return c
		}
	}
	return truncate(candidates[len(candidates)-1], width, r.g.more)
}

// readyNew counts the ready pods of the revision being rolled to.
func (r *renderer) readyNew() int {
	if cur := r.current(); cur != nil {
		return cur.n[ready]
	}
	return 0
}

// change is the revision rolled to and its images, with the images of the
// revision it replaces while that one still has pods ("rev 3 a → b"), and
// without them.
func (r *renderer) change() (long, short string) {
	var cur, old *snapshot.Revision
	for i := range r.s.Revisions {
		rev := &r.s.Revisions[i]
		switch {
		case rev.Current:
			cur = rev
		case old == nil && rev.Active():
			old = rev
		}
	}
	if cur == nil {
		return "", ""
	}
	arrow := " → "
	if !r.st.Unicode {
		arrow = " -> "
	}
	to := r.text(revision.ShortImages(cur.Images))
	short = revName(cur, !r.st.Unicode) + " " + to
	if old != nil {
		if from := r.text(revision.ShortImages(old.Images)); from != "" && from != to {
			return revName(cur, !r.st.Unicode) + " " + from + arrow + to, short
		}
	}
	return short, ""
}
