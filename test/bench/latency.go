package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// measureLatency flips the readiness of the watched Deployment's pods, one
// write at a time, and times how long each takes to reach the plugin's
// plain output and, in the same run, `kubectl get pods -w` (the floor: a
// raw watch printed as it arrives).
func measureLatency(ctx context.Context, b *bench, cfg config, res *results) error {
	const ns, name, replicas = "bench-latency", "squad", 10
	if err := b.namespace(ctx, ns); err != nil {
		return err
	}
	pods, err := b.readyDeployment(ctx, ns, name, replicas)
	if err != nil {
		return err
	}

	plugin, err := startLines(b.env.Command(ctx, "kubectl", "mannequin", "-n", ns, "watch", "deploy/"+name, "--plain"))
	if err != nil {
		return err
	}
	defer plugin.stop()
	floor, err := startLines(b.env.Command(ctx, "kubectl", "-n", ns, "get", "pods", "-l", "app="+name, "-w"))
	if err != nil {
		return err
	}
	defer floor.stop()
	// Both are ready once they have shown the current state.
	all := fmt.Sprintf("%d/%d ready", replicas, replicas)
	if _, err := plugin.waitLine(ctx, 0, 30*time.Second, "the initial state", func(s string) bool { return strings.Contains(s, all) }); err != nil {
		return err
	}
	last := pods[len(pods)-1].Name
	if _, err := floor.waitLine(ctx, 0, 30*time.Second, "the pod list", func(s string) bool { return strings.HasPrefix(s, last+" ") }); err != nil {
		return err
	}
	time.Sleep(time.Second) // let the Deployment's own status updates pass

	ready := replicas
	for i := range cfg.Changes {
		// Odd changes make a pod unready, even ones make it ready again, so
		// each change has a distinct, checkable outcome.
		pod := pods[(i/2)%len(pods)]
		makeReady := i%2 == 1
		want := ready - 1
		if makeReady {
			want = ready + 1
		}
		fromPlugin, fromFloor := plugin.next(), floor.next()
		written, at, err := b.setReady(ctx, pod, makeReady)
		if err != nil {
			return err
		}
		pods[(i/2)%len(pods)] = written
		ready = want

		pl, err := plugin.waitLine(ctx, fromPlugin, 10*time.Second, fmt.Sprintf("%d/%d ready", want, replicas), readyTally(want))
		if err != nil {
			return fmt.Errorf("change %d: %w", i+1, err)
		}
		fl, err := floor.waitLine(ctx, fromFloor, 10*time.Second, pod.Name+" "+readyColumn(makeReady), podLine(pod, makeReady))
		if err != nil {
			return fmt.Errorf("change %d: %w", i+1, err)
		}
		res.latency.plugin = append(res.latency.plugin, pl.at.Sub(at))
		res.latency.floor = append(res.latency.floor, fl.at.Sub(at))
		// Changes are spaced so that each is timed alone, not as a queue.
		time.Sleep(150 * time.Millisecond)
	}
	res.latency.changes = cfg.Changes
	res.latency.pods = replicas
	return nil
}

var tallyRE = regexp.MustCompile(`(\d+)/\d+ ready`)

// readyTally matches the plugin's plain line for the new revision's tally,
// e.g. "rev 1: 9/10 ready (-1)".
func readyTally(want int) func(string) bool {
	return func(s string) bool {
		for _, m := range tallyRE.FindAllStringSubmatch(s, -1) {
			if n, _ := strconv.Atoi(m[1]); n == want {
				return true
			}
		}
		return false
	}
}

func readyColumn(ready bool) string {
	if ready {
		return "1/1"
	}
	return "0/1"
}

// podLine matches kubectl's watch line for the pod with the given READY column.
func podLine(p *corev1.Pod, ready bool) func(string) bool {
	col := readyColumn(ready)
	return func(s string) bool {
		f := strings.Fields(s)
		return len(f) > 1 && f[0] == p.Name && f[1] == col
	}
}
