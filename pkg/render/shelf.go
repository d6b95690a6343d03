package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// Figure cells are three columns and a gap.
const figureWidth = 4

// body draws one shelf per active revision, newest first. It reports false
// when the layout cannot fit the width or needs more than budget lines; the
// lines built until then are still returned.
func (r *renderer) body(l layout, budget int) ([]string, bool) {
	if len(r.shelves) == 0 {
		return []string{"no pods"}, budget >= 1
	}
	var lines []string
	ok := true
	for i := range r.shelves {
		sh := &r.shelves[i]
		switch l {
		case counts:
			lines = append(lines, r.countLine(sh))
		case figures:
			lines = append(lines, r.shelfTitle(sh))
			lines, ok = r.figureRows(sh, lines, budget)
			lines = append(lines, r.reasons(sh)...)
		case glyphRows:
			lines = append(lines, r.shelfTitle(sh))
			lines, ok = r.glyphRows(sh, lines, budget)
			lines = append(lines, r.reasons(sh)...)
		}
		if !ok || len(lines) > budget {
			return lines, false
		}
	}
	return lines, true
}

// indent sets pods off from their shelf title, unless columns are scarce.
func (r *renderer) indent() int {
	if r.w < 12 {
		return 0
	}
	return 1
}

func (r *renderer) newLine() *line {
	l := &line{color: r.st.Color}
	l.space(r.indent())
	return l
}

func (r *renderer) figureRows(sh *shelf, lines []string, budget int) ([]string, bool) {
	pods := sh.rev.Pods
	// Labelled pods (ordinals, node names) get a name line and wider cells.
	labelW := 0
	for i := range pods {
		labelW = max(labelW, min(columns(pods[i].Label), 12))
	}
	cellW, rowH := figureWidth, 3
	if labelW > 0 {
		cellW, rowH = max(figureWidth, labelW+1), 4
	}
	per := (r.w - r.indent() + 1) / cellW
	if per < 1 {
		return lines, false
	}
	if len(lines)+rowH*((len(pods)+per-1)/per) > budget {
		return lines, false
	}
	g := r.g
	for start := 0; start < len(pods); start += per {
		head, body, legs, name := r.newLine(), r.newLine(), r.newLine(), r.newLine()
		for i := start; i < min(start+per, len(pods)); i++ {
			p := &pods[i]
			if i > start {
				pad := cellW - figureWidth + 1
				head.space(pad)
				body.space(pad)
				legs.space(pad)
				name.space(1)
			}
			k := stateOf(p.State)
			mark := r.mark(p)
			sgr := podColor(sh.rev, k, mark != "")
			head.space(1)
			head.put(sgr, g.glyph[k])
			if mark != "" {
				head.put(sgrMark, mark)
			} else {
				head.space(1)
			}
			body.put(sgr, g.body[k])
			if g.legs[k] == "" {
				legs.space(3)
			} else {
				legs.put(sgr, g.legs[k])
			}
			label := truncate(r.text(p.Label), cellW-1, "")
			name.put(sgrLegend, label)
			name.space(cellW - 1 - columns(label))
		}
		lines = append(lines, head.done(), body.done(), legs.done())
		if rowH == 4 {
			lines = append(lines, name.done())
		}
	}
	return lines, true
}

// glyphRows draws a cell per pod, in groups of ten when there is room so
// that pods can be counted by eye.
func (r *renderer) glyphRows(sh *shelf, lines []string, budget int) ([]string, bool) {
	pods := sh.rev.Pods
	per, group := r.w-r.indent(), 0
	if per >= 21 {
		group = 10
		per = (per + 1) / (group + 1) * group
	}
	if per < 1 || len(lines)+(len(pods)+per-1)/per > budget {
		return lines, false
	}
	for start := 0; start < len(pods); start += per {
		l := r.newLine()
		for i := start; i < min(start+per, len(pods)); i++ {
			if group > 0 && i > start && (i-start)%group == 0 {
				l.space(1)
			}
			p := &pods[i]
			if mark := r.mark(p); mark != "" {
				l.put(sgrMark, mark)
				continue
			}
			k := stateOf(p.State)
			l.put(podColor(sh.rev, k, false), r.g.glyph[k])
		}
		lines = append(lines, l.done())
	}
	return lines, true
}

// podColor makes the revision being rolled out stand out from the old ones,
// and failures from both.
func podColor(rev *snapshot.Revision, k state, marked bool) string {
	sgr := sgrOld
	switch {
	case k == failed:
		sgr = sgrFail
	case rev.Current:
		sgr = sgrNew
	}
	if marked {
		return "1;" + sgr
	}
	return sgr
}

func (r *renderer) shelfTitle(sh *shelf) string {
	rev := sh.rev
	label := revName(rev, !r.st.Unicode)
	tag := label
	if rev.Current {
		tag += " (new)"
	}
	var tally, tiny string
	if rev.Current {
		tiny = fmt.Sprintf("%d/%d", sh.n[ready], r.s.Workload.Desired)
		tally = tiny + " ready"
	} else {
		left := len(rev.Pods) - sh.n[terminating]
		tiny = fmt.Sprintf("%d left", left)
		tally = plural(left, "pod left", "pods left")
	}
	sep := r.g.sep
	// What each node must fetch, once the registry has said: a tally of
	// its own, dropped before the image when space runs out.
	if p := rev.Pull; p != nil && rev.Current {
		tally += sep + r.pull(p)
	}
	full := tag + sep + tally
	if img := r.text(revision.ShortImages(rev.Images)); img != "" {
		full = tag + sep + img + sep + tally
		// What the pods really run: the digest, when they all agree on one.
		if d := runningDigest(rev); d != "" {
			full = tag + sep + img + "@" + d + sep + tally
			candidates := []string{full, tag + sep + img + sep + tally}
			return r.paint(titleColor(rev), r.fit(append(candidates, tag+sep+tally, label+sep+tally, label+" "+tiny)...))
		}
	}
	return r.paint(titleColor(rev), r.fit(full, tag+sep+tally, label+sep+tally, label+" "+tiny))
}

