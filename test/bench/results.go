package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

type results struct {
	cfg     config
	started time.Time
	took    time.Duration
	machine machine

	render  []renderCase
	latency latencyResult
	burst   burstResult
	idle    idleResult
	crowd   crowdResult
	startup map[string]*startupResult // by namespace
	// kubectl's own start-up (`kubectl version --client`), for the record
	kubectlVersion []time.Duration
	memory         memoryResult
	registry       registryResult
	release        releaseResult
	profile        string // summary of the -profile run
}

type latencyResult struct {
	changes, pods int
	plugin, floor []time.Duration
}

type burstResult struct {
	pods      int
	frames    int
	inBurst   int           // of which between the first and the last write
	gap       time.Duration // median time between frames
	spread    time.Duration // first to last write
	finalLag  time.Duration // last write to the final state on screen
	lastRight bool
}

type idleResult struct {
	window        time.Duration
	startup, idle string
	n             int
	detail        []string
}

type crowdResult struct {
	pods           int
	created, ready time.Duration
}

type startupResult struct{ plugin, direct, get, pods []time.Duration }

type memoryResult struct {
	pods, others int
	peak         int64 // VmHWM
	anon, file   int64 // RssAnon and RssFile at the end
	rollout, cpu time.Duration
	frames       int
}

func (r *results) startupFor(ns string) *startupResult {
	if r.startup == nil {
		r.startup = map[string]*startupResult{}
	}
	if r.startup[ns] == nil {
		r.startup[ns] = &startupResult{}
	}
	return r.startup[ns]
}

// Targets of issue 8.
const (
	latencyP95Max    = 100 * time.Millisecond
	latencyOverFloor = 50 * time.Millisecond
	crowdRatioMax    = 1.2
	getRatioMax      = 1.5
	peakRSSMax       = 50e6 // bytes
	idleRequestsMax  = 3
	renderMax        = 5 * time.Millisecond
	renderAtPods     = 5000
	burstFramesMax   = 30
	// Issue 15: registry lookups stay off the first frame's path.
	registryRatioMax = 1.05
	// Issue 17: watching a whole release.
	releaseRatioMax      = 1.5  // release's first frame over one member's
	releasePeakRSSMax    = 80e6 // bytes
	distantSingleOverGet = 70 * time.Millisecond
	distantReleaseOver   = 50 * time.Millisecond // over the single view
	directRatioMax       = 1.0                   // the plugin binary over `kubectl get deploy`
)

func verdict(ok bool) string {
	if ok {
		return "✅ met"
	}
	return "❌ missed"
}

