package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"time"
)

// renderBench runs the renderer's Go benchmark (pkg/render BenchmarkFrame)
// and keeps, per case, the median time per frame over -count runs.
func renderBench(ctx context.Context, root string, cfg config) ([]renderCase, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "./pkg/render", "-run", "^$", "-bench", "^BenchmarkFrame$",
		"-benchmem", "-benchtime", cfg.RenderTime, "-count", strconv.Itoa(cfg.RenderCount))
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%w\n%s", err, out.String())
	}
	cases, err := parseBench(out.String())
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, out.String())
	}
	return cases, nil
}

type renderCase struct {
	pods int
	// failures: every pod failed for its own reason, with a long message
	// (the case where formatting what does not fit used to cost 340 ms).
	failures      bool
	size          string // columns×rows
	perFrame      time.Duration
	bytes, allocs int64
}

// A line of `go test -bench` output, e.g.
// BenchmarkFrame/pods=5000/250x80-2   100   1234567 ns/op   123 B/op   4 allocs/op
var benchLine = regexp.MustCompile(`^BenchmarkFrame/(pods|failures)=(\d+)/(\d+x\d+)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+(\d+) B/op\s+(\d+) allocs/op)?`)

func parseBench(out string) ([]renderCase, error) {
	type key struct {
		pods     int
		failures bool
		size     string
	}
	var order []key
	runs := map[key][]renderCase{}
	for line := range bytes.SplitSeq([]byte(out), []byte("\n")) {
		m := benchLine.FindStringSubmatch(string(line))
		if m == nil {
			continue
		}
		pods, _ := strconv.Atoi(m[2])
		ns, _ := strconv.ParseFloat(m[4], 64)
		c := renderCase{pods: pods, failures: m[1] == "failures", size: m[3], perFrame: time.Duration(ns)}
		c.bytes, _ = strconv.ParseInt(m[5], 10, 64)
		c.allocs, _ = strconv.ParseInt(m[6], 10, 64)
		k := key{pods, c.failures, c.size}
		if _, ok := runs[k]; !ok {
			order = append(order, k)
		}
		runs[k] = append(runs[k], c)
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("no BenchmarkFrame results in the output")
	}
	out2 := make([]renderCase, 0, len(order))
	for _, k := range order {
		rs := runs[k]
		ds := make([]time.Duration, len(rs))
		for i, r := range rs {
			ds[i] = r.perFrame
		}
		c := rs[0]
		c.perFrame = percentile(ds, 50)
		out2 = append(out2, c)
	}
	return out2, nil
}