// pull says what a node running the replaced revision fetches. In words:
// the arrows already mean pods stepping in and out.
func (r *renderer) pull(p *snapshot.Pull) string {
	if p.Platform != "" {
		// The layers are one platform's: a node of another pulls others.
		return fmt.Sprintf("pull %s new (%s), %s shared", humanize.Bytes(uint64(p.Bytes)), p.Platform, plural(p.Shared, "layer", "layers"))
	}
	return fmt.Sprintf("pull %s new, %s shared", humanize.Bytes(uint64(p.Bytes)), plural(p.Shared, "layer", "layers"))
}

func titleColor(rev *snapshot.Revision) string {
	if rev.Current {
		return sgrTitle + ";" + sgrNew
	}
	return sgrOld
}

// runningDigest is the short digest that every running pod of a
// single-image revision reports, or "" when they differ or none runs.
func runningDigest(rev *snapshot.Revision) string {
	if len(rev.Images) != 1 {
		return ""
	}
	digest := ""
	for i := range rev.Pods {
		for _, img := range rev.Pods[i].Images {
			_, d, ok := strings.Cut(img.ImageID, "@sha256:")
			if !ok || len(d) < 12 || !hexDigits(d[:12]) {
				continue
			}
			if digest != "" && digest != d[:12] {
				return ""
			}
			digest = d[:12]
		}
	}
	if digest == "" {
		return ""
	}
	return "sha256:" + digest
}

// countOrder puts failures first: when the line is cut, they must survive.
var countOrder = [numStates]state{failed, ready, running, creating, pending, terminating, unknown}

// countLine is a shelf in one line, for when even glyphs do not fit.
func (r *renderer) countLine(sh *shelf) string {
	var parts []string
	for _, k := range countOrder {
		if sh.n[k] == 0 {
			continue
		}
		part := fmt.Sprintf("%d %s", sh.n[k], stateWords[k])
		if k == failed {
			if reason := r.firstReason(sh); reason != "" {
				part += " (" + reason + ")"
			}
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		parts = []string{"no pods"}
	}
	tag := revName(sh.rev, !r.st.Unicode)
	sgr := sgrOld
	if sh.rev.Current {
		tag += " (new)"
		sgr = sgrNew
	}
	return r.paint(sgr, r.fit(tag+": "+strings.Join(parts, ", ")))
}

func (r *renderer) firstReason(sh *shelf) string {
	for i := range sh.rev.Pods {
		if p := &sh.rev.Pods[i]; p.State == snapshot.PodFailed {
			return r.text(p.Reason)
		}
	}
	return ""
}

// maxReasons bounds the failure lines of a shelf: a thousand pods failing
// for one reason is one line, and many reasons must not push pods away.
const maxReasons = 3

// reasons writes why pods failed beneath the shelf, one line per reason,
// naming the first pod so it can be described.
func (r *renderer) reasons(sh *shelf) []string {
	if sh.n[failed] == 0 {
		return nil
	}
	type group struct {
		reason, first string
		n             int
	}
	// Only the first maxReasons reasons can have a line of their own: the
	// pods failing for any later one are only counted, so that thousands of
	// distinct reasons cost no more than three.
	groups := make([]group, 0, maxReasons)
	others := 0 // failed pods whose reason came after the first maxReasons
	for i := range sh.rev.Pods {
		p := &sh.rev.Pods[i]
		if p.State != snapshot.PodFailed {
			continue
		}
		reason := r.text(p.Reason)
		if reason == "" {
			reason = "failed"
		}
		j := slices.IndexFunc(groups, func(g group) bool { return g.reason == reason })
		switch {
		case j >= 0:
			groups[j].n++
		case len(groups) < maxReasons:
			groups = append(groups, group{reason: reason, first: r.text(p.Name), n: 1})
		default:
			others++
		}
	}
	prefix := strings.Repeat(" ", r.indent()) + r.g.cross + " "
	var out []string
	for i, g := range groups {
		if i == maxReasons-1 && others > 0 {
			rest := g.n + others
			out = append(out, r.paint(sgrFail, r.fit(prefix+plural(rest, "more failed pod", "more failed pods"))))
			break
		}
		suffix := ": " + g.reason
		if g.n > 1 {
			suffix = fmt.Sprintf(" +%d more: %s", g.n-1, g.reason)
		}
		// The reason matters more than the end of a long pod name.
		name := g.first
		if room := r.w - columns(prefix) - columns(suffix); columns(name) > room && room >= 8 {
			name = truncate(name, room, r.g.more)
		}
		out = append(out, r.paint(sgrFail, r.fit(prefix+name+suffix)))
	}
	return out
}

// hexDigits reports whether s is all lowercase hex digits: a digest, not
// whatever a node (or anyone who may write pod status) put in imageID.
func hexDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