// markdown is the whole report: the table, then how each figure was taken.
func (r *results) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	mode := "full (`make bench`)"
	if r.cfg.Quick {
		mode = "quick (`BENCH_QUICK=1 make bench`): fewer pods and repetitions, figures indicative only"
	}
	m := r.machine
	p("# kubectl-mannequin performance\n\n")
	p("Measured %s by `test/bench`, mode %s, in %s.\n\n", r.started.Format("2006-01-02 15:04 MST"), mode, r.took.Round(time.Second))
	p("Machine: %s, %d cores, %s RAM; Linux %s; %s. Cluster: kube-apiserver %s with kwok (local processes, same machine). kubectl %s. Plugin %s.\n\n",
		m.CPU, m.Cores, m.Memory, m.Kernel, m.Go, m.Server, m.Kubectl, m.Revision)
	p("Load average (1 min): %s at the start, %s at the end; the machine is shared, so figures are noisy and every comparison is made within the run.\n\n", m.LoadStart, m.LoadEnd)

	p("| figure | measured | same run, for comparison | target | |\n|---|---|---|---|---|\n")
	if l := r.latency; len(l.plugin) > 0 {
		pp95, fp95 := percentile(l.plugin, 95), percentile(l.floor, 95)
		p("| change → screen latency, %d changes | p50 %s, p95 %s | `kubectl get pods -w`: p50 %s, p95 %s | p95 ≤ 100 ms and ≤ floor p95 + 50 ms | %s |\n",
			len(l.plugin), ms(percentile(l.plugin, 50)), ms(pp95), ms(percentile(l.floor, 50)), ms(fp95),
			verdict(pp95 <= latencyP95Max && pp95 <= fp95+latencyOverFloor))
	}
	empty, crowd := r.startup[emptyNS], r.startup[crowdNS]
	if empty != nil && crowd != nil {
		pe, pc := percentile(empty.plugin, 50), percentile(crowd.plugin, 50)
		ge, gc := percentile(empty.get, 50), percentile(crowd.get, 50)
		ratio := float64(pc) / float64(pe)
		floor := float64(percentile(crowd.pods, 50)) / float64(percentile(empty.pods, 50))
		p("| time to first frame, 10-pod Deployment (median of %d) | empty namespace %s; with %s other pods %s: ratio ×%.2f | `kubectl get pods -l app=%s`, %s/empty: ×%.2f | ratio ≤ 1.2 | %s |\n",
			len(empty.plugin), ms(pe), count(r.crowd.pods), ms(pc), ratio, squad, short(r.crowd.pods), floor, verdict(ratio <= crowdRatioMax))
		re, rc := float64(pe)/float64(ge), float64(pc)/float64(gc)
		p("| time to first frame vs `kubectl get deploy` | ×%.2f (empty), ×%.2f (%s) | `kubectl get deploy %s`: %s (empty), %s (%s) | ratio ≤ 1.5 | %s |\n",
			re, rc, short(r.crowd.pods), squad, ms(ge), ms(gc), short(r.crowd.pods), verdict(max(re, rc) <= getRatioMax))
		// Issue 17: the plugin's own start, without kubectl's hand-over,
		// is to be no slower than kubectl's whole `get`.
		de, dc := percentile(empty.direct, 50), percentile(crowd.direct, 50)
		re, rc = float64(de)/float64(ge), float64(dc)/float64(gc)
		p("| time to first frame from the plugin's own start (the binary alone) vs `kubectl get deploy` | ×%.2f (empty: %s), ×%.2f (%s: %s) | `kubectl get deploy %s`: %s (empty), %s (%s); `kubectl mannequin` adds kubectl's hand-over, `kubectl version --client`: %s | ratio ≤ 1.0 | %s |\n",
			re, ms(de), rc, short(r.crowd.pods), ms(dc), squad, ms(ge), ms(gc), short(r.crowd.pods), ms(percentile(r.kubectlVersion, 50)), verdict(max(re, rc) <= directRatioMax))
	}
	if mem := r.memory; mem.peak > 0 {
		p("| resident memory, peak (VmHWM) | %.1f MB | %s-pod Deployment among %s other pods, one rolling update (%s, plugin CPU %s, %d frames) | ≤ 50 MB | %s |\n",
			float64(mem.peak)/1e6, count(mem.pods), count(mem.others), mem.rollout.Round(time.Second), mem.cpu.Round(10*time.Millisecond), mem.frames,
			verdict(mem.peak <= peakRSSMax))
	}
	if i := r.idle; i.startup != "" {
		p("| API requests while idle, %s | %d (%s) | startup reads before the first frame: %s | ≤ 3, watches only | %s |\n",
			i.window, i.n, i.idle, i.startup, verdict(i.n <= idleRequestsMax && onlyWatches(i.idle)))
	}
	if g := r.registry; len(g.on) > 0 {
		on, off := percentile(g.on, 50), percentile(g.off, 50)
		ratio := float64(on) / float64(off)
		p("| time to first frame, registry on vs `--registry=off` (median of %d) | on %s, off %s: ×%.2f | off made %d registry requests | ratio ≤ %.2f | %s |\n",
			len(g.on), ms(on), ms(off), ratio, g.offRequests, registryRatioMax, verdict(ratio <= registryRatioMax && g.offRequests == 0))
		p("| registry requests while idle, %s | %d | %d to learn the shelf's pull size, before the window | 0 after the first lookups | %s |\n",
			g.window, g.idle, g.firstLookups, verdict(g.idle == 0))
		for _, bad := range g.bad {
			on, off := percentile(bad.on, 50), percentile(bad.off, 50)
			ratio := float64(on) / float64(off)
			p("| time to first frame, a registry that %s vs `--registry=off` (median of %d) | on %s, off %s: ×%.2f | | ratio ≤ %.2f | %s |\n",
				bad.name, len(bad.on), ms(on), ms(off), ratio, registryRatioMax, verdict(ratio <= registryRatioMax))
		}
	}
	r.releaseRows(p)
	if len(r.render) > 0 {
		for _, failures := range []bool{false, true} {
			var at []string
			worst := time.Duration(0)
			for _, c := range r.render {
				if c.pods == renderAtPods && c.failures == failures {
					at = append(at, fmt.Sprintf("%s at %s", ms(c.perFrame), c.size))
					worst = max(worst, c.perFrame)
				}
			}
			what := "5,000 pods"
			if failures {
				what = "5,000 pods, each failed for its own reason (10,000-character messages)"
			}
			if len(at) > 0 {
				p("| render cost, %s (BenchmarkFrame) | %s | all sizes below | ≤ 5 ms per frame | %s |\n",
					what, strings.Join(at, ", "), verdict(worst <= renderMax))
			}
		}
	}
	if bu := r.burst; bu.pods > 0 {
		right := "last frame correct"
		if !bu.lastRight {
			right = "last frame WRONG"
		}
		p("| frames per change burst | %d frames; %s | %d pods unready within %s; final state on screen %s after the last write | ≤ 30, last frame correct | %s |\n",
			bu.frames, right, bu.pods, ms(bu.spread), ms(bu.finalLag), verdict(bu.frames <= burstFramesMax && bu.lastRight))
	}

	p("\n## How each figure was taken\n\n")
	if l := r.latency; len(l.plugin) > 0 {
		p("**Latency.** A %d-pod Deployment whose pods kwok never readies by itself; the harness flips one pod's readiness at a time (pod status write, as a kubelet does) %d times, 150 ms apart, and timestamps the write and the arrival of the matching line on the plugin's `--plain` pipe (\"rev 1: 9/10 ready\") and on `kubectl get pods -w`'s pipe (READY 0/1), both running at once.\n\n",
			l.pods, l.changes)
		p("| | min | p50 | p95 | max |\n|---|---|---|---|---|\n")
		for _, row := range []struct {
			name string
			d    []time.Duration
		}{{"plugin `--plain`", l.plugin}, {"`kubectl get pods -w`", l.floor}} {
			p("| %s | %s | %s | %s | %s |\n", row.name, ms(percentile(row.d, 0)), ms(percentile(row.d, 50)), ms(percentile(row.d, 95)), ms(percentile(row.d, 100)))
		}
		p("\n")
	}
	if empty != nil && crowd != nil {
		p("**Time to first frame.** From fork/exec of `kubectl mannequin watch deploy/%s` in a 120×40 pseudo-terminal to the arrival of the first complete frame (the first `ESC[J`), against `kubectl get deploy %s` from fork/exec to its line; %d interleaved rounds after one warm-up round (discovery cache). The crowded namespace holds %s bare pods on the kwok nodes (created in %s, all ready after %s).\n\n",
			squad, squad, len(empty.plugin), count(r.crowd.pods), r.crowd.created.Round(100*time.Millisecond), r.crowd.ready.Round(100*time.Millisecond))
		p("| | `kubectl mannequin watch` | the plugin binary alone | `kubectl get deploy` | `kubectl get pods -l` |\n|---|---|---|---|---|\n")
		for _, row := range []struct {
			name string
			s    *startupResult
		}{{"empty namespace", empty}, {count(r.crowd.pods) + " other pods", crowd}} {
			p("| %s | %s (median %s) | %s (median %s) | %s (median %s) | %s (median %s) |\n", row.name,
				list(row.s.plugin), ms(percentile(row.s.plugin, 50)), list(row.s.direct), ms(percentile(row.s.direct, 50)),
				list(row.s.get), ms(percentile(row.s.get, 50)), list(row.s.pods), ms(percentile(row.s.pods, 50)))
		}
		p("\nkubectl's own start-up here (`kubectl version --client`, no request): %s (median %s). `kubectl mannequin` pays it before the plugin even starts.\n\n",
			list(r.kubectlVersion), ms(percentile(r.kubectlVersion, 50)))
	}
	if g := r.registry; len(g.on) > 0 {
		p("**Registry.** A 4-pod Deployment rolled from `$REGISTRY/uniform:summer-2023` to `winter-2024`, images of the cluster's own OCI registry (hack/registry); the plugin binary's first frame in the empty namespace, registry lookups on and off, interleaved, %d rounds after a warm-up (on: %s; off: %s). Then one watch with lookups on until its shelf says what a node pulls, and the registry's own count of requests served over the next %s.\n\n",
			len(g.on), list(g.on), list(g.off), g.window)
		if len(g.bad) > 0 {
			p("**A registry that misbehaves.** The same, for a 4-pod Deployment whose images live in a registry that never answers (a loopback server that holds every request open), then in one that answers each request %s late (a proxy in front of the warehouse); the Deployment is rolled to a second image and not waited for, so the view asks about both images as it starts.", slowRegistryDelay)
			for _, bad := range g.bad {
				p(" %s: on %s; off %s.", bad.name, list(bad.on), list(bad.off))
			}
			p(" The e2e test `TestABadRegistryNeverFreezesTheView` shows the view following a rollout and asking its undo question while such a registry is asked.\n\n")
		}
	}
	if mem := r.memory; mem.peak > 0 {
		p("**Memory.** The plugin draws in a 200×60 pseudo-terminal while the %s-pod Deployment rolls from one image to another (maxSurge and maxUnavailable 25%%); the peak is `VmHWM` from `/proc/PID/status` of the `kubectl mannequin` process (kubectl execs the plugin) once the screen shows the rollout complete. At that moment %.1f MB of the resident set were anonymous pages (heap, stacks) and %.1f MB pages of the executable file.\n\n",
			count(mem.pods), float64(mem.anon)/1e6, float64(mem.file)/1e6)
	}
	if i := r.idle; i.startup != "" {
		p("**Idle requests.** The plugin reaches the apiserver through a loopback proxy in the harness that records every request with its user agent; counted are the requests of `%s…` other than the reads before the first frame, from start to %s after the first frame (TTY view, 10-pod Deployment that does not change).", pluginAgent, i.window)
		if len(i.detail) > 0 {
			p(" Requests: `%s`.", strings.Join(i.detail, "`, `"))
		}
		p("\n\n")
	}
	r.releaseHow(p)
	if len(r.render) > 0 {
		p("**Render cost.** `go test ./pkg/render -bench ^BenchmarkFrame$ -benchtime %s -count %d`, median per case:\n\n", r.cfg.RenderTime, r.cfg.RenderCount)
		p("| pods | size | per frame | B/frame | allocs/frame |\n|---|---|---|---|---|\n")
		for _, c := range r.render {
			pods := count(c.pods)
			if c.failures {
				pods += " (all failed, distinct)"
			}
			p("| %s | %s | %s | %s | %d |\n", pods, c.size, ms(c.perFrame), count(int(c.bytes)), c.allocs)
		}
		p("\n")
	}
	if bu := r.burst; bu.pods > 0 {
		p("**Burst.** %d ready pods of a watched Deployment (160×50 pseudo-terminal) are made unready by %d writes spread evenly over one second; counted are frames (each starts with `ESC[H`) from the first write until one second after the last, which includes the view's 1 s clock tick; the last frame must show `0/%d ready`. Of the %d frames, %d were written between the first and the last write; the median gap between frames was %s.\n\n",
			bu.pods, bu.pods, bu.pods, bu.frames, bu.inBurst, ms(bu.gap))
	}
	if r.profile != "" {
		p("## Profiles (-profile)\n\n```\n%s```\n", r.profile)
	}
	return b.String()
}

