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
	c, err := b.countWhileIdle(ctx, cfg.Idle, 30*time.Second, "-n", ns, "watch", "deploy/"+name)
	if err != nil {
		return err
	}
	res.idle = idleResult{window: cfg.Idle, startup: tallyVerbs(c.startup), idle: tallyVerbs(c.idle), n: len(c.idle)}
	for _, r := range c.idle {
		res.idle.detail = append(res.idle.detail, fmt.Sprintf("+%s %s %s", r.at.Sub(c.first).Round(time.Millisecond), r.verb, r.path))
	}
	return nil
}

// idleCount is what one live view asked the apiserver: the reads before
// its first frame (startup), and every other request until window after it.
type idleCount struct {
	first           time.Time
	startup, idle   []apiRequest
	window, toFirst time.Duration
}

// countWhileIdle runs `kubectl mannequin args…` in a pseudo-terminal through
// a counting proxy of its own (so that several can run at once), waits up
// to firstWithin for its first frame, then window, and sorts its requests.
func (b *bench) countWhileIdle(ctx context.Context, window, firstWithin time.Duration, args ...string) (idleCount, error) {
	proxy, err := startProxy(b.restCfg)
	if err != nil {
		return idleCount{}, err
	}
	defer proxy.close()
	kubeconfig, err := proxy.kubeconfig(b.tmp)
	if err != nil {
		return idleCount{}, err
	}
	env := b.env
	env.Kubeconfig = kubeconfig
	view, start, err := startScreen(env.Command(ctx, "kubectl", append([]string{"mannequin"}, args...)...), 120, 40)
	if err != nil {
		return idleCount{}, err
	}
	defer view.stop()
	first, err := view.waitFirstFrame(ctx, firstWithin)
	if err != nil {
		return idleCount{}, err
	}
	select {
	case <-time.After(time.Until(first.Add(window))):
	case <-ctx.Done():
		return idleCount{}, ctx.Err()
	}
	if err := view.stop(); err != nil {
		return idleCount{}, err
	}
	c := idleCount{first: first, window: window, toFirst: first.Sub(start)}
	for _, r := range proxy.requests(pluginAgent) {
		if r.at.Before(first) && r.verb != "watch" {
			c.startup = append(c.startup, r)
		} else {
			c.idle = append(c.idle, r)
		}
	}
	if len(c.startup) == 0 {
		return c, fmt.Errorf("no request from a %q user agent went through the proxy: %v", pluginAgent, agents(proxy.requests("")))
	}
	return c, nil
}

// tallyVerbs summarises requests as "watch ×3, list ×1".
func tallyVerbs(reqs []apiRequest) string {
	return tally(reqs, func(r apiRequest) string { return r.verb })
}

// tally counts requests by key, as "k1 ×3, k2 ×1", sorted; "none" when
// there are none.
func tally(reqs []apiRequest, key func(apiRequest) string) string {
	n := map[string]int{}
	for _, r := range reqs {
		n[key(r)]++
	}
	var parts []string
	for k, c := range n {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, c))
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
