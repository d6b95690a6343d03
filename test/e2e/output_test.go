package e2e

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

var (
	elapsedRe = regexp.MustCompile(`(?:(\d+)m)?(\d+)s elapsed`)
	etaRe     = regexp.MustCompile(`ETA ~(?:(\d+)m)?(\d+)s`)
)

// seconds reads "1m02s"-style captures of elapsedRe or etaRe.
func seconds(m []string) int {
	min, _ := strconv.Atoi(m[1])
	sec, _ := strconv.Atoi(m[2])
	return min*60 + sec
}

// TestUndoFromTheViewRestartsTheClock: the header's elapsed time and ETA
// belong to the rollout in progress. An undo pressed 20 s into a watch
// starts a rollout whose header counts from the undo, not from the watch.
func TestUndoFromTheViewRestartsTheClock(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("clock", deployOpts{replicas: 4, image: summer, readyDelay: "2s", maxSurge: 1}))
	waitRolledOut(t, ns, "clock", 90*time.Second)
	setImage(t, ns, "clock", winter)
	waitRolledOut(t, ns, "clock", 90*time.Second)

	term, err := env.StartTerminal(ctxFor(t, 3*time.Minute), 120, 40, "mannequin", "watch", "deploy/clock", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "successfully rolled out") }); err != nil {
		t.Fatalf("no view: %v\n%s", err, shown(term.Screen()))
	}
	time.Sleep(20 * time.Second) // the watch's own age: what the header must not show
	_ = term.Send("u")
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "[y/N]") }); err != nil {
		t.Fatalf("no undo question: %v\n%s", err, shown(s))
	}
	answer(term, "y")
	undone := time.Now()

	// Follow the undo's rollout to its end, reading every header on the way.
	var elapsed, etas []int
	if s, err := term.WaitForScreen(90*time.Second, func(s []string) bool {
		for _, l := range s {
			if m := elapsedRe.FindStringSubmatch(l); m != nil {
				elapsed = append(elapsed, seconds(m))
			}
			if m := etaRe.FindStringSubmatch(l); m != nil {
				etas = append(etas, seconds(m))
			}
		}
		return contains(s, "rev 3") && contains(s, "successfully rolled out")
	}); err != nil {
		t.Fatalf("the undo's rollout never finished on screen: %v\n%s", err, shown(s))
	}
	took := int(time.Since(undone).Seconds()) + 2
	if len(elapsed) == 0 {
		t.Fatalf("no header showed the undo's elapsed time\n%s", shown(term.Screen()))
	}
	// Before the fix the header said "2Xs elapsed" from the first frame of
	// the undo on: the watch's age.
	if elapsed[0] >= 10 {
		t.Errorf("the first header after the undo said %ds elapsed: the watch's age, not the undo's", elapsed[0])
	}
	for _, e := range elapsed {
		if e > took {
			t.Errorf("a header said %ds elapsed, but the undo is only %ds old", e, took)
			break
		}
	}
	for _, eta := range etas {
		// 4 pods, 2 s each to become ready, one at a time: an ETA from the
		// undo's own pace is a few seconds; one from the watch's 20 s is 60+.
		if eta > 30 {
			t.Errorf("an ETA of %ds: paced on the watch, not on the undo (ETAs seen %v)", eta, etas)
			break
		}
	}
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Errorf("q: exit %d %v", code, err)
	}
	// The last frame left behind says when it was taken.
	if s := term.Screen(); !contains(s, "last frame at ") {
		t.Errorf("the last frame does not say when it was taken:\n%s", shown(s))
	}
}

