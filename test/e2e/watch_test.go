package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	summer = "registry.example/uniform:summer-2023"
	winter = "registry.example/uniform:winter-2024"
)

var (
	shelfTitle = regexp.MustCompile(`^rev (\d+)\b`)
	sgr        = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")
)

// shelves lists the revision numbers whose shelves are on screen.
func shelves(screen []string) []string {
	var out []string
	for _, l := range screen {
		if m := shelfTitle.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// figures counts mannequins on screen: a figure is a head over a body, so
// count the head glyphs on each line that sits on top of a row of bodies.
func figures(screen []string) int { return figuresOf(screen, "●◐○◌·✗?") }

// readyFigures counts only ready mannequins (solid heads).
func readyFigures(screen []string) int { return figuresOf(screen, "●") }

func figuresOf(screen []string, heads string) int {
	bodies := []string{"╱█╲", "╱▒╲", "╱▓╲", "·░·", "╱ ╲"}
	n := 0
	for i := 0; i+1 < len(screen); i++ {
		below := screen[i+1]
		isBodyRow := false
		for _, b := range bodies {
			if strings.Contains(below, b) {
				isBodyRow = true
			}
		}
		if !isBodyRow || strings.ContainsAny(screen[i], "╱╲") {
			continue
		}
		for _, r := range screen[i] {
			if strings.ContainsRune(heads, r) {
				n++
			}
		}
	}
	return n
}

func contains(screen []string, s string) bool {
	return strings.Contains(strings.Join(screen, "\n"), s)
}

func podCount(t *testing.T, ns, app string) int {
	pods, err := cluster.Client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	return len(pods.Items)
}

func TestWatchShowsMannequinsSwapping(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("clerk-squad", deployOpts{replicas: 6, image: summer, readyDelay: "2s", maxSurge: 1}))
	waitRolledOut(t, ns, "clerk-squad", 90*time.Second)

	term, err := env.StartTerminal(ctxFor(t, 3*time.Minute), 120, 40, "mannequin", "watch", "deploy/clerk-squad", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if s, err := term.WaitForScreen(20*time.Second, func(s []string) bool { return figures(s) == 6 }); err != nil {
		t.Fatalf("initial screen never showed 6 mannequins: %v\n%s", err, shown(s))
	}
	setImage(t, ns, "clerk-squad", winter)

	both, err := term.WaitForScreen(60*time.Second, func(s []string) bool {
		sh := shelves(s)
		return len(sh) == 2 && sh[0] == "2" && sh[1] == "1" && figures(s) >= 7
	})
	if err != nil {
		t.Fatalf("never saw both revisions' mannequins at once: %v\n%s", err, shown(both))
	}
	if !contains(both, "uniform:winter-2024") || !contains(both, "uniform:summer-2023") {
		t.Errorf("shelves should name both uniforms:\n%s", shown(both))
	}

	// Figures on screen must match the pods the API holds, allowing a frame
	// of lag: the pod count is read before and after the screen.
	matched := false
	for i := 0; i < 40 && !matched; i++ {
		before := podCount(t, ns, "clerk-squad")
		s := term.Screen()
		after := podCount(t, ns, "clerk-squad")
		time.Sleep(40 * time.Millisecond) // one frame at most
		later := term.Screen()
		n, m := figures(s), figures(later)
		if n == before || n == after || m == after {
			matched = true
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !matched {
		t.Errorf("figures on screen never matched the API's pod count")
	}

	final, err := term.WaitForScreen(90*time.Second, func(s []string) bool {
		sh := shelves(s)
		return contains(s, "successfully rolled out") && len(sh) == 1 && sh[0] == "2" && figures(s) == 6
	})
	if err != nil {
		t.Fatalf("final screen should show only rev 2 with 6 mannequins, complete: %v\n%s", err, shown(final))
	}
	// Image truth: the digest the pods run (kwok reports one per image).
	if !contains(final, "uniform:winter-2024@sha256:") {
		t.Errorf("the shelf should show the digest its pods run:\n%s", shown(final))
	}
	if err := term.Send("q"); err != nil {
		t.Fatal(err)
	}
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Fatalf("q: exit %d, %v", code, err)
	}
}

func TestWatchUntilDoneExitCodes(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("good", deployOpts{replicas: 3, image: summer, maxSurge: 1}))
	createDeployment(t, ns, deployment("bad", deployOpts{replicas: 2, image: summer, maxSurge: 1, progressDeadline: 15}))
	waitRolledOut(t, ns, "good", 60*time.Second)
	waitRolledOut(t, ns, "bad", 60*time.Second)

	setImage(t, ns, "good", winter)
	r := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "deploy/good", "-n", ns, "--until-done", "--timeout", "90s")
	if r.Code != 0 {
		t.Fatalf("good update: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "rollout complete") {
		t.Errorf("good update: output does not say it rolled out:\n%s", r.Stdout)
	}
	d, _ := cluster.Client.AppsV1().Deployments(ns).Get(context.Background(), "good", metav1.GetOptions{})
	if d.Status.UpdatedReplicas != 3 || d.Status.AvailableReplicas != 3 || d.Status.Replicas != 3 {
		t.Errorf("plugin exited 0 before the rollout completed: %+v", d.Status)
	}

	setImage(t, ns, "bad", "registry.example/uniform:nonexistent")
	r = env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "deploy/bad", "-n", ns, "--until-done", "--timeout", "100s")
	if r.Code != 1 {
		t.Fatalf("bad update: want exit 1, got %d (stderr %q)", r.Code, r.Stderr)
	}
	if want := `error: deployment "bad" exceeded its progress deadline`; strings.TrimSpace(r.Stderr) != want {
		t.Errorf("bad update: stderr %q, want %q", r.Stderr, want)
	}

	// A timeout is a different failure with a different message.
	r = env.Mannequin(ctxFor(t, time.Minute), "watch", "deploy/bad", "-n", ns, "--until-done", "--timeout", "2s")
	if r.Code != 1 || !strings.Contains(r.Stderr, "exceeded its progress deadline") {
		t.Errorf("watching an already failed rollout: exit %d, stderr %q", r.Code, r.Stderr)
	}
	setImage(t, ns, "good", "registry.example/uniform:nonexistent")
	r = env.Mannequin(ctxFor(t, time.Minute), "watch", "deploy/good", "-n", ns, "--until-done", "--timeout", "3s")
	if r.Code != 3 || !strings.Contains(r.Stderr, "timed out after 3s") || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
		t.Errorf("timeout: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

func TestWatchThroughAPipe(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("piped", deployOpts{replicas: 3, image: summer, maxSurge: 1, readyDelay: "1s"}))
	waitRolledOut(t, ns, "piped", 60*time.Second)
	setImage(t, ns, "piped", winter)
	r := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "deploy/piped", "-n", ns, "--until-done", "--color", "auto")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if strings.Contains(r.Stdout, "\x1b") {
		t.Fatalf("escape sequences in piped output:\n%q", r.Stdout)
	}
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	stamp := regexp.MustCompile(`^\d\d:\d\d:\d\d `)
	for _, l := range lines {
		if !stamp.MatchString(l) {
			t.Errorf("line without a timestamp: %q", l)
		}
	}
	out := r.Stdout
	for _, want := range []string{"rev 2", "ready (+1)", "rollout complete"} {
		if !strings.Contains(out, want) {
			t.Errorf("piped output lacks %q:\n%s", want, out)
		}
	}
}

func TestWatchFitsASmallTerminal(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("crowd", deployOpts{replicas: 30, image: summer, maxSurge: 3}))
	waitRolledOut(t, ns, "crowd", 90*time.Second)
	term, err := env.StartTerminal(ctxFor(t, 2*time.Minute), 40, 12, "mannequin", "watch", "deploy/crowd", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	setImage(t, ns, "crowd", winter)
	if _, err := term.WaitForScreen(60*time.Second, func(s []string) bool { return len(shelves(s)) == 2 }); err != nil {
		t.Fatalf("never saw both revisions: %v\n%s", err, shown(term.Screen()))
	}
	// Let the whole update play out so that many frames are checked.
	if _, err := term.WaitForScreen(90*time.Second, func(s []string) bool {
		sh := shelves(s)
		return len(sh) == 1 && sh[0] == "2"
	}); err != nil {
		t.Fatalf("never saw the update finish: %v\n%s", err, shown(term.Screen()))
	}
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Fatalf("q: exit %d, %v", code, err)
	}
	// Check every frame the program drew, not just the last screen: each
	// frame starts with cursor-home on the alternate screen.
	raw := term.Raw()
	if i := strings.LastIndex(raw, "\x1b[?1049l"); i >= 0 {
		raw = raw[:i] // after leaving the alternate screen it prints the last frame, as text
	}
	frames := strings.Split(raw, "\x1b[H")[1:]
	if len(frames) < 10 {
		t.Fatalf("only %d frames drawn", len(frames))
	}
	for fi, f := range frames {
		lines := strings.Split(f, "\r\n")
		if len(lines) > 12 {
			t.Fatalf("frame %d has %d lines (terminal has 12)", fi, len(lines))
		}
		for _, l := range lines {
			if w := runewidth.StringWidth(sgr.ReplaceAllString(l, "")); w > 40 {
				t.Fatalf("frame %d has a line %d columns wide: %q", fi, w, l)
			}
		}
	}
}

func TestWatchQuitRestoresTheTerminal(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("quitter", deployOpts{replicas: 2, image: summer, maxSurge: 1}))
	term, err := env.StartTerminal(ctxFor(t, time.Minute), 80, 24, "mannequin", "watch", "deploy/quitter", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(20*time.Second, func(s []string) bool { return len(shelves(s)) == 1 }); err != nil {
		t.Fatalf("no view: %v", err)
	}
	if !term.AltScreen() || term.CursorVisible() {
		t.Errorf("live view should use the alternate screen with the cursor hidden")
	}
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Fatalf("q: exit %d, %v", code, err)
	}
	if term.AltScreen() {
		t.Error("alternate screen not left")
	}
	if !term.CursorVisible() {
		t.Error("cursor left hidden")
	}
	if ok, err := term.ModeRestored(); err != nil || !ok {
		t.Errorf("terminal mode (echo, canonical input) not restored: %v", err)
	}
}
