package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/diagnose"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// whyReference is the panel built the plain way: every finding and event
// formatted; whyCut then cuts it to max lines. why must give the same lines
// while formatting only what fits.
func whyReference(r *renderer, findings []diagnose.Finding, events []snapshot.Event) []string {
	var lines []string
	for _, f := range findings {
		lines = append(lines, r.paint(sgrWhy, truncate(r.text(r.g.cross+" "+f.Summary()), r.w, r.g.more)))
		for _, l := range wrap(r.text(f.Hint), r.w-2, 3, r.g.more) {
			lines = append(lines, "  "+l)
		}
		if f.Message != "" && !strings.Contains(f.Hint, f.Message) {
			lines = append(lines, r.paint(sgrLegend, truncate("  "+r.text(f.Message), r.w, r.g.more)))
		}
	}
	times := "x"
	if r.st.Unicode {
		times = "×"
	}
	for i, e := range events {
		if i == 3 {
			break
		}
		lines = append(lines, truncate(r.text(fmt.Sprintf("%s%d %s %s: %s", times, e.Count, e.Reason, e.Object, e.Message)), r.w, r.g.more))
	}
	return lines
}

func whyCut(r *renderer, lines []string, max int) []string {
	if max <= 0 || len(lines) == 0 {
		return nil
	}
	if len(lines) > max {
		lines = slices.Clone(lines[:max])
		lines[max-1] = r.g.more
	}
	return lines
}

// whyFindings are n findings of every shape: hints of one to several wrapped
// lines, messages shown or already in the hint, none.
func whyFindings(n, msgLen int) []diagnose.Finding {
	filler := strings.Repeat("back-off pulling image \x1b[31mregistry.example/shop\x1b[0m\t", msgLen/48+1)[:msgLen]
	out := make([]diagnose.Finding, n)
	for i := range out {
		f := diagnose.Finding{Revision: int64(i%3 + 1), Reason: fmt.Sprintf("Reason%d", i), Pods: []string{fmt.Sprintf("clerk-squad-%05d", i)}}
		switch i % 4 {
		case 0:
			f.Hint, f.Message = "`kubectl describe pod "+f.Pods[0]+" -n shop`", fmt.Sprintf("%d: %s", i, filler)
		case 1:
			f.Message = "quota exceeded"
			f.Hint = strings.Repeat("a long hint that wraps over several lines, ", 8) + f.Message
		case 2:
			f.Pods = append(f.Pods, "clerk-squad-other")
			f.Hint = "short"
		case 3:
			f.Pods, f.Message, f.Hint = nil, filler, strings.Repeat("word ", 40)
		}
		out[i] = f
	}
	return out
}

func TestWhyFormatsOnlyWhatFits(t *testing.T) {
	events := []snapshot.Event{
		{Object: "Pod/clerk-squad-1", Reason: "BackOff", Message: "Back-off restarting failed container", Count: 7},
		{Object: "Pod/clerk-squad-2", Reason: "Failed", Message: strings.Repeat("x", 500), Count: 1},
		{Object: "Pod/clerk-squad-3", Reason: "FailedMount", Message: "secret not found", Count: 2},
		{Object: "Pod/clerk-squad-4", Reason: "Unhealthy", Message: "probe failed", Count: 3},
	}
	many := whyFindings(3000, 1000)
	for _, style := range []Style{colour, mono, ascii} {
		for _, w := range []int{1, 2, 3, 20, 120} {
			r := newRenderer(&snapshot.Snapshot{}, w, 40, style)
			for _, fs := range [][]diagnose.Finding{nil, many[:1], many[:2], many[:5], many} {
				for _, ev := range [][]snapshot.Event{nil, events[:1], events} {
					full := whyReference(r, fs, ev)
					for max := -1; max <= 25; max++ {
						got := r.why(fs, ev, max)
						want := whyCut(r, full, max)
						if !slices.Equal(got, want) {
							t.Fatalf("style %+v, width %d, %d findings, %d events, max %d:\ngot  %q\nwant %q",
								style, w, len(fs), len(ev), max, got, want)
						}
					}
				}
			}
		}
	}

	// The work must not grow with findings that cannot show: as many
	// allocations for 3,000 findings as for the 10 that fill the panel.
	r := newRenderer(&snapshot.Snapshot{}, 120, 40, colour)
	few := testing.AllocsPerRun(5, func() { r.why(many[:10], events, 3) })
	all := testing.AllocsPerRun(5, func() { r.why(many, events, 3) })
	if all > few {
		t.Errorf("why with max 3 allocates %.0f times for %d findings, %.0f for 10: it formats what does not fit", all, len(many), few)
	}
}

// reasonsReference groups every failed pod by reason, the plain way, and
// writes the lines reasons must write.
func reasonsReference(r *renderer, sh *shelf) []string {
	if sh.n[failed] == 0 {
		return nil
	}
	var order []string
	first, n := map[string]string{}, map[string]int{}
	for _, p := range sh.rev.Pods {
		if p.State != snapshot.PodFailed {
			continue
		}
		reason := r.text(p.Reason)
		if reason == "" {
			reason = "failed"
		}
		if _, ok := n[reason]; !ok {
			first[reason] = r.text(p.Name)
			order = append(order, reason)
		}
		n[reason]++
	}
	prefix := strings.Repeat(" ", r.indent()) + r.g.cross + " "
	var out []string
	for i, reason := range order {
		if i == maxReasons-1 && len(order) > maxReasons {
			rest := 0
			for _, o := range order[i:] {
				rest += n[o]
			}
			return append(out, r.paint(sgrFail, r.fit(prefix+plural(rest, "more failed pod", "more failed pods"))))
		}
		suffix := ": " + reason
		if n[reason] > 1 {
			suffix = fmt.Sprintf(" +%d more: %s", n[reason]-1, reason)
		}
		name := first[reason]
		if room := r.w - columns(prefix) - columns(suffix); columns(name) > room && room >= 8 {
			name = truncate(name, room, r.g.more)
		}
		out = append(out, r.paint(sgrFail, r.fit(prefix+name+suffix)))
	}
	return out
}

// reasons counts only the reasons that can show; the lines must be those of
// grouping every pod.
func TestReasonsCountOnlyWhatShows(t *testing.T) {
	reasons := []string{"CrashLoopBackOff", "", "OOMKilled", "Err\x1bImage", "CrashLoopBackOff", "Evicted", "", "OOMKilled"}
	for n := 0; n <= 40; n++ {
		for _, skip := range []int{1, 2, 3, 5} {
			pods := make([]snapshot.Pod, n)
			for i := range pods {
				pods[i] = failedPod(fmt.Sprintf("clerk-squad-a-very-long-pod-name-%03d", i), reasons[(i/skip)%len(reasons)])
				if i%7 == 3 {
					pods[i].State = snapshot.PodReady
				}
			}
			s := deployment(int32(n), snapshot.PhaseUpdating, "", time.Minute)
			s.Revisions = []snapshot.Revision{newRevision(2, "8e9f0a1b2", "uniform:gala", true, int32(n), pods...)}
			for _, w := range []int{10, 30, 120} {
				for _, style := range []Style{colour, ascii} {
					r := newRenderer(s, w, 40, style)
					if got, want := r.reasons(&r.shelves[0]), reasonsReference(r, &r.shelves[0]); !slices.Equal(got, want) {
						t.Fatalf("%d pods, a reason every %d, width %d, style %+v:\ngot  %q\nwant %q", n, skip, w, style, got, want)
					}
				}
			}
		}
	}
}
