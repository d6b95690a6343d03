package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// crashLogs makes kwok serve, for every pod of ns, a log for the uniform
// container (the current one, and the one before its restart), as a
// ClusterLogs object names them: files in the CRI log format.
func crashLogs(t *testing.T, ns string, previous, current []string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, lines []string) string {
		var b strings.Builder
		for i, l := range lines {
			fmt.Fprintf(&b, "%s stdout F %s\n", time.Date(2026, 12, 8, 9, 0, i, 0, time.UTC).Format(time.RFC3339Nano), l)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	manifest := fmt.Sprintf(`apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: %[1]s
spec:
  selector:
    matchNamespaces: [%[1]s]
  logs:
  - containers: [uniform]
    logsFile: %[2]s
    previousLogsFile: %[3]s
`, ns, write("current.log", current), write("previous.log", previous))
	if r := env.Run(ctxFor(t, 30*time.Second), manifest, "kubectl", "apply", "-f", "-"); r.Code != 0 {
		t.Fatalf("kubectl apply ClusterLogs: %s", r.Stderr)
	}
	t.Cleanup(func() {
		env.Run(ctxFor(t, 30*time.Second), "", "kubectl", "delete", "clusterlogs", ns, "--ignore-not-found")
	})
}

// A crash-looping new revision is explained by its own words: what its
// previous container said, read through the API server from the node as
// kubectl logs --previous reads it, in the plain log and the summary.
func TestCrashLoopQuotesItsLastWords(t *testing.T) {
	ns := namespace(t)
	crashLogs(t, ns, []string{"loading the pockets", "panic: scanner has no pocket"}, []string{"starting again"})
	createDeployment(t, ns, deployment("pocketless", deployOpts{replicas: 1, image: "registry.example/crash:v1", maxSurge: 1}))
	r := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "deploy/pocketless", "-n", ns, "--until-done", "--fail-after", "5s", "--timeout", "40s")
	if r.Code != 1 {
		t.Fatalf("a hopeless crash loop with --fail-after: exit %d, want 1\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	requireAll(t, r.Stdout,
		"why: rev 1: CrashLoopBackOff",
		"  uniform's log before its restart:",
		"  | panic: scanner has no pocket",
		"ERROR: deployment/pocketless failed after",
	)
	// The summary ends with the words too: the last lines of the output.
	if tail := r.Stdout[max(0, len(r.Stdout)-200):]; !strings.Contains(tail, "| panic: scanner has no pocket") {
		t.Errorf("the summary does not end with the last words:\n%s", r.Stdout)
	}
	if strings.Contains(r.Stdout, "starting again") {
		t.Errorf("the current container's log was quoted for a crash loop:\n%s", r.Stdout)
	}
}

// --logs=off reads no log: the same crash loop is explained without.
func TestLogsOffReadsNone(t *testing.T) {
	ns := namespace(t)
	crashLogs(t, ns, []string{"panic: scanner has no pocket"}, nil)
	createDeployment(t, ns, deployment("pocketless", deployOpts{replicas: 1, image: "registry.example/crash:v1", maxSurge: 1}))
	r := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "deploy/pocketless", "-n", ns, "--until-done", "--fail-after", "5s", "--timeout", "40s", "--logs=off", "-v=6")
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	requireAll(t, r.Stdout, "why: rev 1: CrashLoopBackOff")
	if strings.Contains(r.Stdout, "scanner") || strings.Contains(r.Stderr, "/log?") {
		t.Errorf("--logs=off read a log:\n%s\n%s", r.Stdout, r.Stderr)
	}
}

// The backroom is empty: a Deployment whose first revision crashes has no
// revision before it, and the view says there is nothing to roll back to,
// before anyone reaches for u; undo refuses, changing nothing. (The
// controller keeps the old ReplicaSet until a rollout completes, even with
// revisionHistoryLimit 0: a pruned backroom shows only after a completed
// rollout, and pkg/diagnose's test covers it.)
func TestNothingToRollBackToIsSaid(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("bare", deployOpts{replicas: 1, image: "registry.example/crash:v1", maxSurge: 1}))
	r := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "deploy/bare", "-n", ns, "--until-done", "--fail-after", "5s", "--timeout", "40s")
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	requireAll(t, r.Stdout, "why: rev 1: NoEarlierRevision", "rev 1 is the first revision: there is none before it to roll back to")
	before, err := cluster.Client.AppsV1().Deployments(ns).Get(ctxFor(t, 10*time.Second), "bare", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	u := env.Mannequin(ctxFor(t, 30*time.Second), "undo", "deploy/bare", "-n", ns, "--yes")
	after, err := cluster.Client.AppsV1().Deployments(ns).Get(ctxFor(t, 10*time.Second), "bare", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if u.Code == 0 || after.Generation != before.Generation {
		t.Errorf("undo with nothing to go back to: exit %d, generation %d → %d\n%s%s", u.Code, before.Generation, after.Generation, u.Stdout, u.Stderr)
	}
}
