package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// shipped is the Deployment whose rollout between two of the warehouse's
// images the registry figures are taken on.
const shipped = "shipped"

type registryResult struct {
	on, off      []time.Duration // time to first frame, registry on and off
	firstLookups int             // registry requests until the shelf said what to pull
	idle         int             // registry requests during the idle window after that
	window       time.Duration
	offRequests  int // registry requests of the whole --registry=off runs
}

// measureRegistry times the first frame with registry lookups on and off
// (they must not be on its path), and counts the registry's requests while
// a watch idles after its first lookups (no polling).
func measureRegistry(ctx context.Context, b *bench, cfg config, res *results) error {
	reg := b.cluster.Registry
	d := deployment(shipped, 4, reg+"/uniform:summer-2023", "")
	if err := b.createDeployment(ctx, emptyNS, d); err != nil {
		return err
	}
	if err := b.waitRolledOut(ctx, emptyNS, shipped, cfg.RolloutTimeout); err != nil {
		return err
	}
	// A second revision, so that the shelf has something to compare.
	if err := b.setImage(ctx, emptyNS, shipped, reg+"/uniform:winter-2024"); err != nil {
		return err
	}
	if err := b.waitRolledOut(ctx, emptyNS, shipped, cfg.RolloutTimeout); err != nil {
		return err
	}
	r := &res.registry
	for round := range cfg.StartupReps + 1 {
		on, err := b.firstFrame(ctx, b.plugin, "-n", emptyNS, "watch", "deploy/"+shipped)
		if err != nil {
			return err
		}
		mid, err := registryRequests(reg)
		if err != nil {
			return err
		}
		off, err := b.firstFrame(ctx, b.plugin, "-n", emptyNS, "watch", "deploy/"+shipped, "--registry=off")
		if err != nil {
			return err
		}
		after, err := registryRequests(reg)
		if err != nil {
			return err
		}
		r.offRequests += after - mid
		if round == 0 {
			continue
		}
		r.on = append(r.on, on)
		r.off = append(r.off, off)
	}

	// Idle: a watch that has said what to pull asks the registry nothing more.
	view, _, err := startScreen(b.env.Command(ctx, b.plugin, "-n", emptyNS, "watch", "deploy/"+shipped), 160, 40)
	if err != nil {
		return err
	}
	defer view.stop()
	start, err := registryRequests(reg)
	if err != nil {
		return err
	}
	if _, err := view.waitScreen(ctx, 30*time.Second, "the shelf's pull size", func(s string) bool { return strings.Contains(s, " new, ") && strings.Contains(s, "shared") }); err != nil {
		return err
	}
	settled, err := registryRequests(reg)
	if err != nil {
		return err
	}
	r.firstLookups = settled - start
	r.window = cfg.Idle
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(cfg.Idle):
	}
	end, err := registryRequests(reg)
	if err != nil {
		return err
	}
	r.idle = end - settled
	return nil
}

// registryRequests reads the warehouse's count of requests served to the
// plugin (by User-Agent: the cluster's puller pulls from it too).
func registryRequests(addr string) (int, error) {
	resp, err := http.Get("http://" + addr + "/_warehouse/requests?agent=kubectl-mannequin")
	if err != nil {
		return 0, fmt.Errorf("ask the warehouse for its request count: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(body)))
}
