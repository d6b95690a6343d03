package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// pluginAgent is how client-go names the plugin to the apiserver: the
// binary's name, then its version.
const pluginAgent = "kubectl-mannequin/"

// measureIdle watches a Deployment that does not change, through a proxy
// that counts requests, for cfg.Idle after the first frame. The reads that
// draw the first frame are startup; everything else the plugin sends
// (the watches it holds open, any polling) is the idle cost.
func measureIdle(ctx context.Context, b *bench, cfg config, res *results) error {
	const ns, name = "bench-idle", "squad"
	if err := b.namespace(ctx, ns); err != nil {
		return err
	}
	if _, err := b.readyDeployment(ctx, ns, name, 10); err != nil {
		return err
	}
	proxy, err := startProxy(b.restCfg)
	if err != nil {
		return err
	}
	defer proxy.close()
	kubeconfig, err := proxy.kubeconfig(b.tmp)
	if err != nil {
		return err
	}
	env := b.env
	env.Kubeconfig = kubeconfig
	view, _, err := startScreen(env.Command(ctx, "kubectl", "mannequin", "-n", ns, "watch", "deploy/"+name), 120, 40)
	if err != nil {
		return err
	}
	defer view.stop()
	first, err := view.waitFirstFrame(ctx, 30*time.Second)
	if err != nil {
		return err
	}
	select {
	case <-time.After(time.Until(first.Add(cfg.Idle))):
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := view.stop(); err != nil {
		return err
	}
	var startup, idle []apiRequest
	for _, r := range proxy.requests(pluginAgent) {
		if r.at.Before(first) && r.verb != "watch" {
			startup = append(startup, r)
		} else {
			idle = append(idle, r)
		}
	}
	if len(startup) == 0 {
		return fmt.Errorf("no request from a %q user agent went through the proxy: %v", pluginAgent, agents(proxy.requests("")))
	}
	res.idle = idleResult{window: cfg.Idle, startup: tallyVerbs(startup), idle: tallyVerbs(idle), n: len(idle)}
	for _, r := range idle {
		res.idle.detail = append(res.idle.detail, fmt.Sprintf("+%s %s %s", r.at.Sub(first).Round(time.Millisecond), r.verb, r.path))
	}
	return nil
}

// tallyVerbs summarises requests as "watch ×3, list ×1".
func tallyVerbs(reqs []apiRequest) string {
	n := map[string]int{}
	for _, r := range reqs {
		n[r.verb]++
	}
	var parts []string
	for v, c := range n {
		parts = append(parts, fmt.Sprintf("%s ×%d", v, c))
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func agents(reqs []apiRequest) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range reqs {
		if !seen[r.agent] {
			seen[r.agent] = true
			out = append(out, r.agent)
		}
	}
	return out
}