func onlyWatches(tally string) bool {
	return tally == "none" || !strings.Contains(strings.ReplaceAll(tally, "watch ×", ""), "×")
}

// percentile is the nearest-rank percentile (0 is the minimum, 100 the maximum).
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100 // ceil(p/100·n)
	return s[max(rank, 1)-1]
}

func ms(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + ms(-d)
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + " ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(float64(d)/1e6, 'f', 0, 64) + " ms"
	}
	return d.Round(100 * time.Millisecond).String()
}

func list(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = strconv.FormatInt(d.Milliseconds(), 10)
	}
	return strings.Join(parts, ", ") + " ms"
}

// count writes 10000 as 10,000.
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// short writes 10000 as 10k.
func short(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return strconv.Itoa(n/1000) + "k"
	}
	return count(n)
}

type machine struct {
	CPU, Memory, Kernel, Go, Server, Kubectl, Revision string
	Cores                                              int
	LoadStart, LoadEnd                                 string // 1-minute load averages
}

// loadAverage is the 1-minute load average: other work on the machine is
// the first suspect for a noisy figure.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(data)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

func describeMachine(root string) machine {
	m := machine{CPU: "unknown CPU", Memory: "?", Kernel: "?", Go: runtime.Version(), Cores: runtime.NumCPU(), Kubectl: "?", Revision: "?",
		LoadStart: loadAverage()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPU = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				m.Memory = fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	if out, err := exec.Command("kubectl", "version", "--client", "-o", "json").Output(); err == nil {
		var v struct {
			ClientVersion struct{ GitVersion string } `json:"clientVersion"`
		}
		if json.Unmarshal(out, &v) == nil && v.ClientVersion.GitVersion != "" {
			m.Kubectl = v.ClientVersion.GitVersion
		}
	}
	cmd := exec.Command("git", "describe", "--always", "--dirty")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		m.Revision = strings.TrimSpace(string(out))
	}
	return m
}

