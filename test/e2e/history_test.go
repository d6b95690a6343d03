package e2e

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

const autumn = "registry.example/uniform:autumn-2024"

// withHistory creates a Deployment and rolls it through the given images,
// one revision each.
func withHistory(t *testing.T, ns, name string, images ...string) {
	t.Helper()
	createDeployment(t, ns, deployment(name, deployOpts{replicas: 2, image: images[0], maxSurge: 1}))
	waitRolledOut(t, ns, name, 60*time.Second)
	for _, img := range images[1:] {
		setImage(t, ns, name, img)
		waitRolledOut(t, ns, name, 60*time.Second)
	}
}

func getDeployment(t *testing.T, ns, name string) *appsv1.Deployment {
	t.Helper()
	d, err := cluster.Client.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestHistoryListsRevisions(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "clerks", summer, winter, autumn)
	ctx := ctxFor(t, time.Minute)

	r := env.Mannequin(ctx, "history", "deploy/clerks", "-n", ns)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[1], "REVISION") {
		t.Fatalf("want a title, a header and 3 rows, got:\n%s", r.Stdout)
	}
	for i, want := range []struct{ rev, image, pods string }{{"3 (current)", autumn, "2/2"}, {"2", winter, "0/0"}, {"1", summer, "0/0"}} {
		row := lines[2+i]
		if !strings.HasPrefix(row, want.rev+" ") || !strings.Contains(row, want.image) || !strings.Contains(row, " "+want.pods+" ") || !strings.Contains(row, "<none>") {
			t.Errorf("row %d = %q, want revision %q, image %q, pods %q", i, row, want.rev, want.image, want.pods)
		}
		if f := strings.Fields(row); !strings.HasSuffix(f[len(f)-3], "s") {
			t.Errorf("row %d has no age in seconds: %q", i, row)
		}
	}

	j := env.Mannequin(ctx, "history", "deploy/clerks", "-n", ns, "-o", "json")
	var list struct {
		Kind  string `json:"kind"`
		Items []struct {
			Revision   int64 `json:"revision"`
			Current    bool  `json:"current"`
			Containers []struct{ Image string }
			Ready      int32 `json:"readyReplicas"`
			Desired    int32 `json:"desiredReplicas"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(j.Stdout), &list); err != nil {
		t.Fatalf("-o json does not parse: %v\n%s", err, j.Stdout)
	}
	if list.Kind != "RevisionList" || len(list.Items) != 3 || list.Items[0].Revision != 3 || !list.Items[0].Current ||
		list.Items[0].Containers[0].Image != autumn || list.Items[2].Containers[0].Image != summer || list.Items[0].Ready != 2 {
		t.Errorf("-o json disagrees with the table: %+v", list)
	}

	d := env.Mannequin(ctx, "history", "deploy/clerks", "-n", ns, "--diff", "1", "3")
	if d.Code != 0 || !strings.Contains(d.Stdout, "-  - image: "+summer) || !strings.Contains(d.Stdout, "+  - image: "+autumn) {
		t.Errorf("--diff 1 3 should show the image line changing (exit %d):\n%s%s", d.Code, d.Stdout, d.Stderr)
	}
	if strings.Contains(d.Stdout, "pod-template-hash") {
		t.Errorf("--diff must ignore the pod-template-hash label:\n%s", d.Stdout)
	}
	rv := env.Mannequin(ctx, "history", "deploy/clerks", "-n", ns, "--revision", "2")
	if rv.Code != 0 || !strings.Contains(rv.Stdout, "image: "+winter) {
		t.Errorf("--revision 2: exit %d\n%s%s", rv.Code, rv.Stdout, rv.Stderr)
	}
}

// Our undo must do to a Deployment exactly what kubectl's does, and fail the
// same way.
func TestUndoMatchesKubectl(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "twin-a", summer, winter, autumn)
	withHistory(t, ns, "twin-b", summer, winter, autumn)
	ctx := ctxFor(t, 3*time.Minute)

	k := env.Kubectl(ctx, "rollout", "undo", "deploy/twin-a", "-n", ns, "--to-revision=1")
	m := env.Mannequin(ctx, "undo", "deploy/twin-b", "-n", ns, "--to-revision=1", "--yes")
	if k.Code != 0 || m.Code != 0 {
		t.Fatalf("kubectl: %d %s; mannequin: %d %s", k.Code, k.Stderr, m.Code, m.Stderr)
	}
	if m.Stdout != strings.ReplaceAll(k.Stdout, "twin-a", "twin-b") {
		t.Errorf("output differs: kubectl %q, mannequin %q", k.Stdout, m.Stdout)
	}
	a, b := waitRolledOut(t, ns, "twin-a", 60*time.Second), waitRolledOut(t, ns, "twin-b", 60*time.Second)
	ta, tb := a.Spec.Template.DeepCopy(), b.Spec.Template.DeepCopy()
	ta.Labels["app"], tb.Labels["app"] = "x", "x"
	if !equality.Semantic.DeepEqual(ta, tb) {
		t.Errorf("templates differ after undo:\nkubectl:   %+v\nmannequin: %+v", ta, tb)
	}
	if ta.Spec.Containers[0].Image != summer {
		t.Errorf("undo to revision 1 should restore %s, got %s", summer, ta.Spec.Containers[0].Image)
	}
	if !equality.Semantic.DeepEqual(a.Annotations, b.Annotations) {
		t.Errorf("annotations differ:\nkubectl:   %v\nmannequin: %v", a.Annotations, b.Annotations)
	}

	// The error cases, side by side.
	createDeployment(t, ns, deployment("single-a", deployOpts{replicas: 1, image: summer, maxSurge: 1}))
	createDeployment(t, ns, deployment("single-b", deployOpts{replicas: 1, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "single-a", time.Minute)
	waitRolledOut(t, ns, "single-b", time.Minute)
	same := func(what string, kargs, margs []string, a, b string) {
		t.Helper()
		k := env.Kubectl(ctx, append([]string{"rollout", "undo", "-n", ns}, kargs...)...)
		m := env.Mannequin(ctx, append([]string{"undo", "-n", ns, "--yes"}, margs...)...)
		kout := strings.ReplaceAll(k.Stdout+k.Stderr, a, b)
		if (k.Code == 0) != (m.Code == 0) || kout != m.Stdout+m.Stderr {
			t.Errorf("%s: kubectl exit %d %q; mannequin exit %d %q", what, k.Code, kout, m.Code, m.Stdout+m.Stderr)
		}
	}
	same("no history", []string{"deploy/single-a"}, []string{"deploy/single-b"}, "single-a", "single-b")
	same("bad revision", []string{"deploy/twin-a", "--to-revision=999"}, []string{"deploy/twin-b", "--to-revision=999"}, "twin-a", "twin-b")
	same("already matches", []string{"deploy/twin-a", "--to-revision=4"}, []string{"deploy/twin-b", "--to-revision=4"}, "twin-a", "twin-b")
	for _, n := range []string{"twin-a", "twin-b"} {
		if r := env.Kubectl(ctx, "rollout", "pause", "deploy/"+n, "-n", ns); r.Code != 0 {
			t.Fatal(r.Stderr)
		}
	}
	same("paused", []string{"deploy/twin-a", "--to-revision=2"}, []string{"deploy/twin-b", "--to-revision=2"}, "twin-a", "twin-b")
}

func TestUndoDryRunChangesNothing(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "dry", summer, winter)
	ctx := ctxFor(t, time.Minute)
	before := getDeployment(t, ns, "dry")
	for _, mode := range []string{"client", "server"} {
		r := env.Mannequin(ctx, "undo", "deploy/dry", "-n", ns, "--dry-run="+mode)
		if r.Code != 0 || !strings.Contains(r.Stdout, "dry run") {
			t.Errorf("--dry-run=%s: exit %d %q %q", mode, r.Code, r.Stdout, r.Stderr)
		}
		if after := getDeployment(t, ns, "dry"); after.ResourceVersion != before.ResourceVersion {
			t.Errorf("--dry-run=%s changed the deployment (resourceVersion %s → %s)", mode, before.ResourceVersion, after.ResourceVersion)
		}
	}
}

func TestHistoryInteractiveUndo(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "shop", summer, winter, autumn)
	term, err := env.StartTerminal(ctxFor(t, 2*time.Minute), 120, 30, "mannequin", "history", "deploy/shop", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "› 3 (current)") }); err != nil {
		t.Fatalf("no history view: %v\n%s", err, shown(term.Screen()))
	}
	// u then n: nothing changes.
	before := getDeployment(t, ns, "shop")
	_ = term.Send("j")
	_ = term.Send("u")
	if _, err := term.WaitForScreen(10*time.Second, func(s []string) bool {
		return asked(s, "Roll back deployment/shop from rev 3 (uniform:autumn-2024) to rev 2 (uniform:winter-2024)?")
	}); err != nil {
		t.Fatalf("no confirmation: %v\n%s", err, shown(term.Screen()))
	}
	answer(term, "n")
	if _, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "cancelled") }); err != nil {
		t.Fatalf("n did not cancel: %v", err)
	}
	// The generation, not the resourceVersion: the controller may still be
	// writing the status of the last rollout.
	if after := getDeployment(t, ns, "shop"); after.Generation != before.Generation {
		t.Fatalf("u then n changed the deployment (generation %d → %d)", before.Generation, after.Generation)
	}

	// Move to revision 1, u, y.
	_ = term.Send("j")
	_ = term.Send("u")
	if _, err := term.WaitForScreen(10*time.Second, func(s []string) bool {
		return asked(s, "to rev 1 (uniform:summer-2023)?")
	}); err != nil {
		t.Fatalf("no confirmation for rev 1: %v\n%s", err, shown(term.Screen()))
	}
	answer(term, "y")
	if err := framework.Eventually(20*time.Second, func() (bool, error) {
		return getDeployment(t, ns, "shop").Spec.Template.Spec.Containers[0].Image == summer, nil
	}); err != nil {
		t.Fatalf("deployment not rolled back to revision 1's image: %v", err)
	}
	if s, err := term.WaitForScreen(30*time.Second, func(s []string) bool {
		return contains(s, "uniform:summer-2023") && len(shelves(s)) >= 1 && figures(s) >= 1
	}); err != nil {
		t.Fatalf("no live view of the rollback: %v\n%s", err, shown(s))
	}
	code, err := term.Wait(60 * time.Second)
	if err != nil || code != 0 {
		t.Fatalf("after the rollback completes the view should end with 0: %d %v", code, err)
	}
	if !strings.Contains(term.Raw(), "rolled back to rev 1 (uniform:summer-2023)") {
		t.Errorf("no closing line about the rollback")
	}
}

func TestHistoryUndoRefusesAConcurrentChange(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "race", summer, winter)
	term, err := env.StartTerminal(ctxFor(t, 2*time.Minute), 120, 30, "mannequin", "history", "deploy/race", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "› 2 (current)") }); err != nil {
		t.Fatalf("no history view: %v", err)
	}
	_ = term.Send("j")
	_ = term.Send("u")
	if _, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "[y/N]") }); err != nil {
		t.Fatalf("no confirmation: %v", err)
	}
	setImage(t, ns, "race", autumn) // someone else, while the question is on screen
	answer(term, "y")
	if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool {
		return contains(s, "deployment/race changed since it was shown") && contains(s, "uniform:autumn-2024")
	}); err != nil {
		t.Fatalf("the concurrent change was not reported: %v\n%s", err, shown(s))
	}
	if img := getDeployment(t, ns, "race").Spec.Template.Spec.Containers[0].Image; img != autumn {
		t.Fatalf("the concurrent change was overwritten: image is %s", img)
	}
	_ = term.Send("q")
	if code, _ := term.Wait(10 * time.Second); code != 0 {
		t.Errorf("q: exit %d", code)
	}
}

func TestReadOnlyUserCanViewButNotUndo(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "guarded", summer, winter)
	kc := readOnlyKubeconfig(t, ns)
	ctx := ctxFor(t, time.Minute)
	h := env.Mannequin(ctx, "history", "deploy/guarded", "--kubeconfig", kc)
	if h.Code != 0 || !strings.Contains(h.Stdout, "2 (current)") {
		t.Fatalf("read-only history: exit %d\n%s%s", h.Code, h.Stdout, h.Stderr)
	}
	before := getDeployment(t, ns, "guarded")
	u := env.Mannequin(ctx, "undo", "deploy/guarded", "--kubeconfig", kc, "--yes")
	if u.Code != 1 {
		t.Fatalf("read-only undo: want exit 1, got %d (%q)", u.Code, u.Stderr)
	}
	msg := strings.TrimSpace(u.Stderr)
	if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "forbidden") || !strings.Contains(msg, "patch deployments") {
		t.Errorf("want one line saying patching deployments is forbidden, got %q", msg)
	}
	if after := getDeployment(t, ns, "guarded"); after.ResourceVersion != before.ResourceVersion {
		t.Errorf("a forbidden undo changed the deployment")
	}
}

func TestWatchViewActions(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "steer", summer, winter)
	term, err := env.StartTerminal(ctxFor(t, 3*time.Minute), 120, 30, "mannequin", "watch", "deploy/steer", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "successfully rolled out") }); err != nil {
		t.Fatalf("no view: %v", err)
	}
	answer := func(key, question string) {
		t.Helper()
		_ = term.Send(key)
		if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return asked(s, question) }); err != nil {
			t.Fatalf("%s: no question %q: %v\n%s", key, question, err, shown(s))
		}
		answer(term, "y")
	}
	answer("p", "Pause the rollout of deployment/steer?")
	if err := framework.Eventually(10*time.Second, func() (bool, error) { return getDeployment(t, ns, "steer").Spec.Paused, nil }); err != nil {
		t.Fatalf("p y did not pause: %v", err)
	}
	answer("p", "Resume the rollout of deployment/steer?")
	if err := framework.Eventually(10*time.Second, func() (bool, error) { return !getDeployment(t, ns, "steer").Spec.Paused, nil }); err != nil {
		t.Fatalf("p y did not resume: %v", err)
	}
	answer("r", "Restart every pod of deployment/steer?")
	if err := framework.Eventually(10*time.Second, func() (bool, error) {
		return getDeployment(t, ns, "steer").Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] != "", nil
	}); err != nil {
		t.Fatalf("r y did not restart: %v", err)
	}
	waitRolledOut(t, ns, "steer", time.Minute)
	answer("u", "Roll back deployment/steer from rev 3 (uniform:winter-2024) to rev 2 (uniform:winter-2024)?")
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "rolled back") }); err != nil {
		t.Fatalf("no confirmation of the rollback: %v\n%s", err, shown(s))
	}
	if ann := getDeployment(t, ns, "steer").Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"]; ann != "" {
		t.Errorf("undo to the revision before the restart should drop restartedAt, still %q", ann)
	}
	_ = term.Send("q")
	if code, _ := term.Wait(10 * time.Second); code != 0 {
		t.Errorf("q: exit %d", code)
	}
}

func TestReadOnlyUserInTheViews(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "guarded", summer, winter)
	kc := readOnlyKubeconfig(t, ns)
	term, err := env.StartTerminal(ctxFor(t, 2*time.Minute), 120, 30, "mannequin", "watch", "deploy/guarded", "--kubeconfig", kc)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return figures(s) == 2 }); err != nil {
		t.Fatalf("read-only watch: %v\n%s", err, shown(term.Screen()))
	}
	for _, k := range []string{"p", "r"} {
		_ = term.Send(k)
		if _, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "[y/N]") }); err != nil {
			t.Fatalf("%s: no question", k)
		}
		answer(term, "y")
		if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool {
			return contains(s, "forbidden: you may not patch deployments")
		}); err != nil {
			t.Fatalf("%s y as a read-only user: %v\n%s", k, err, shown(s))
		}
	}
	if figures(term.Screen()) != 2 {
		t.Errorf("the view should keep running after a forbidden action")
	}
	_ = term.Send("q")
	if code, _ := term.Wait(10 * time.Second); code != 0 {
		t.Errorf("q: exit %d", code)
	}
}

func TestWatchWithoutPermissionToListPods(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "hidden", summer)
	kc := readOnlyKubeconfig(t, ns)
	// Take pods, and pods only, away from the documented viewer Role.
	role, err := cluster.Client.RbacV1().Roles(ns).Get(context.Background(), viewerRole, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	removed := false
	for i, r := range role.Rules {
		if slices.Contains(r.Resources, "pods") {
			role.Rules[i].Resources = slices.DeleteFunc(slices.Clone(r.Resources), func(s string) bool { return s == "pods" })
			removed = true
		}
	}
	if !removed {
		t.Fatalf("the %s Role grants nothing on pods to take away: %+v", viewerRole, role.Rules)
	}
	if _, err := cluster.Client.RbacV1().Roles(ns).Update(context.Background(), role, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	term, err := env.StartTerminal(ctxFor(t, time.Minute), 120, 30, "mannequin", "watch", "deploy/hidden", "--kubeconfig", kc)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if s, err := term.WaitForScreen(20*time.Second, func(s []string) bool { return contains(s, "cannot see pods: forbidden") }); err != nil {
		t.Fatalf("the view should say it cannot see the pods: %v\n%s", err, shown(s))
	}
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)
}
