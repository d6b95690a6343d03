package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestReleaseViewOnATerminal: the mall release, watched by its label on a
// terminal, draws one section per workload; updated all at once, some
// screen shows all five rolling, the final one all five complete, and
// --until-done exits 0.
func TestReleaseViewOnATerminal(t *testing.T) {
	ns := namespace(t)
	// Pods slow enough to be ready that every rollout is still going when
	// the view starts.
	createMallPaced(t, ns, "5s")
	updateMall(t, ns, nil)
	ctx := ctxFor(t, 3*time.Minute)
	term, err := env.StartTerminal(ctx, 120, 50, "mannequin", "watch", "-l", "app.kubernetes.io/instance=mall", "-n", ns, "--until-done", "--timeout", "150s")
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "5 workloads · 5 rolling") }); err != nil {
		t.Fatalf("no screen shows all five rolling: %v\n%s", err, shown(s))
	} else {
		for _, ref := range mall {
			if !contains(s, ref+" · ") {
				t.Errorf("%s has no section:\n%s", ref, shown(s))
			}
		}
	}
	code, err := term.Wait(150 * time.Second)
	if err != nil || code != 0 {
		t.Fatalf("--until-done: exit %d, %v\n%s", code, err, shown(term.Screen()))
	}
	// The last frame stays on the normal screen.
	final := term.Screen()
	if !contains(final, "5 workloads · 5 complete") {
		t.Errorf("the final screen should show all five complete:\n%s", shown(final))
	}
	for _, ref := range mall {
		if !contains(final, ref+" · rolled out") {
			t.Errorf("%s is not shown rolled out at the end:\n%s", ref, shown(final))
		}
	}
}

// TestReleaseViewUndoesTheSelectedWorkload: ↓ selects the second section,
// u then y rolls back that workload, and no other.
func TestReleaseViewUndoesTheSelectedWorkload(t *testing.T) {
	ns := namespace(t)
	createMall(t, ns)
	updateMall(t, ns, nil)
	for _, ref := range mall {
		waitKind(t, ns, ref)
	}
	ctx := ctxFor(t, 2*time.Minute)
	term, err := env.StartTerminal(ctx, 120, 50, "mannequin", "watch", "-l", "app.kubernetes.io/instance=mall", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	// Sections come in a stable order: by kind, then name.
	if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "▸ daemonset/stand") }); err != nil {
		t.Fatalf("no release view with the first section selected: %v\n%s", err, shown(s))
	}
	_ = term.Send("\x1b[B")
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "▸ deployment/hall") }); err != nil {
		t.Fatalf("↓ did not select the second section: %v\n%s", err, shown(s))
	}
	_ = term.Send("u")
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return asked(s, "Roll back deployment/hall from rev 2") }); err != nil {
		t.Fatalf("u asked nothing about deployment/hall: %v\n%s", err, shown(s))
	}
	answer(term, "y")
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "deployment.apps/hall rolled back") }); err != nil {
		t.Fatalf("y did not roll back: %v\n%s", err, shown(s))
	}
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Errorf("q: exit %d %v", code, err)
	}
	for _, ref := range mall {
		r := env.Kubectl(ctx, "-n", ns, "get", ref, "-o", "jsonpath={.spec.template.spec.containers[0].image}")
		want := winter
		if ref == "deployment/hall" {
			want = summer
		}
		if got := strings.TrimSpace(r.Stdout); got != want {
			t.Errorf("%s runs %q after the undo of deployment/hall, want %q", ref, got, want)
		}
	}
}

// TestReleaseViewTenWorkloadsAt80x24: ten workloads on an 80×24 terminal
// each keep at least their line.
func TestReleaseViewTenWorkloadsAt80x24(t *testing.T) {
	ns := namespace(t)
	for i := range 10 {
		d := deployment(fmt.Sprintf("shop-%02d", i), deployOpts{replicas: 3, image: summer, maxSurge: 1})
		d.Labels = map[string]string{"app.kubernetes.io/instance": "ten"}
		createDeployment(t, ns, d)
	}
	ctx := ctxFor(t, 2*time.Minute)
	for i := range 10 {
		waitRolledOut(t, ns, fmt.Sprintf("shop-%02d", i), time.Minute)
	}
	term, err := env.StartTerminal(ctx, 80, 24, "mannequin", "watch", "-l", "app.kubernetes.io/instance=ten", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	s, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "10 workloads") })
	if err != nil {
		t.Fatalf("no release view: %v\n%s", err, shown(s))
	}
	for i := range 10 {
		if !contains(s, fmt.Sprintf("deployment/shop-%02d ", i)) {
			t.Errorf("shop-%02d has no line at 80x24:\n%s", i, shown(s))
		}
	}
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Errorf("q: exit %d %v", code, err)
	}
}

// TestReleaseMembershipFollowsTheSelector: a workload labelled into the
// selector while the view runs joins it; one deleted leaves it, and the
// view says so. The newcomer's pods lack the release's label, so it is
// watched on its own informers; the others share theirs.
func TestReleaseMembershipFollowsTheSelector(t *testing.T) {
	ns := namespace(t)
	createMall(t, ns)
	createDeployment(t, ns, deployment("kiosk", deployOpts{replicas: 2, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "kiosk", time.Minute)
	ctx := ctxFor(t, 2*time.Minute)
	term, err := env.StartTerminal(ctx, 120, 50, "mannequin", "watch", "-l", "app.kubernetes.io/instance=mall", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "5 workloads") }); err != nil {
		t.Fatalf("no release view: %v\n%s", err, shown(s))
	}
	if r := env.Kubectl(ctx, "-n", ns, "label", "deploy/kiosk", "app.kubernetes.io/instance=mall"); r.Code != 0 {
		t.Fatalf("label: %s", r.Stderr)
	}
	if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool {
		return contains(s, "6 workloads") && contains(s, "deployment/kiosk · rolled out") && contains(s, "deployment/kiosk joined the release")
	}); err != nil {
		t.Fatalf("the labelled workload did not join: %v\n%s", err, shown(s))
	}
	if r := env.Kubectl(ctx, "-n", ns, "delete", "deploy/wall"); r.Code != 0 {
		t.Fatalf("delete: %s", r.Stderr)
	}
	if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool {
		return contains(s, "5 workloads") && !contains(s, "deployment/wall ·") && contains(s, "deployment/wall left the release: deleted")
	}); err != nil {
		t.Fatalf("the deleted workload did not leave with a message: %v\n%s", err, shown(s))
	}
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Errorf("q: exit %d %v", code, err)
	}
}

// TestReleaseAcrossNamespaces: -A with -l follows the release's workloads
// in every namespace from shared informers; each line names the namespace.
func TestReleaseAcrossNamespaces(t *testing.T) {
	nss := []string{namespace(t), namespace(t)}
	// The first namespace's name makes the release's label unique to the
	// test: other tests' releases in other namespaces stay out.
	label := "app.kubernetes.io/instance=" + nss[0]
	for _, ns := range nss {
		d := deployment("booth", deployOpts{replicas: 2, image: summer, readyDelay: "2s", maxSurge: 1})
		d.Labels = map[string]string{"app.kubernetes.io/instance": nss[0]}
		createDeployment(t, ns, d)
	}
	r := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "-l", label, "-A", "--until-done", "--timeout", "90s")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s\n%s", r.Code, r.Stderr, r.Stdout)
	}
	for _, ns := range nss {
		if !strings.Contains(r.Stdout, ns+"/deployment/booth SUCCESS: rolled out rev 1") {
			t.Errorf("no summary naming %s/deployment/booth:\n%s", ns, r.Stdout)
		}
	}
}
