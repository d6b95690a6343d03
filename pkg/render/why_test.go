package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// whyPanel is the panel built the plain way: every finding and event
// formatted, each hint whole. whyCut then fits it to max lines by the
// rule; why must give the same lines while formatting only what fits.
type whyPanel struct {
	cores    [][]string // each finding's summary and hint
	messages []string   // each finding's message line, or ""
	events   []string
}

func whyReference(r *renderer, findings []snapshot.Finding, events []snapshot.Event) whyPanel {
	var p whyPanel
	for _, f := range findings {
		core := []string{r.paint(sgrWhy, truncate(r.text(r.g.cross+" "+f.Summary()), r.w, r.g.more))}
		for _, l := range wrap(r.text(f.Hint), r.w-2, 1<<30, r.g.more) {
			core = append(core, "  "+l)
		}
		msg := ""
		if f.Message != "" && !strings.Contains(f.Hint, f.Message) {
			msg = r.paint(sgrLegend, truncate("  "+r.text(f.Message), r.w, r.g.more))
		}
		p.cores, p.messages = append(p.cores, core), append(p.messages, msg)
	}
	times := "x"
	if r.st.Unicode {
		times = "×"
	}
	for i, e := range events {
		if i == 3 {
			break
		}
		p.events = append(p.events, truncate(r.text(fmt.Sprintf("%s%d %s %s: %s", times, e.Count, e.Reason, e.Object, e.Message)), r.w, r.g.more))
	}
	return p
}

// whyCut is the rule: everything when it fits; else without the messages
// that do not fit, the first findings' kept; else the summaries, hints
// and events cut to max lines, the last one "more".
func whyCut(r *renderer, p whyPanel, max int) []string {
	if max <= 0 || len(p.cores)+len(p.events) == 0 {
		return nil
	}
	var bare []string
	for _, c := range p.cores {
		if len(bare) > max {
			break // cut anyway
		}
		bare = append(bare, c...)
	}
	bare = append(bare, p.events...)
	if len(bare) > max {
		bare = slices.Clone(bare[:max])
		bare[max-1] = r.g.more
		return bare
	}
	room := max - len(bare)
	var lines []string
	for i, c := range p.cores {
		lines = append(lines, c...)
		if p.messages[i] != "" && room > 0 {
			lines = append(lines, p.messages[i])
			room--
		}
	}
	return append(lines, p.events...)
}

// whyFindings are n findings of every shape: hints of one to several wrapped
// lines, messages shown or already in the hint, none.
func whyFindings(n, msgLen int) []snapshot.Finding {
	filler := strings.Repeat("back-off pulling image \x1b[31mregistry.example/shop\x1b[0m\t", msgLen/48+1)[:msgLen]
	out := make([]snapshot.Finding, n)
	for i := range out {
		f := snapshot.Finding{Revision: int64(i%3 + 1), Reason: fmt.Sprintf("Reason%d", i), Pods: []string{fmt.Sprintf("clerk-squad-%05d", i)}}
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
			for _, fs := range [][]snapshot.Finding{nil, many[:1], many[:2], many[:5], many} {
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

// privateRegistry is a rollout stuck on a private registry that refuses
// the pull, in a namespace of 20 characters, watched with --context: the
// hint is long, and its end says what to do.
func privateRegistry() *snapshot.Snapshot {
	s := failedRollout()
	s.Phase, s.Message = snapshot.PhaseUpdating, `Waiting for deployment "clerk-squad" rollout to finish: 2 out of 3 new replicas have been updated...`
	s.Problems = nil
	s.Workload.Namespace = "clerk-squad-prod-eu1"
	s.Where = snapshot.Where{Context: "prod-eu"}
	s.ServiceAccounts = map[string][]string{"default": {}}
	image := "private.registry.example/uniform:winter-2024"
	s.Revisions[0].Images = []string{image}
	for i := range s.Revisions[0].Pods {
		p := &s.Revisions[0].Pods[i]
		p.Image, p.Container, p.ServiceAccount = image, "uniform", "default"
		p.Message = `Back-off pulling image "` + image + `": ErrImagePull: failed to pull and unpack image: unexpected status from HEAD request: 401 Unauthorized`
	}
	return s
}

// The hint has the room the screen has: at 120×40 the private registry's
// hint is drawn whole, down to where the Secret must be listed, instead
// of being cut at "and list it under …" above empty rows.
func TestWhyHintHasTheRoomOfTheScreen(t *testing.T) {
	got := diagnosedFrame(privateRegistry(), 120, 40, mono)
	checkFrame(t, got, 120, 40, mono)
	plain := strings.Join(strings.Fields(got), " ")
	for _, want := range []string{
		"and list it under spec.template.spec.imagePullSecrets, or add it to the ServiceAccount:",
		`kubectl patch serviceaccount default -n clerk-squad-prod-eu1 --context prod-eu -p '{"imagePullSecrets":[{"name":"regcred"}]}'`,
		`Back-off pulling image "private.registry.example/uniform:winter-2024"`,
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("frame lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, " …\n") {
		t.Errorf("a hint is cut on a screen with room to spare:\n%s", got)
	}
	golden(t, "why-private-registry-120x40", got)
}

// When the room is short, the API's message goes before the hint is cut:
// a hint of four lines in five rows is drawn whole, without its message.
func TestWhyCutsTheMessageBeforeTheHint(t *testing.T) {
	f := snapshot.Finding{Revision: 2, Reason: "ImagePullBackOff", Pods: []string{"a"},
		Hint:    strings.TrimSpace(strings.Repeat("hint ", 24)) + " imagePullSecrets",
		Message: "what the kubelet said"}
	r := newRenderer(&snapshot.Snapshot{}, 40, 40, mono)
	hint := wrap(f.Hint, 38, 100, "…")
	if len(hint) != 4 {
		t.Fatalf("the hint should take 4 lines at 40 columns, takes %d", len(hint))
	}
	for _, c := range []struct {
		max  int
		want []string
	}{
		{6, append(append([]string{"✗ rev 2: ImagePullBackOff: pod a"}, indent(hint)...), "  what the kubelet said")},
		{5, append([]string{"✗ rev 2: ImagePullBackOff: pod a"}, indent(hint)...)},
		{4, append(append([]string{"✗ rev 2: ImagePullBackOff: pod a"}, indent(hint[:2])...), "…")},
	} {
		if got := r.why([]snapshot.Finding{f}, nil, c.max); !slices.Equal(got, c.want) {
			t.Errorf("max %d:\ngot  %q\nwant %q", c.max, got, c.want)
		}
	}
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "  " + l
	}
	return out
}

// A hint is cut only when the screen is full: on every screen the frame
// leaves rows empty on, the hint is there to its last word.
func TestWhyIsCutOnlyOnAFullScreen(t *testing.T) {
	s := privateRegistry()
	end := `'{"imagePullSecrets":[{"name":"regcred"}]}'` + "`"
	for _, w := range []int{60, 80, 120} {
		for h := 9; h <= 40; h++ {
			got := diagnosedFrame(s, w, h, mono)
			checkFrame(t, got, w, h, mono)
			if n := strings.Count(got, "\n") + 1; n < h && !strings.Contains(strings.Join(strings.Fields(got), " "), end) {
				t.Errorf("%dx%d: %d rows drawn and the hint cut:\n%s", w, h, n, got)
			}
		}
	}
}
