package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
	"sigs.k8s.io/yaml"
)

// hostile is what anyone who may edit a Deployment, or write a pod's
// status, can put into text that we print: OSC 52 (writes the user's
// clipboard), clear screen, cursor up, and a right-to-left override.
const hostile = "\x1b]52;c;aGk=\x07\x1b[2J\x1b[1A\u202e"

// escapedHostile is how it must reach the screen: visible and inert.
const escapedHostile = `\x1b]52;c;aGk=\x07\x1b[2J\x1b[1A\u202e`

// inert fails if out carries any of hostile's sequences as themselves.
func inert(t *testing.T, what, out string) {
	t.Helper()
	for _, seq := range []string{"\x1b]52", "\x1b[2J", "\x1b[1A", "\u202e", "\x07"} {
		if strings.Contains(out, seq) {
			t.Errorf("%s writes %q from the cluster's data to the terminal", what, seq)
		}
	}
}

func TestHostileClusterTextIsInert(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 4*time.Minute)
	createDeployment(t, ns, deployment("evil", deployOpts{replicas: 1, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "evil", 60*time.Second)

	// Revision 2: a hostile change-cause and image; it cannot be pulled.
	d := getDeployment(t, ns, "evil")
	d.Annotations["kubernetes.io/change-cause"] = "winter " + hostile
	d.Spec.Template.Spec.Containers[0].Image = "registry.example/uniform:nonexistent" + hostile
	if _, err := cluster.Client.AppsV1().Deployments(ns).Update(ctx, d, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The stuck pod's container message, written as a kubelet would.
	var stuck *corev1.Pod
	if err := framework.Eventually(30*time.Second, func() (bool, error) {
		pods, err := cluster.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=evil"})
		if err != nil {
			return false, err
		}
		for i := range pods.Items {
			p := &pods.Items[i]
			if len(p.Status.ContainerStatuses) > 0 && p.Status.ContainerStatuses[0].State.Waiting != nil &&
				p.Status.ContainerStatuses[0].State.Waiting.Reason == "ImagePullBackOff" {
				// kwok's last word: it writes nothing more to this pod.
				stuck = p
				return true, nil
			}
		}
		return false, nil
	}); err != nil {
		t.Fatalf("no pod stuck pulling the hostile image: %v", err)
	}
	stuck.Status.ContainerStatuses[0].State.Waiting = &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: "pull refused " + hostile}
	if _, err := cluster.Client.CoreV1().Pods(ns).UpdateStatus(ctx, stuck, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	// Pipes: the history table, its diff, a revision's template, the plain log.
	for _, args := range [][]string{
		{"history", "deploy/evil"},
		{"history", "deploy/evil", "--diff"},
		{"history", "deploy/evil", "--revision", "2"},
	} {
		r := env.Mannequin(ctx, append(args, "-n", ns)...)
		if r.Code != 0 {
			t.Errorf("%v: exit %d %s", args, r.Code, r.Stderr)
		}
		inert(t, strings.Join(args, " "), r.Stdout+r.Stderr)
		if !strings.Contains(r.Stdout, `\x1b]52;c;aGk=\x07`) {
			t.Errorf("%v should show the escape sequence as text:\n%s", args, r.Stdout)
		}
	}
	plain := env.Mannequin(ctx, "watch", "deploy/evil", "-n", ns, "--until-done", "--timeout", "6s")
	inert(t, "watch --plain", plain.Stdout+plain.Stderr)
	if !strings.Contains(plain.Stdout, "pull refused "+escapedHostile) {
		t.Errorf("the plain log should show the pod's message, escaped:\n%s", plain.Stdout)
	}
	// -o json keeps the data exact (its encoder escapes it).
	j := env.Mannequin(ctx, "history", "deploy/evil", "-n", ns, "-o", "json")
	var list struct {
		Items []struct {
			ChangeCause string `json:"changeCause"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(j.Stdout), &list); err != nil || len(list.Items) == 0 || list.Items[0].ChangeCause != "winter "+hostile {
		t.Errorf("-o json must keep the change-cause exact: %v %+v", err, list)
	}
	inert(t, "history -o json", j.Stdout)
	y := env.Mannequin(ctx, "history", "deploy/evil", "-n", ns, "-o", "yaml")
	list.Items = nil
	if err := yaml.Unmarshal([]byte(y.Stdout), &list); err != nil || len(list.Items) == 0 || list.Items[0].ChangeCause != "winter "+hostile {
		t.Errorf("-o yaml must keep the change-cause exact: %v %+v\n%s", err, list, y.Stdout)
	}
	inert(t, "history -o yaml", y.Stdout)

	// The live view, its undo question, and an error built from image names.
	term, err := env.StartTerminal(ctx, 200, 40, "mannequin", "watch", "deploy/evil", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if s, err := term.WaitForScreen(20*time.Second, func(s []string) bool { return contains(s, "pull refused \\x1b]52") }); err != nil {
		t.Fatalf("the view should show the pod's message escaped: %v\n%s", err, shown(s))
	}
	_ = term.Send("u")
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool {
		return contains(s, "from rev 2 (uniform:nonexistent\\x1b]52;c;aGk=\\x07") && contains(s, "[y/N]")
	}); err != nil {
		t.Fatalf("the undo question should name the hostile image, escaped: %v\n%s", err, shown(s))
	}
	// Someone sets another hostile image while the question is on screen.
	setImage(t, ns, "evil", "registry.example/uniform:autumn"+hostile)
	answer(term, "y")
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool {
		return contains(s, "changed since it was shown") && contains(s, "autumn\\x1b]52")
	}); err != nil {
		t.Fatalf("the refusal should name the new image, escaped: %v\n%s", err, shown(s))
	}
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Errorf("q: exit %d %v", code, err)
	}
	inert(t, "the live view", term.Raw())
	if ok, _ := term.ModeRestored(); !ok || term.AltScreen() {
		t.Errorf("terminal not restored")
	}
	if img := getDeployment(t, ns, "evil").Spec.Template.Spec.Containers[0].Image; img != "registry.example/uniform:autumn"+hostile {
		t.Errorf("the concurrent change was overwritten: %q", img)
	}
}

// TestKeysTypedAheadNeverConfirm: u and y typed together, a y typed right
// after the question appears, and pasted text never roll back; and at 80
// columns the question is shown whole, [y/N] included.
func TestKeysTypedAheadNeverConfirm(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "hurry", summer, winter)
	ctx := ctxFor(t, 3*time.Minute)
	before := getDeployment(t, ns, "hurry")
	unchanged := func(when string) {
		t.Helper()
		time.Sleep(1500 * time.Millisecond)
		// The status may move on its own; the spec must not.
		if now := getDeployment(t, ns, "hurry"); now.Generation != before.Generation || now.Spec.Template.Spec.Containers[0].Image != winter {
			t.Fatalf("%s changed the deployment (generation %d, image %s)", when, now.Generation, now.Spec.Template.Spec.Containers[0].Image)
		}
	}
	// The whole question, on one row or wrapped onto two, then [y/N]:
	// nothing of it cut.
	question := func(s []string) bool {
		for _, row := range s {
			if strings.HasPrefix(row, "Roll back") {
				return asked(s, "to rev 1 (uniform:summer-2023)?")
			}
		}
		return false
	}

	term, err := env.StartTerminal(ctx, 80, 24, "mannequin", "watch", "deploy/hurry", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "successfully rolled out") }); err != nil {
		t.Fatalf("no view: %v", err)
	}
	_ = term.Send("uy") // one write, as typed ahead or pasted
	if s, err := term.WaitForScreen(10*time.Second, question); err != nil {
		t.Fatalf("at 80 columns the question must end in [y/N]: %v\n%s", err, shown(s))
	}
	unchanged("u and y typed together")
	answer(term, "n")
	if _, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "cancelled") }); err != nil {
		t.Fatalf("n did not cancel: %v", err)
	}
	_ = term.Send("u")
	if _, err := term.WaitForScreen(10*time.Second, question); err != nil {
		t.Fatalf("no question: %v", err)
	}
	_ = term.Send("y") // as soon as it appears: not read yet
	unchanged("a y within 250 ms of the question")
	_ = term.Send("yq foo.yaml\n") // pasted
	unchanged("pasted text")
	if s := term.Screen(); !question(s) {
		t.Fatalf("pasted text should leave the question pending:\n%s", shown(s))
	}
	answer(term, "n")
	if _, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "cancelled") }); err != nil {
		t.Fatalf("n did not cancel after the paste: %v", err)
	}
	_ = term.Send("q")
	if code, _ := term.Wait(10 * time.Second); code != 0 {
		t.Errorf("q: exit %d", code)
	}

	// The interactive history: j and u typed together, then y at once.
	term, err = env.StartTerminal(ctx, 80, 24, "mannequin", "history", "deploy/hurry", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "2 (current)") }); err != nil {
		t.Fatalf("no history view: %v", err)
	}
	_ = term.Send("juy")
	if s, err := term.WaitForScreen(10*time.Second, question); err != nil {
		t.Fatalf("at 80 columns the history's question must end in [y/N]: %v\n%s", err, shown(s))
	}
	unchanged("j, u and y typed together in the history")
	_ = term.Send("q")
	answer(term, "q")
	if code, _ := term.Wait(10 * time.Second); code != 0 {
		t.Errorf("q: exit %d", code)
	}
}

// TestUndoAsksWhateverStdoutIs: undo | tee asks on the terminal (stderr and
// stdin); without a terminal it needs --yes.
func TestUndoAsksWhateverStdoutIs(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "piped", summer, winter)
	ctx := ctxFor(t, 2*time.Minute)
	before := getDeployment(t, ns, "piped").Generation
	log := filepath.Join(t.TempDir(), "log")
	term, err := env.StartTerminalCommand(ctx, 120, 30, "sh", "-c", "kubectl mannequin undo deploy/piped -n "+ns+" | cat > "+log)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool {
		return asked(s, "Roll back deployment/piped from rev 2 (uniform:winter-2024) to rev 1 (uniform:summer-2023)?")
	}); err != nil {
		t.Fatalf("undo | cat should ask: %v\n%s", err, shown(s))
	}
	answer(term, "n")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Errorf("n: exit %d %v", code, err)
	}
	if getDeployment(t, ns, "piped").Generation != before {
		t.Fatalf("n changed the deployment")
	}
	if out, _ := os.ReadFile(log); len(out) != 0 {
		t.Errorf("nothing should reach stdout when cancelled, got %q", out)
	}

	r := env.Mannequin(ctx, "undo", "deploy/piped", "-n", ns)
	if r.Code != 1 || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 || !strings.Contains(r.Stderr, "pass --yes") {
		t.Errorf("without a terminal undo needs --yes: exit %d %q", r.Code, r.Stderr)
	}
	if getDeployment(t, ns, "piped").Generation != before {
		t.Fatalf("undo without a terminal and without --yes changed the deployment")
	}
}

// TestUndoTestsTheTemplateShown, for every kind: a scale (or another change
// that leaves the pod template alone) between the question and y does not
// block the undo; `kubectl set image` between them does, and survives.
func TestUndoTestsTheTemplateShown(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 6*time.Minute)
	createDeployment(t, ns, deployment("deploy-u", deployOpts{replicas: 2, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "deploy-u", 60*time.Second)
	createStatefulSet(t, ns, "sts-u", 2, 0, summer, "")
	createDaemonSet(t, ns, "ds-u", summer, "")
	for _, c := range []struct{ ref, other string }{
		{"deploy/deploy-u", `{"spec":{"replicas":3}}`},
		{"sts/sts-u", `{"spec":{"replicas":3}}`},
		{"ds/ds-u", `{"spec":{"minReadySeconds":1}}`},
	} {
		waitKind(t, ns, c.ref)
		if r := env.Kubectl(ctx, "-n", ns, "set", "image", c.ref, "uniform="+winter); r.Code != 0 {
			t.Fatal(r.Stderr)
		}
		waitKind(t, ns, c.ref)
		undo := func(between func(), key string) (int, string) {
			t.Helper()
			term, err := env.StartTerminal(ctx, 160, 30, "mannequin", "undo", c.ref, "-n", ns)
			if err != nil {
				t.Fatal(err)
			}
			defer term.Close()
			if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "[y/N]") }); err != nil {
				t.Fatalf("%s: no question: %v\n%s", c.ref, err, shown(s))
			}
			between()
			answer(term, key)
			code, err := term.Wait(20 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			return code, strings.Join(term.Screen(), "\n")
		}
		image := func() string {
			t.Helper()
			r := env.Kubectl(ctx, "-n", ns, "get", c.ref, "-o", "jsonpath={.spec.template.spec.containers[0].image}")
			return r.Stdout
		}
		code, screen := undo(func() {
			if r := env.Kubectl(ctx, "-n", ns, "patch", c.ref, "--type=merge", "-p", c.other); r.Code != 0 {
				t.Fatal(r.Stderr)
			}
		}, "y")
		if code != 0 || !strings.Contains(screen, "rolled back") || image() != summer {
			t.Errorf("%s: a change outside the template between question and y must not block the undo: exit %d, image %s\n%s", c.ref, code, image(), screen)
		}
		waitKind(t, ns, c.ref)
		code, screen = undo(func() {
			if r := env.Kubectl(ctx, "-n", ns, "set", "image", c.ref, "uniform="+autumn); r.Code != 0 {
				t.Fatal(r.Stderr)
			}
		}, "y")
		if code != 1 || !strings.Contains(screen, "changed since it was shown (now ") || !strings.Contains(screen, "uniform:autumn-2024); look again") {
			t.Errorf("%s: a template change between question and y must be refused: exit %d\n%s", c.ref, code, screen)
		}
		if img := image(); img != autumn {
			t.Errorf("%s: the concurrent change was overwritten: image %s", c.ref, img)
		}
	}
}
