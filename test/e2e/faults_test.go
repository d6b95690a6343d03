package e2e

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func TestWatchSurvivesAPIServerRestarts(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("sturdy", deployOpts{replicas: 6, image: summer, readyDelay: "2s", maxSurge: 1}))
	waitRolledOut(t, ns, "sturdy", 90*time.Second)
	// The update first: --until-done, like kubectl rollout status, ends at
	// once when there is nothing left to roll out.
	setImage(t, ns, "sturdy", winter)
	term, err := env.StartTerminal(ctxFor(t, 4*time.Minute), 120, 40, "mannequin", "watch", "deploy/sturdy", "-n", ns, "--until-done", "--timeout", "3m")
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return len(shelves(s)) == 2 }); err != nil {
		t.Fatalf("no view: %v\n%s", err, shown(term.Screen()))
	}

	for i := 0; i < 3; i++ {
		time.Sleep(2 * time.Second)
		if err := cluster.RestartAPIServer(context.Background(), 3*time.Second); err != nil {
			t.Fatalf("restart %d: %v", i+1, err)
		}
	}
	nudgeStuckDeletions(t, ns)
	code, err := term.Wait(3 * time.Minute)
	if err != nil || code != 0 {
		t.Fatalf("--until-done through three apiserver restarts: exit %d, %v\n%s", code, err, shown(term.Screen()))
	}
	// Every frame drawn is in the raw output.
	if !strings.Contains(term.Raw(), "reconnecting to the API server") {
		t.Errorf("the view never said it was reconnecting")
	}
	// The last frame, left on the normal screen, matches the final state.
	final := term.Screen()
	d := waitRolledOut(t, ns, "sturdy", 30*time.Second)
	// Old pods may still be on their way out (terminating) when the rollout
	// is complete, as in the API; the ready ones are the Deployment's.
	switch {
	case !contains(final, "successfully rolled out"):
		t.Errorf("final screen does not say the rollout is done:\n%s", shown(final))
	case readyFigures(final) != int(d.Status.ReadyReplicas):
		t.Errorf("final screen shows %d ready mannequins, the deployment %d:\n%s", readyFigures(final), d.Status.ReadyReplicas, shown(final))
	case len(shelves(final)) == 0 || shelves(final)[0] != "2":
		t.Errorf("final screen should show revision 2 first, shows %q:\n%s", shelves(final), shown(final))
	case contains(final, "reconnecting"):
		t.Errorf("final screen still says it is reconnecting:\n%s", shown(final))
	}
}

// With the apiserver ending watches every 10-20 s (see TestMain), a long
// watch must still see every change, and the latest one last.
func TestWatchMissesNothingAcrossRewatches(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("steady", deployOpts{replicas: 1, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "steady", time.Minute)
	ctx := ctxFor(t, 3*time.Minute)
	cmd := env.Command(ctx, "kubectl", "mannequin", "watch", "deploy/steady", "-n", ns, "--plain")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitLine := func(want string, timeout time.Duration) error {
		deadline := time.After(timeout)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					return fmt.Errorf("watch ended")
				}
				if strings.Contains(l, want) {
					return nil
				}
			case <-deadline:
				return fmt.Errorf("no line with %q within %s", want, timeout)
			}
		}
	}
	if err := waitLine("rev 1: 1/1 ready", 15*time.Second); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 0; time.Since(start) < 60*time.Second; i++ {
		n := int32(2 + i%3) // 2, 3, 4, 2, …
		scale := fmt.Sprintf(`{"spec":{"replicas":%d}}`, n)
		if _, err := cluster.Client.AppsV1().Deployments(ns).Patch(context.Background(), "steady", types.MergePatchType, []byte(scale), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := waitLine(fmt.Sprintf("rev 1: %d/%d ready", n, n), 20*time.Second); err != nil {
			t.Fatalf("change %d (scale to %d) after %s: %v", i+1, n, time.Since(start).Round(time.Second), err)
		}
		// Scale down again before the next change so that each change is new.
		back := `{"spec":{"replicas":1}}`
		if _, err := cluster.Client.AppsV1().Deployments(ns).Patch(context.Background(), "steady", types.MergePatchType, []byte(back), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := waitLine("rev 1: 1/1 ready", 20*time.Second); err != nil {
			t.Fatalf("scale back %d after %s: %v", i+1, time.Since(start).Round(time.Second), err)
		}
	}
}

func TestWatchedDeploymentDeleted(t *testing.T) {
	ns := namespace(t)
	// Pods that never become ready keep the rollout going, so that only the
	// deletion can end the watch.
	createDeployment(t, ns, deployment("doomed", deployOpts{replicas: 1, image: summer, maxSurge: 1, readyDelay: "10m"}))
	ctx := ctxFor(t, time.Minute)
	go func() {
		time.Sleep(3 * time.Second)
		_ = cluster.Client.AppsV1().Deployments(ns).Delete(context.Background(), "doomed", metav1.DeleteOptions{})
	}()
	r := env.Mannequin(ctx, "watch", "deploy/doomed", "-n", ns, "--until-done")
	want := fmt.Sprintf(`error: deployment "doomed" in namespace %q was deleted while being watched`, ns)
	if r.Code != 1 || strings.TrimSpace(r.Stderr) != want {
		t.Errorf("exit %d, stderr %q; want 1, %q", r.Code, r.Stderr, want)
	}
	if !strings.Contains(r.Stdout, "deployment deleted") {
		t.Errorf("the log should say so:\n%s", r.Stdout)
	}
}

func TestWatchedNamespaceDeleted(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("homeless", deployOpts{replicas: 1, image: summer, maxSurge: 1, readyDelay: "10m"}))
	term, err := env.StartTerminal(ctxFor(t, 2*time.Minute), 100, 30, "mannequin", "watch", "deploy/homeless", "-n", ns, "--until-done")
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return figures(s) == 1 }); err != nil {
		t.Fatalf("no view: %v", err)
	}
	if err := cluster.Client.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	code, err := term.Wait(90 * time.Second)
	if err != nil || code != 1 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if !strings.Contains(term.Raw(), "was deleted while being watched") {
		t.Errorf("no message about the deletion:\n%s", shown(term.Screen()))
	}
	if ok, err := term.ModeRestored(); !ok || err != nil || term.AltScreen() {
		t.Errorf("terminal not restored after the error")
	}
}

// nudgeStuckDeletions finishes pod deletions that kwok gave up on: a delete
// it sent while the apiserver was down is not retried (a kubelet would
// retry), so the rollout would wait forever on a pod that the plugin shows,
// correctly, as terminating.
func nudgeStuckDeletions(t *testing.T, ns string) {
	t.Helper()
	go func() {
		for i := 0; i < 60; i++ {
			time.Sleep(2 * time.Second)
			pods, err := cluster.Client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{})
			if err != nil {
				continue
			}
			for _, p := range pods.Items {
				if p.DeletionTimestamp != nil && time.Since(p.DeletionTimestamp.Time) > 10*time.Second {
					zero := int64(0)
					_ = cluster.Client.CoreV1().Pods(ns).Delete(context.Background(), p.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
				}
			}
		}
	}()
}