// releaseRows writes the table's rows of issue 17, each against its floor.
func (r *results) releaseRows(p func(string, ...any)) {
	rl := r.release
	if len(rl.release) > 0 {
		rel, one := percentile(rl.release, 50), percentile(rl.single, 50)
		ratio := float64(rel) / float64(one)
		p("| time to first frame, release of %d Deployments × %d pods (`watch -l %s`, median of %d) | %s: ×%.2f the single-workload view | `kubectl mannequin watch deploy/%s`: %s; %s other pods in the namespace | ratio ≤ %.1f | %s |\n",
			rl.members, rl.pods, releaseSelector, len(rl.release), ms(rel), ratio, singleShop, ms(one), count(rl.others), releaseRatioMax, verdict(ratio <= releaseRatioMax))
	}
	if len(rl.farGet) > 0 {
		// Two rows, so that each target has its own verdict.
		get, one, rel := percentile(rl.farGet, 50), percentile(rl.farSingle, 50), percentile(rl.farRelease, 50)
		p("| time to first frame, cluster %s away, one Deployment (plugin binary, median of %d) | `watch deploy/%s` %s: get %s | `kubectl get deploy %s`: %s | ≤ get + %s | %s |\n",
			ms(rl.delay), len(rl.farGet), singleShop, ms(one), signedMs(one-get), singleShop, ms(get), ms(distantSingleOverGet), verdict(one <= get+distantSingleOverGet))
		p("| time to first frame, cluster %s away, release of %d (plugin binary, median of %d) | `watch -l …` %s: one Deployment %s | `watch deploy/%s`: %s | ≤ one Deployment + %s | %s |\n",
			ms(rl.delay), rl.members, len(rl.farRelease), ms(rel), signedMs(rel-one), singleShop, ms(one), ms(distantReleaseOver), verdict(rel <= one+distantReleaseOver))
	}
	if many, one := rl.idleMany, rl.idleOne; many.window > 0 {
		tm, to := tallyVerbs(many.idle), tallyVerbs(one.idle)
		p("| API requests while idle, release view, %s | release of %d: %d (%s); release of 1: %d (%s) | startup reads before the first frame, release of %d: %s; release of 1: %s | watches only, no more for %d than for 1 | %s |\n",
			many.window, rl.members, len(many.idle), tm, len(one.idle), to, rl.members, tallyVerbs(many.startup), tallyVerbs(one.startup), rl.members,
			verdict(onlyWatches(tm) && onlyWatches(to) && len(many.idle) <= len(one.idle)))
	}
	if len(rl.plugin) > 0 {
		pp95, fp95 := percentile(rl.plugin, 95), percentile(rl.floor, 95)
		p("| change → screen latency, release of %d (`--plain`), %d pods becoming ready | p50 %s, p95 %s | `kubectl get pods -w -l %s`: p50 %s, p95 %s | p95 ≤ floor p95 + 50 ms | %s |\n",
			rl.members, len(rl.plugin), ms(percentile(rl.plugin, 50)), ms(pp95), releaseSelector, ms(percentile(rl.floor, 50)), ms(fp95),
			verdict(pp95 <= fp95+latencyOverFloor))
	}
	if m := rl.roll; m.peak > 0 {
		p("| resident memory, peak (VmHWM), release of %d rolling at once | %.1f MB | %s pods among %s other pods, every member rolled (%s, plugin CPU %s, %d frames) | ≤ 80 MB | %s |\n",
			rl.members, float64(m.peak)/1e6, count(m.pods), count(m.others), m.rollout.Round(time.Second), m.cpu.Round(10*time.Millisecond), m.frames,
			verdict(m.peak <= releasePeakRSSMax))
	}
}

