// Command bench measures kubectl-mannequin against the performance targets
// of issue 8 (one workload), 15 (registry) and 17 (a whole release) on a
// fresh local control plane, each figure side by side with its floor
// (kubectl, or the plugin on one workload) measured in the same run, and
// writes the table to bench/RESULTS.md.
//
//	go run ./test/bench            # full: 10,000 other pods, 1,000-pod rollout
//	BENCH_QUICK=1 go run ./test/bench   # smoke test, a few minutes
//	go run ./test/bench -quick -only release -out /tmp/r.md   # some figures only
//
// A missed target is reported, never an error: machines are noisy. The exit
// status is non-zero only when the harness itself could not measure.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

// config is how much work one run does; quick trades precision for time.
type config struct {
	Quick          bool
	Changes        int           // readiness flips timed for latency
	StartupReps    int           // runs per command for time to first frame
	ReleaseReps    int           // runs per command for the release's first frames
	ReleaseBudget  time.Duration // no new round of those once this is spent: a slow release view must not stretch the run
	Fillers        int           // unrelated pods in the crowded namespace
	BigReplicas    int32         // pods of the Deployment rolled under watch for memory
	BurstPods      int           // pods changing state within one second
	Idle           time.Duration // watching an idle Deployment, counting requests
	RenderTime     string        // go test -benchtime
	RenderCount    int           // go test -count
	FillerSettle   time.Duration // how long the crowd may take to become ready
	RolloutTimeout time.Duration
}

func configFor(quick bool) config {
	if quick {
		return config{Quick: true, Changes: 20, StartupReps: 3, ReleaseReps: 3, ReleaseBudget: 20 * time.Second, Fillers: 1000, BigReplicas: 100,
			BurstPods: 100, Idle: 10 * time.Second, RenderTime: "20x", RenderCount: 1,
			FillerSettle: 2 * time.Minute, RolloutTimeout: 2 * time.Minute}
	}
	return config{Changes: 50, StartupReps: 10, ReleaseReps: 10, ReleaseBudget: 10 * time.Minute, Fillers: 10000, BigReplicas: 1000,
		BurstPods: 100, Idle: 60 * time.Second, RenderTime: "1s", RenderCount: 5,
		FillerSettle: 15 * time.Minute, RolloutTimeout: 15 * time.Minute}
}

func main() {
	quick := flag.Bool("quick", os.Getenv("BENCH_QUICK") != "", "reduced run (also BENCH_QUICK=1)")
	out := flag.String("out", "", "where to write the results (default bench/RESULTS.md, or bench/RESULTS-quick.md with -quick)")
	keep := flag.Bool("keep", false, "keep the temporary directory (plugin, cluster state and logs)")
	profile := flag.String("profile", "", "also watch a second rolling update with a profiling build, writing CPU and heap profiles to this directory")
	only := flag.String("only", "", "take only these figures, comma-separated ("+strings.Join(stepKeys(), ", ")+"); the crowded namespace is filled for those that need it")
	flag.Parse()
	if err := run(*quick, *out, *keep, *profile, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// step is one group of figures; crowd marks those that need the namespaces
// fillCrowd prepares.
type step struct {
	key, name string
	crowd     bool
	do        func(context.Context, *bench, config, *results) error
}

// steps run in this order: the crowd is filled once the figures taken in
// quiet namespaces are done, and the release, whose rolling update loads
// the cluster most, comes last.
var steps = []step{
	{"latency", "latency", false, measureLatency},
	{"burst", "burst", false, measureBurst},
	{"idle", "idle requests", false, measureIdle},
	{"crowd", "crowd", false, fillCrowd},
	{"startup", "time to first frame", true, measureStartup},
	{"registry", "registry", true, measureRegistry},
	{"memory", "memory", true, measureMemory},
	{"release", "release", true, measureRelease},
}

// renderKey selects the renderer's benchmark, which is not a cluster step.
const renderKey = "render"

func stepKeys() []string {
	keys := []string{renderKey}
	for _, s := range steps {
		keys = append(keys, s.key)
	}
	return keys
}

// selectSteps reads -only: every step when empty, else the steps named and
// the crowd if one of them needs it. It also says whether to run the
// renderer's benchmark.
func selectSteps(only string) (chosen []step, render bool, err error) {
	if only == "" {
		return steps, true, nil
	}
	want := map[string]bool{}
	for k := range strings.SplitSeq(only, ",") {
		k = strings.TrimSpace(k)
		if !slices.Contains(stepKeys(), k) {
			return nil, false, fmt.Errorf("-only: no figure %q (have %s)", k, strings.Join(stepKeys(), ", "))
		}
		want[k] = true
	}
	for _, s := range steps {
		if want[s.key] && s.crowd {
			want["crowd"] = true
		}
	}
	for _, s := range steps {
		if want[s.key] {
			chosen = append(chosen, s)
		}
	}
	return chosen, want[renderKey], nil
}

func run(quick bool, out string, keep bool, profileDir, only string) (err error) {
	cfg := configFor(quick)
	chosen, withRender, err := selectSteps(only)
	if err != nil {
		return err
	}
	root, err := framework.RepoRoot()
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(root, "bench", "RESULTS.md")
		if quick {
			out = filepath.Join(root, "bench", "RESULTS-quick.md")
		}
	}
	tmp, err := os.MkdirTemp("", "mannequin-bench-")
	if err != nil {
		return err
	}
	if keep {
		logf("keeping %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	began := time.Now()
	res := &results{cfg: cfg, started: began}
	res.machine = describeMachine(root)

	// The renderer's benchmark is pure CPU: run it before the cluster competes.
	if withRender {
		logf("render benchmark (-benchtime %s -count %d)", cfg.RenderTime, cfg.RenderCount)
		if res.render, err = renderBench(ctx, root, cfg); err != nil {
			return fmt.Errorf("render benchmark: %w", err)
		}
	}

	if profileDir != "" {
		if profileDir, err = filepath.Abs(profileDir); err != nil {
			return err
		}
		if err := os.MkdirAll(profileDir, 0o755); err != nil {
			return err
		}
	}
	b, err := setUp(ctx, root, tmp, profileDir)
	if b != nil {
		// The components are detached processes: stop them on every way out.
		defer func() {
			if stopErr := b.cluster.Stop(); stopErr != nil {
				err = errors.Join(err, stopErr)
			}
			if alive := b.cluster.Alive(); len(alive) > 0 {
				err = errors.Join(err, fmt.Errorf("cluster processes still alive: %v", alive))
			}
		}()
	}
	if err != nil {
		return err
	}
	res.machine.Server = b.serverVersion(ctx)

	for _, s := range chosen {
		t := time.Now()
		logf("== %s", s.name)
		if err := s.do(ctx, b, cfg, res); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		logf("== %s done in %s", s.name, time.Since(t).Round(100*time.Millisecond))
	}
	res.took = time.Since(began)
	res.machine.LoadEnd = loadAverage()

	table := res.markdown()
	fmt.Println(table)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out, []byte(table), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	logf("wrote %s in %s", out, res.took.Round(time.Second))
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[bench] %s %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}
