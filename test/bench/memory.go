package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

const horde = "horde"

// measureMemory watches a large Deployment in the crowded namespace through
// one full rolling update and reads the plugin's peak resident memory. With
// -profile, a second rolling update is watched by the profiled build.
func measureMemory(ctx context.Context, b *bench, cfg config, res *results) error {
	n := int(cfg.BigReplicas)
	start := time.Now()
	if err := b.createDeployment(ctx, crowdNS, deployment(horde, cfg.BigReplicas, "uniform:summer-2023", "")); err != nil {
		return err
	}
	if err := b.waitRolledOut(ctx, crowdNS, horde, cfg.RolloutTimeout); err != nil {
		return err
	}
	logf("%d pods of %s ready after %s", n, horde, time.Since(start).Round(100*time.Millisecond))

	m, err := b.watchRollout(ctx, cfg, b.env, "uniform:winter-2024", 2)
	if err != nil {
		return err
	}
	m.others = cfg.Fillers
	res.memory = m
	if b.profileDir == "" {
		return nil
	}

	logf("profiling a second rolling update into %s", b.profileDir)
	env := b.env
	env.PluginDir = filepath.Dir(b.profiled)
	env.Extra = append(append([]string(nil), env.Extra...), "MANNEQUIN_PROFILE_DIR="+b.profileDir)
	pm, err := b.watchRollout(ctx, cfg, env, "uniform:autumn-2025", 3)
	if err != nil {
		return fmt.Errorf("profiled run: %w", err)
	}
	res.profile = b.summarizeProfiles(ctx, pm)
	return nil
}

// watchRollout starts the live view of the horde in a 200×60 terminal,
// rolls it to image, and returns once the view shows revision rev complete.
func (b *bench) watchRollout(ctx context.Context, cfg config, env framework.Env, image string, rev int) (memoryResult, error) {
	n := int(cfg.BigReplicas)
	view, _, err := startScreen(env.Command(ctx, "kubectl", "mannequin", "-n", crowdNS, "watch", "deploy/"+horde), 200, 60)
	if err != nil {
		return memoryResult{}, err
	}
	defer view.stop()
	if _, err := view.waitScreen(ctx, time.Minute, "every pod ready", tallyOnScreen(n, n)); err != nil {
		return memoryResult{}, err
	}
	pid := view.pid()
	cpuBefore, err := cpuTime(pid)
	if err != nil {
		return memoryResult{}, err
	}

	rollStart := time.Now()
	if err := b.setImage(ctx, crowdNS, horde, image); err != nil {
		return memoryResult{}, fmt.Errorf("start the rolling update: %w", err)
	}
	if err := b.waitRolledOut(ctx, crowdNS, horde, cfg.RolloutTimeout); err != nil {
		return memoryResult{}, err
	}
	rolled := time.Since(rollStart)
	// The view must have followed to the end: only the new revision, all
	// ready, and the rollout reported complete.
	newRev, oldRev := fmt.Sprintf("rev %d", rev), fmt.Sprintf("rev %d", rev-1)
	done := func(s string) bool {
		return tallyOnScreen(n, n)(s) && strings.Contains(s, "rolled out") && strings.Contains(s, newRev) && !strings.Contains(s, oldRev)
	}
	shown, err := view.waitScreen(ctx, 30*time.Second, "the completed rollout", done)
	if err != nil {
		return memoryResult{}, err
	}
	m := memoryResult{pods: n, rollout: rolled, frames: len(view.framesBetween(rollStart, shown))}
	if m.peak, err = peakRSS(pid); err != nil {
		return m, err
	}
	if m.anon, m.file, err = rssSplit(pid); err != nil {
		return m, err
	}
	cpuAfter, err := cpuTime(pid)
	if err != nil {
		return m, err
	}
	m.cpu = cpuAfter - cpuBefore
	if env.PluginDir == filepath.Dir(b.profiled) {
		// The profiled build writes what is live now, caches included.
		heap := filepath.Join(b.profileDir, "heap.pprof")
		_ = os.Remove(heap)
		if err := syscall.Kill(pid, syscall.SIGUSR1); err != nil {
			return m, fmt.Errorf("ask for a heap profile: %w", err)
		}
		if err := poll(ctx, 10*time.Second, "the heap profile", func() (bool, error) { return fileExists(heap), nil }); err != nil {
			return m, err
		}
	}
	return m, view.stop()
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// summarizeProfiles keeps the top of each profile for the report.
func (b *bench) summarizeProfiles(ctx context.Context, m memoryResult) string {
	var s strings.Builder
	fmt.Fprintf(&s, "profiled rollout: peak RSS %.1f MB; at the end RssAnon %.1f MB, RssFile %.1f MB; plugin CPU %s\n",
		float64(m.peak)/1e6, float64(m.anon)/1e6, float64(m.file)/1e6, m.cpu.Round(10*time.Millisecond))
	if data, err := os.ReadFile(filepath.Join(b.profileDir, "memstats.json")); err == nil {
		fmt.Fprintf(&s, "Go runtime peaks (bytes): %s\n", strings.Join(strings.Fields(string(data)), " "))
	}
	for _, p := range []struct{ file, flag string }{
		{"cpu.pprof", ""}, {"heap.pprof", "-sample_index=inuse_space"}, {"allocs.pprof", "-sample_index=alloc_space"},
	} {
		args := []string{"tool", "pprof", "-top", "-nodecount=15"}
		if p.flag != "" {
			args = append(args, p.flag)
		}
		args = append(args, b.profiled, filepath.Join(b.profileDir, p.file))
		out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput()
		if err != nil {
			fmt.Fprintf(&s, "\n%s: %v\n", p.file, err)
			continue
		}
		fmt.Fprintf(&s, "\n$ go tool pprof -top %s %s\n%s", p.flag, p.file, out)
	}
	summary := s.String()
	_ = os.WriteFile(filepath.Join(b.profileDir, "summary.txt"), []byte(summary), 0o644)
	return summary
}