// releaseHow says how the figures of issue 17 were taken.
func (r *results) releaseHow(p func(string, ...any)) {
	rl := r.release
	if rl.members == 0 {
		return
	}
	p("**Release.** %d Deployments, `%s` to `%s`, of %d pods each, labelled `%s` (the Deployments and their pods; each selects its own pods by its `app` label), in the crowded namespace `%s`, which then held %s other pods. kwok readies their pods.",
		rl.members, shop(0), shop(rl.members-1), rl.pods, releaseSelector, crowdNS, count(rl.others))
	if len(rl.release) > 0 {
		p(" *First frame*: `kubectl mannequin -n %s watch -l %s` against `kubectl mannequin -n %s watch deploy/%s`, each in a 120×40 pseudo-terminal from fork/exec to the first complete frame (the first `ESC[J`), %d interleaved rounds (at most %d, none begun after %s) after a `kubectl get` of the release filled the discovery cache (release: %s; single: %s).",
			crowdNS, releaseSelector, crowdNS, singleShop, len(rl.release), r.cfg.ReleaseReps, r.cfg.ReleaseBudget, list(rl.release), list(rl.single))
	}
	if len(rl.farGet) > 0 {
		p(" *%s away*: the same views, but the plugin binary run directly (so that kubectl's hand-over, `kubectl version --client` above, is not counted twice against `kubectl get`), through a loopback proxy that holds every request %s before passing it on, as a distant apiserver would (events on a watch already open are not held); against `kubectl get deploy %s` through the same proxy; %d interleaved rounds after a `kubectl get` through the proxy (kubectl keys its discovery cache by the apiserver's address) (get: %s; single: %s; release: %s).",
			ms(rl.delay), ms(rl.delay), singleShop, len(rl.farGet), list(rl.farGet), list(rl.farSingle), list(rl.farRelease))
	}
	if many, one := rl.idleMany, rl.idleOne; many.window > 0 {
		p(" *Idle*: the release view and a release of one (`-l %s,app=%s`), at the same time, each in a pseudo-terminal and through a counting proxy of its own; counted are the requests other than the reads before the first frame, from start to %s after the first frame (first frames %s and %s). While idle, release of %d: %s; release of 1: %s.",
			releaseSelector, singleShop, many.window, ms(many.toFirst), ms(one.toFirst), rl.members, tallyResources(many.idle), tallyResources(one.idle))
	}
	if len(rl.plugin) > 0 {
		var flipped []string
		for _, i := range latencyMembers {
			flipped = append(flipped, shop(i))
		}
		p(" *Latency*: one pod each of %s, annotated so that kwok leaves its readiness to the harness; %d times, one of them is made unready (not timed), then ready again (pod status writes, as a kubelet does, 150 ms apart), timed from the ready write to the line on the plugin's `--plain` pipe that says its Deployment's %d/%d ready, and to `kubectl get pods -w -l %s`'s line for the pod (READY 1/1), both running at once.",
			strings.Join(flipped, ", "), rl.changes, rl.pods, rl.pods, releaseSelector)
	}
	if m := rl.roll; m.peak > 0 {
		p(" *Rolling update*: the release view in a 200×60 pseudo-terminal; after its first frame every member's image is set at once; the cluster reported every member rolled out after %s, and two seconds later `VmHWM` was read from `/proc/PID/status` of the `kubectl mannequin` process (RssAnon %.1f MB, RssFile %.1f MB at that moment).",
			m.rollout.Round(100*time.Millisecond), float64(m.anon)/1e6, float64(m.file)/1e6)
	}
	p("\n\n")
	if len(rl.plugin) > 0 {
		p("| release latency | min | p50 | p95 | max |\n|---|---|---|---|---|\n")
		for _, row := range []struct {
			name string
			d    []time.Duration
		}{{"plugin `--plain`, release of " + strconv.Itoa(rl.members), rl.plugin}, {"`kubectl get pods -w`", rl.floor}} {
			p("| %s | %s | %s | %s | %s |\n", row.name, ms(percentile(row.d, 0)), ms(percentile(row.d, 50)), ms(percentile(row.d, 95)), ms(percentile(row.d, 100)))
		}
		p("\n")
	}
}

// signedMs writes a difference with its sign: "+12 ms", "-3.40 ms".
func signedMs(d time.Duration) string {
	if d < 0 {
		return ms(d)
	}
	return "+" + ms(d)
}

// tallyResources summarises requests by verb and resource, as
// "watch pods ×50, watch replicasets ×50".
func tallyResources(reqs []apiRequest) string {
	return tally(reqs, func(r apiRequest) string { return r.verb + " " + resourceOf(r.path) })
}

// resourceOf is the resource an API path is about: "pods" for
// /api/v1/namespaces/NS/pods[/NAME].
func resourceOf(path string) string {
	if parts, ok := resourcePath(path); ok {
		return parts[0]
	}
	return path
}
