package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// clusterVersion is every Deployment's and ReplicaSet's generation in ns:
// bad input must change none. Generations, not resourceVersions, because the
// controllers still write status (terminatingReplicas, conditions) after a
// rollout is reported done, and a status write is not ours.
func clusterVersion(t *testing.T, ns string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	ds, err := cluster.Client.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds.Items {
		fmt.Fprintf(&b, "%s=%d ", d.Name, d.Generation)
	}
	rss, err := cluster.Client.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rs := range rss.Items {
		fmt.Fprintf(&b, "%s=%d ", rs.Name, rs.Generation)
	}
	return b.String()
}

func TestBadInput(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "clerks", summer, winter)
	createDeployment(t, ns, deployment("lonely", deployOpts{replicas: 1, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "lonely", time.Minute)

	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("this: is: not: a kubeconfig\x00\x01"), 0o600); err != nil {
		t.Fatal(err)
	}
	unreachable := filepath.Join(dir, "unreachable")
	if err := os.WriteFile(unreachable, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`), 0o600); err != nil {
		t.Fatal(err)
	}
	n := []string{"-n", ns}
	long := "deploy/" + strings.Repeat("a", 300)
	cases := []struct {
		name string
		args []string
		want string // in the one line on stderr
	}{
		{"no arguments", []string{"watch"}, "name the workload to watch"},
		{"a release of missing workloads", append([]string{"watch", "deploy/a", "deploy/b"}, n...), `deployments.apps "a" not found`},
		{"too many for history", append([]string{"history", "deploy/a", "deploy/b"}, n...), `history reads one workload at a time, and "deploy/b" is another: run it once for each workload`},
		{"a pod", append([]string{"watch", "pod/x"}, n...), "supported kinds: deployment"},
		{"no name", append([]string{"watch", "deploy/"}, n...), "is not a workload reference"},
		{"no type", append([]string{"watch", "/x"}, n...), "is not a workload reference"},
		{"unknown type", append([]string{"watch", "frob/x"}, n...), `unknown resource type "frob": use one of deployment (deploy), statefulset (sts), daemonset (ds)`},
		{"type without a name", append([]string{"watch", "deploy"}, n...), `name the deploy: write deploy/NAME or deploy NAME (here: clerks`},
		{"missing deployment", append([]string{"watch", "deploy/nope"}, n...), `deployment "nope" not found in namespace`},
		{"missing namespace", []string{"watch", "deploy/clerks", "-n", "no-such-namespace"}, `namespace "no-such-namespace" not found`},
		{"unknown context", []string{"watch", "deploy/clerks", "--context", "nope"}, `context was not found for specified context: nope`},
		{"bad timeout", append([]string{"watch", "deploy/clerks", "--timeout=abc"}, n...), `invalid argument "abc" for "--timeout"`},
		{"negative timeout", append([]string{"watch", "deploy/clerks", "--timeout=-5s"}, n...), "invalid --timeout -5s"},
		{"bad colour", append([]string{"watch", "deploy/clerks", "--color=purple"}, n...), `invalid --color "purple"`},
		{"revision 0", append([]string{"history", "deploy/clerks", "--revision", "0"}, n...), "revision must be a positive integer"},
		{"revision -1", append([]string{"history", "deploy/clerks", "--revision", "-1"}, n...), "revision must be a positive integer"},
		{"revision 999", append([]string{"history", "deploy/clerks", "--revision", "999"}, n...), "unable to find the specified revision"},
		{"undo to 999", append([]string{"undo", "deploy/clerks", "--to-revision", "999"}, n...), "unable to find specified revision 999 in history"},
		{"undo to -1", append([]string{"undo", "deploy/clerks", "--to-revision", "-1"}, n...), "unable to find specified revision -1 in history"},
		{"undo one revision", append([]string{"undo", "deploy/lonely"}, n...), `no rollout history found for deployment "lonely"`},
		{"dry-run maybe", append([]string{"undo", "deploy/clerks", "--dry-run=maybe"}, n...), `Invalid dry-run value (maybe). Must be "none", "server", or "client".`},
		{"unknown flag", append([]string{"watch", "deploy/clerks", "--frobnicate"}, n...), "unknown flag: --frobnicate"},
		{"unknown subcommand", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"300-character name", append([]string{"watch", long}, n...), "invalid name"},
		{"upper case name", append([]string{"watch", "deploy/Clerks"}, n...), `invalid name "Clerks"`},
		{"unicode name", append([]string{"watch", "deploy/clérks"}, n...), `invalid name "clérks"`},
		{"history output xml", append([]string{"history", "deploy/clerks", "-o", "xml"}, n...), `unknown output format "xml"`},
		{"negative limit", append([]string{"history", "deploy/clerks", "--limit", "-1"}, n...), "invalid --limit -1"},
		{"diff needs numbers", append([]string{"history", "deploy/clerks", "--diff", "one"}, n...), `invalid revision "one" for --diff`},
		{"unreachable server", []string{"watch", "deploy/clerks", "--kubeconfig", unreachable, "--request-timeout", "5s"}, "cannot reach the Kubernetes API server"},
		{"garbage kubeconfig", []string{"watch", "deploy/clerks", "--kubeconfig", garbage}, "kubeconfig"},
		{"missing kubeconfig", []string{"watch", "deploy/clerks", "--kubeconfig", filepath.Join(dir, "missing")}, "missing"},
	}
	before := clusterVersion(t, ns)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r := env.Mannequin(ctxFor(t, 30*time.Second), tc.args...)
			msg := strings.TrimRight(r.Stderr, "\n")
			switch {
			case r.Code == 0:
				t.Errorf("exit 0; stdout %q", r.Stdout)
			case strings.Contains(msg, "\n"):
				t.Errorf("more than one line on stderr:\n%s", msg)
			case !strings.HasPrefix(msg, "error: ") || !strings.Contains(msg, tc.want):
				t.Errorf("stderr %q, want one line containing %q", msg, tc.want)
			case strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine "):
				t.Errorf("a panic: %s", msg)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %s to fail", d)
			}

			// The same in a terminal: the terminal is left as it was.
			term, err := env.StartTerminal(ctxFor(t, 30*time.Second), 80, 24, append([]string{"mannequin"}, tc.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer term.Close()
			if code, err := term.Wait(20 * time.Second); err != nil || code == 0 {
				t.Errorf("in a terminal: exit %d, %v", code, err)
			}
			if ok, err := term.ModeRestored(); !ok || err != nil {
				t.Errorf("terminal mode changed: %v", err)
			}
			if term.AltScreen() || !term.CursorVisible() {
				t.Errorf("alternate screen or hidden cursor left behind")
			}
		})
	}
	if after := clusterVersion(t, ns); after != before {
		t.Errorf("bad input changed the cluster:\nbefore %s\nafter  %s", before, after)
	}
}

// Hostile terminals and signals: the program copes and leaves the terminal
// as it found it.
func TestTerminalEdgeCases(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "clerks", summer, winter)
	ctx := ctxFor(t, 3*time.Minute)

	t.Run("10x5 terminal", func(t *testing.T) {
		term, err := env.StartTerminal(ctx, 10, 5, "mannequin", "watch", "deploy/clerks", "-n", ns)
		if err != nil {
			t.Fatal(err)
		}
		defer term.Close()
		if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return strings.TrimSpace(strings.Join(s, "")) != "" }); err != nil {
			t.Fatalf("nothing drawn: %v", err)
		}
		_ = term.Send("q")
		if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
			t.Fatalf("exit %d %v", code, err)
		}
		for _, f := range strings.Split(term.Raw(), "\x1b[H")[1:] {
			if n := len(strings.Split(strings.Split(f, "\x1b[?1049l")[0], "\r\n")); n > 5 {
				t.Errorf("a frame of %d lines in a 5-line terminal", n)
			}
		}
		if ok, _ := term.ModeRestored(); !ok {
			t.Errorf("terminal mode not restored")
		}
	})

	t.Run("TERM=dumb", func(t *testing.T) {
		e := env
		e.Extra = append(append([]string{}, env.Extra...), "TERM=dumb")
		term, err := e.StartTerminal(ctx, 80, 24, "mannequin", "watch", "deploy/clerks", "-n", ns, "--until-done")
		if err != nil {
			t.Fatal(err)
		}
		defer term.Close()
		if code, err := term.Wait(20 * time.Second); err != nil || code != 0 {
			t.Fatalf("exit %d %v", code, err)
		}
		if raw := term.Raw(); strings.Contains(raw, "\x1b") || !strings.Contains(raw, "rollout complete") && !strings.Contains(raw, "successfully rolled out") {
			t.Errorf("TERM=dumb should get plain lines without escapes:\n%q", raw)
		}
	})

	t.Run("terminal closed while the history view waits for a key", func(t *testing.T) {
		term, err := env.StartTerminal(ctx, 100, 20, "mannequin", "history", "deploy/clerks", "-n", ns)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "REVISION") }); err != nil {
			t.Fatalf("no history view: %v", err)
		}
		_ = term.Hangup()
		if code, err := term.Wait(10 * time.Second); err != nil || code == 0 {
			t.Fatalf("after its terminal closed the view should end with an error: exit %d %v", code, err)
		}
	})

	t.Run("stdin not a terminal", func(t *testing.T) {
		r := env.Run(ctx, "", "kubectl", "mannequin", "history", "deploy/clerks", "-n", ns)
		if r.Code != 0 || !strings.Contains(r.Stdout, "REVISION") || strings.Contains(r.Stdout, "\x1b") {
			t.Errorf("without a terminal the table is printed: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
		}
	})

	t.Run("SIGTERM in raw mode", func(t *testing.T) {
		term, err := env.StartTerminal(ctx, 100, 30, "mannequin", "watch", "deploy/clerks", "-n", ns)
		if err != nil {
			t.Fatal(err)
		}
		defer term.Close()
		if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return len(shelves(s)) > 0 }); err != nil {
			t.Fatalf("no view: %v", err)
		}
		_ = term.Signal(syscall.SIGTERM)
		code, err := term.Wait(10 * time.Second)
		if err != nil || code != 143 {
			t.Errorf("exit %d %v, want 143", code, err)
		}
		if ok, _ := term.ModeRestored(); !ok || term.AltScreen() || !term.CursorVisible() {
			t.Errorf("terminal not restored after SIGTERM")
		}
	})

	t.Run("SIGINT at the confirmation", func(t *testing.T) {
		before := getDeployment(t, ns, "clerks").Generation
		term, err := env.StartTerminal(ctx, 100, 30, "mannequin", "undo", "deploy/clerks", "-n", ns)
		if err != nil {
			t.Fatal(err)
		}
		defer term.Close()
		if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "[y/N]") }); err != nil {
			t.Fatalf("no confirmation: %v\n%s", err, shown(term.Screen()))
		}
		_ = term.Signal(syscall.SIGINT)
		code, err := term.Wait(10 * time.Second)
		if err != nil || code != 130 {
			t.Errorf("exit %d %v, want 130", code, err)
		}
		if ok, _ := term.ModeRestored(); !ok {
			t.Errorf("terminal mode not restored after SIGINT")
		}
		if after := getDeployment(t, ns, "clerks").Generation; after != before {
			t.Errorf("SIGINT at the confirmation changed the deployment")
		}
	})
}