// TestUntilDoneEndsWithASummary: a CI log tells in three lines what
// happened, and names the pod that took longest to become ready, as the
// cluster recorded it.
func TestUntilDoneEndsWithASummary(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("told", deployOpts{replicas: 3, image: summer, readyDelay: "2s", maxSurge: 1}))
	waitRolledOut(t, ns, "told", 90*time.Second)
	setImage(t, ns, "told", winter)
	r := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "deploy/told", "-n", ns, "--until-done", "--timeout", "90s")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) < 3 {
		t.Fatalf("no summary:\n%s", r.Stdout)
	}
	sum := strings.Join(lines[len(lines)-3:], "\n")
	for _, want := range []string{
		"SUCCESS: deployment/told rolled out rev 2 (uniform:winter-2024) in ",
		"pods: rev 2 +3 ready · rev 1 −3 removed",
		"slowest to ready: ",
		"0 restarts · 0 findings · 0 warning events",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	// The slowest pod, from the cluster's own timestamps.
	d := getDeployment(t, ns, "told")
	want, took := slowestReady(t, ns, d)
	if !strings.Contains(sum, "slowest to ready: "+want+" in "+took) {
		t.Errorf("summary should name %s (%s from creation to ready):\n%s", want, took, sum)
	}
	stamp := regexp.MustCompile(`^\d\d:\d\d:\d\d `)
	for _, l := range lines {
		if !stamp.MatchString(l) {
			t.Errorf("line without a timestamp: %q", l)
		}
	}

	// On a terminal the summary is a box below the last frame.
	term, err := env.StartTerminal(ctxFor(t, time.Minute), 100, 40, "mannequin", "watch", "deploy/told", "-n", ns, "--until-done")
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if code, err := term.Wait(30 * time.Second); err != nil || code != 0 {
		t.Fatalf("exit %d %v", code, err)
	}
	if s := term.Screen(); !contains(s, "COMPLETE") || !contains(s, "deployment/told rolled out rev 2") || !contains(s, "last frame at ") {
		t.Errorf("no summary box below the last frame:\n%s", shown(s))
	}
}

// slowestReady is the new revision's pod with the longest time from
// creation to its Ready condition, ties broken by name, and that time.
func slowestReady(t *testing.T, ns string, d *appsv1.Deployment) (string, string) {
	t.Helper()
	sel := labels.SelectorFromSet(d.Spec.Selector.MatchLabels)
	pods, err := cluster.Client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		t.Fatal(err)
	}
	type took struct {
		name string
		d    time.Duration
	}
	var all []took
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil || p.Spec.Containers[0].Image != winter {
			continue
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				all = append(all, took{p.Name, c.LastTransitionTime.Sub(p.CreationTimestamp.Time)})
			}
		}
	}
	if len(all) == 0 {
		t.Fatal("no ready pod of the new revision")
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].d != all[j].d {
			return all[i].d > all[j].d
		}
		return all[i].name < all[j].name
	})
	d0 := all[0].d.Round(time.Second)
	if d0 >= time.Minute {
		return all[0].name, fmt.Sprintf("%dm%02ds", int(d0.Minutes()), int(d0.Seconds())%60)
	}
	return all[0].name, fmt.Sprintf("%ds", int(d0.Seconds()))
}

// TestNothingEscapesWithoutColour: with --color never, NO_COLOR=1, or a
// pipe, not a single escape sequence is written, even on a terminal; with
// --color always the log's marks are coloured, so the check can fail.
func TestNothingEscapesWithoutColour(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("muted", deployOpts{replicas: 2, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "muted", 60*time.Second)
	ctx := ctxFor(t, 2*time.Minute)
	run := func(extra []string, args ...string) string {
		t.Helper()
		e := env
		e.Extra = append(append([]string{}, env.Extra...), extra...)
		term, err := e.StartTerminal(ctx, 100, 30, append([]string{"mannequin"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		defer term.Close()
		if code, err := term.Wait(30 * time.Second); err != nil || code != 0 {
			t.Fatalf("%v: exit %d %v\n%q", args, code, err, term.Raw())
		}
		return term.Raw()
	}
	watch := []string{"watch", "deploy/muted", "-n", ns, "--plain", "--until-done"}
	for name, c := range map[string]struct {
		env  []string
		args []string
	}{
		"--color never": {[]string{"TERM=xterm-256color", "NO_COLOR="}, append(watch, "--color", "never")},
		"NO_COLOR=1":    {[]string{"TERM=xterm-256color", "NO_COLOR=1"}, watch},
	} {
		raw := run(c.env, c.args...)
		if strings.Contains(raw, "\x1b") || !strings.Contains(raw, "SUCCESS: deployment/muted rolled out") {
			t.Errorf("%s: want plain, grep-able lines without a single escape:\n%q", name, raw)
		}
	}
	raw := run([]string{"TERM=xterm-256color", "NO_COLOR="}, append(watch, "--color", "always")...)
	if !colourSGR.MatchString(raw) || !strings.Contains(raw, "SUCCESS") {
		t.Errorf("--color always: want coloured marks:\n%q", raw)
	}
	// history through a pipe, whatever --color auto sees in the environment.
	if r := env.Mannequin(ctx, "history", "deploy/muted", "-n", ns); r.Code != 0 || strings.Contains(r.Stdout, "\x1b") || !strings.HasPrefix(r.Stdout, "deployment.apps/muted\nREVISION") {
		t.Errorf("history in a pipe: exit %d, %q", r.Code, r.Stdout)
	}
}
