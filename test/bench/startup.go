package main

import (
	"context"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

// measureStartup times, from process start, the plugin's first complete
// frame and `kubectl get deploy` printing the same Deployment, in the empty
// and the crowded namespace. The plugin also runs without kubectl in front,
// `kubectl get pods -l` shows what reading the pods costs any client in each
// namespace, and `kubectl version --client` shows kubectl's own start-up, so
// that the figure can be taken apart. All are interleaved in each round so that they
// share the machine's mood; a first round warms the discovery cache and is
// not counted.
func measureStartup(ctx context.Context, b *bench, cfg config, res *results) error {
	for round := range cfg.StartupReps + 1 {
		for _, ns := range []string{emptyNS, crowdNS} {
			viaKubectl, err := b.firstFrame(ctx, "kubectl", "mannequin", "-n", ns, "watch", "deploy/"+squad)
			if err != nil {
				return err
			}
			direct, err := b.firstFrame(ctx, b.plugin, "-n", ns, "watch", "deploy/"+squad)
			if err != nil {
				return err
			}
			get, err := b.firstLine(ctx, squad+" ", "kubectl", "-n", ns, "get", "deploy", squad)
			if err != nil {
				return err
			}
			// The same pods read by label: what any client pays for a
			// crowded namespace, since the apiserver has no label index.
			pods, err := b.firstLine(ctx, squad+"-", "kubectl", "-n", ns, "get", "pods", "-l", "app="+squad)
			if err != nil {
				return err
			}
			if round == 0 {
				continue
			}
			s := res.startupFor(ns)
			s.plugin = append(s.plugin, viaKubectl)
			s.direct = append(s.direct, direct)
			s.get = append(s.get, get)
			s.pods = append(s.pods, pods)
		}
		version, err := b.firstLine(ctx, "", "kubectl", "version", "--client")
		if err != nil {
			return err
		}
		if round > 0 {
			res.kubectlVersion = append(res.kubectlVersion, version)
		}
	}
	return nil
}

// firstFrame runs a watch in a 120×40 pseudo-terminal until its first
// complete frame.
func (b *bench) firstFrame(ctx context.Context, name string, args ...string) (time.Duration, error) {
	return firstFrameIn(ctx, b.env, 30*time.Second, name, args...)
}

// firstFrameIn is firstFrame in env (another kubeconfig), waiting up to
// timeout: a slow first frame is a figure, not a failure.
func firstFrameIn(ctx context.Context, env framework.Env, timeout time.Duration, name string, args ...string) (time.Duration, error) {
	view, start, err := startScreen(env.Command(ctx, name, args...), 120, 40)
	if err != nil {
		return 0, err
	}
	defer view.stop()
	at, err := view.waitFirstFrame(ctx, timeout)
	if err != nil {
		return 0, err
	}
	return at.Sub(start), nil
}

// firstLine runs a command until it prints a line starting with prefix.
func (b *bench) firstLine(ctx context.Context, prefix, name string, args ...string) (time.Duration, error) {
	return firstLineIn(ctx, b.env, prefix, name, args...)
}

// firstLineIn is firstLine in env.
func firstLineIn(ctx context.Context, env framework.Env, prefix, name string, args ...string) (time.Duration, error) {
	start := time.Now()
	p, err := startLines(env.Command(ctx, name, args...))
	if err != nil {
		return 0, err
	}
	defer p.stop()
	l, err := p.waitLine(ctx, 0, 30*time.Second, "a line starting with "+prefix, func(s string) bool { return strings.HasPrefix(s, prefix) })
	if err != nil {
		return 0, err
	}
	return l.at.Sub(start), nil
}
