package e2e

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

// completions returns the candidates of a __complete answer, without the
// final :directive line.
func completions(stdout string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if l != "" && !strings.HasPrefix(l, ":") {
			out = append(out, strings.SplitN(l, "\t", 2)[0])
		}
	}
	return out
}

func TestCompletionListsTheDeploymentsOfTheNamespace(t *testing.T) {
	ns, other := namespace(t), namespace(t)
	for _, name := range []string{"clerk-squad", "porter-squad"} {
		createDeployment(t, ns, deployment(name, deployOpts{replicas: 1, image: summer, maxSurge: 1}))
	}
	createDeployment(t, other, deployment("elsewhere", deployOpts{replicas: 1, image: summer, maxSurge: 1}))
	ctx := ctxFor(t, time.Minute)

	r := env.Mannequin(ctx, "__complete", "watch", "-n", ns, "deploy/")
	if got, want := completions(r.Stdout), []string{"deploy/clerk-squad", "deploy/porter-squad"}; r.Code != 0 || !slices.Equal(got, want) {
		t.Errorf("watch deploy/<TAB>: got %q (exit %d), want %q\n%s", got, r.Code, want, r.Stderr)
	}
	for _, sub := range []string{"history", "undo"} {
		r := env.Mannequin(ctx, "__complete", sub, "-n", ns, "deploy/c")
		if got := completions(r.Stdout); !slices.Equal(got, []string{"deploy/clerk-squad"}) {
			t.Errorf("%s deploy/c<TAB>: got %q", sub, got)
		}
	}
	r = env.Mannequin(ctx, "__complete", "watch", "-n", ns, "deployment", "p")
	if got, want := completions(r.Stdout), []string{"porter-squad"}; !slices.Equal(got, want) {
		t.Errorf("watch deployment p<TAB>: got %q, want %q\n%s", got, want, r.Stderr)
	}
	r = env.Mannequin(ctx, "__complete", "watch", "--namespace", ns[:len(ns)-4]) // the prefix both namespaces share
	if got := completions(r.Stdout); !slices.Contains(got, ns) || !slices.Contains(got, other) {
		t.Errorf("--namespace <TAB>: got %q, want %s and %s", got, ns, other)
	}

	// kubectl (1.26+) completes `kubectl mannequin …` by running the
	// kubectl_complete-mannequin script found on PATH.
	root, err := framework.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	withScript := env
	withScript.Extra = append(slices.Clone(env.Extra),
		"PATH="+filepath.Join(root, "plugins", "completion")+string(os.PathListSeparator)+env.PluginDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	r = withScript.Kubectl(ctx, "__complete", "mannequin", "watch", "-n", ns, "deploy/c")
	if got, want := completions(r.Stdout), []string{"deploy/clerk-squad"}; !slices.Equal(got, want) {
		t.Errorf("kubectl mannequin watch deploy/c<TAB>: got %q, want %q\n%s", got, want, r.Stderr)
	}
}

var colourSGR = regexp.MustCompile("\x1b\\[[0-9;]*m")

// watchInPty runs `kubectl mannequin watch --until-done` on a finished
// rollout in a pseudo-terminal with the given environment, and returns every
// byte it wrote.
func watchInPty(t *testing.T, ns, name string, environ ...string) string {
	t.Helper()
	cmd := env.Command(ctxFor(t, time.Minute), "kubectl", "mannequin", "watch", "deploy/"+name, "-n", ns, "--until-done")
	cmd.Env = append(cmd.Env, environ...)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	out, _ := io.ReadAll(ptmx) // ends with EIO once the program has exited
	if err := cmd.Wait(); err != nil {
		t.Fatalf("watch with %v: %v\n%q", environ, err, out)
	}
	return string(out)
}

func TestColourFollowsTermAndNoColor(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("squad", deployOpts{replicas: 2, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "squad", 60*time.Second)

	out := watchInPty(t, ns, "squad", "TERM=xterm-256color", "NO_COLOR=")
	if !strings.Contains(out, "\x1b[?1049h") || !colourSGR.MatchString(out) {
		t.Errorf("a colour terminal should get the drawing in colour:\n%q", out)
	}
	out = watchInPty(t, ns, "squad", "TERM=xterm-256color", "NO_COLOR=1")
	if !strings.Contains(out, "\x1b[?1049h") || colourSGR.MatchString(out) {
		t.Errorf("NO_COLOR should keep the drawing and drop its colours:\n%q", out)
	}
	out = watchInPty(t, ns, "squad", "TERM=dumb", "NO_COLOR=")
	if strings.Contains(out, "\x1b") || strings.TrimSpace(out) == "" {
		t.Errorf("TERM=dumb should get plain lines, with no colour and no cursor movement:\n%q", out)
	}
}

func TestHelpReadsLikeKubectl(t *testing.T) {
	ctx := context.Background()
	for _, sub := range []string{"", "watch", "history", "undo", "version", "completion"} {
		r := env.Mannequin(ctx, strings.Fields(sub+" --help")...)
		usage := strings.TrimSpace("kubectl mannequin " + sub)
		if r.Code != 0 || !strings.Contains(r.Stdout, "Usage:\n  "+usage) || !strings.Contains(r.Stdout, "Examples:\n  # ") {
			t.Errorf("%s --help: want usage %q and examples:\n%s%s", usage, usage, r.Stdout, r.Stderr)
		}
		// The global flags are listed once, by `options`, as kubectl does.
		if strings.Contains(r.Stdout, "--kubeconfig") || !strings.Contains(r.Stdout, `Use "kubectl mannequin options" for a list of global command-line options`) {
			t.Errorf("%s --help lists the global flags, or does not point to options:\n%s", usage, r.Stdout)
		}
		if sub == "watch" || sub == "history" || sub == "undo" {
			if !strings.Contains(r.Stdout, "Exit codes:\n  0 ") || !strings.Contains(r.Stdout, "3    timed out") {
				t.Errorf("%s --help does not document the exit codes:\n%s", usage, r.Stdout)
			}
		}
	}
	if o := env.Mannequin(ctx, "options"); o.Code != 0 || !strings.Contains(o.Stdout, "--kubeconfig=''") || !strings.Contains(o.Stdout, "--context=''") {
		t.Errorf("options: exit %d\n%s%s", o.Code, o.Stdout, o.Stderr)
	}
	r := env.Mannequin(ctx, "wtach", "deploy/x")
	want := `error: unknown command "wtach" for "kubectl mannequin" (did you mean "watch"?); see 'kubectl mannequin --help'` + "\n"
	if r.Code != 2 || r.Stderr != want {
		t.Errorf("a mistyped command: exit %d, stderr %q, want %q", r.Code, r.Stderr, want)
	}
}
