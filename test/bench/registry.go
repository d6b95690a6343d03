package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	// bad holds the first frames with a registry that misbehaves, against
	// --registry=off in the same rounds.
	bad []badRegistry
}

// pullSize is the shelf's pull size, with the platform it is for since the
// facts became the pods' platform's: "pull 432 kB new (linux/amd64), 2
// layers shared".
var pullSize = regexp.MustCompile(`pull \S+ \S+ new( \([^)]*\))?, \d+ layers? shared`)

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
	if _, err := view.waitScreen(ctx, 30*time.Second, "the shelf's pull size", func(s string) bool { return pullSize.MatchString(s) }); err != nil {
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
	return measureBadRegistries(ctx, b, cfg, r)
}

// badRegistry is the first frame of a workload whose images live in a
// registry that misbehaves.
type badRegistry struct {
	name    string
	on, off []time.Duration
}

// slowRegistryDelay is what the slow registry adds before each answer:
// far more than a first frame takes, so that a lookup on its path shows.
const slowRegistryDelay = 2 * time.Second

// measureBadRegistries times the first frame of a workload whose images
// live in a registry that hangs, or that answers every request 2 s late
// (a proxy in front of the warehouse), with lookups on and off: lookups
// must never hold the view back.
func measureBadRegistries(ctx context.Context, b *bench, cfg config, r *registryResult) error {
	target, err := url.Parse("http://" + b.cluster.Registry)
	if err != nil {
		return err
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"hangs", func(w http.ResponseWriter, req *http.Request) { <-req.Context().Done() }},
		{fmt.Sprintf("answers %s late", slowRegistryDelay), func(w http.ResponseWriter, req *http.Request) {
			select {
			case <-req.Context().Done():
				return
			case <-time.After(slowRegistryDelay):
			}
			forward.ServeHTTP(w, req)
		}},
	} {
		bad, err := firstFramesBehind(ctx, b, cfg, c.name, fmt.Sprintf("stalled-%d", len(r.bad)), c.handler)
		if err != nil {
			return err
		}
		r.bad = append(r.bad, bad)
	}
	return nil
}

// firstFramesBehind times the first frames of Deployment name, whose images
// live in the registry handler serves; the Deployment goes with the
// registry, so that later figures do not count its pods.
func firstFramesBehind(ctx context.Context, b *bench, cfg config, what, name string, handler http.HandlerFunc) (badRegistry, error) {
	srv := httptest.NewServer(handler)
	defer func() {
		// A hanging registry's connections end with the server.
		srv.CloseClientConnections()
		srv.Close()
	}()
	defer func() {
		policy := metav1.DeletePropagationBackground
		_ = b.client.AppsV1().Deployments(emptyNS).Delete(context.WithoutCancel(ctx), name, metav1.DeleteOptions{PropagationPolicy: &policy})
	}()
	host := strings.TrimPrefix(srv.URL, "http://")
	// Two revisions, not waited for: the view asks the registry about
	// both at once, whatever the pods make of them.
	if err := b.createDeployment(ctx, emptyNS, deployment(name, 4, host+"/uniform:summer-2023", "")); err != nil {
		return badRegistry{}, err
	}
	if err := b.setImage(ctx, emptyNS, name, host+"/uniform:winter-2024"); err != nil {
		return badRegistry{}, err
	}
	bad := badRegistry{name: what}
	for round := range cfg.StartupReps + 1 {
		on, err := b.firstFrame(ctx, b.plugin, "-n", emptyNS, "watch", "deploy/"+name)
		if err != nil {
			return bad, err
		}
		off, err := b.firstFrame(ctx, b.plugin, "-n", emptyNS, "watch", "deploy/"+name, "--registry=off")
		if err != nil {
			return bad, err
		}
		if round > 0 {
			bad.on, bad.off = append(bad.on, on), append(bad.off, off)
		}
	}
	return bad, nil
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
