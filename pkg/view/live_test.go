package view

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// watchSteer watches twoRevisions' Deployment on c until the test ends.
func watchSteer(t *testing.T, c *fake.Clientset) (context.Context, *watcher.Workload) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	w := watcher.New(c, workload.Deployment, "shop", "steer")
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx, w
}

// With --until-done, input that closes while a question is pending cancels
// the question, and the view ends when the rollout does (it used to wait
// for an answer nobody could give).
func TestUntilDoneEndsWhenInputClosesAtAQuestion(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	ctx, w := watchSteer(t, c)
	out := &fixtures.Buffer{}
	screen, err := terminal.Open(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := make(chan terminal.Key, 4)
	v := &Live{
		Screen: screen, Out: out, Keys: keys, Style: render.Style{}, Sources: One(w), Started: time.Now(),
		UntilDone: true, Client: c, Finished: func(*snapshot.Snapshot) error { return nil },
	}
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx) }()

	keys <- "u"
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "[y/N]") {
		if time.Now().After(deadline) {
			t.Fatalf("u asked no question:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	keys <- terminal.KeyEOF
	close(keys)
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: 2}
	if _, err := c.AppsV1().Deployments("shop").UpdateStatus(ctx, d, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("view ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the view did not end: the question nobody can answer kept it open")
	}
	if got, _ := c.AppsV1().Deployments("shop").Get(ctx, "steer", metav1.GetOptions{}); got.Spec.Template.Spec.Containers[0].Image != "winter" {
		t.Errorf("the cancelled question changed the deployment")
	}
}

func TestLiveViewActions(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	ctx, w := watchSteer(t, c)
	v := &Live{Sources: One(w), Client: c}
	get := func() *appsv1.Deployment {
		got, err := c.AppsV1().Deployments("shop").Get(ctx, "steer", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	press := func(k terminal.Key) {
		t.Helper()
		if err := v.key(ctx, k); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	press("p")
	if v.prompt == nil || v.prompt.Question != "Pause the rollout of deployment/steer?" {
		t.Fatalf("p: prompt %+v", v.prompt)
	}
	press("n")
	if v.prompt != nil || get().Spec.Paused || !strings.Contains(v.status, "cancelled") {
		t.Fatalf("n must cancel: %q", v.status)
	}
	press("p")
	press("y")
	if !get().Spec.Paused || v.status != "deployment.apps/steer paused" {
		t.Fatalf("p y: paused %v, status %q", get().Spec.Paused, v.status)
	}
	press("r")
	if v.prompt == nil || v.prompt.Question != "Restart every pod of deployment/steer?" {
		t.Fatalf("r: prompt %+v", v.prompt)
	}
	press("y")
	if get().Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] == "" {
		t.Errorf("r y did not restart: %q", v.status)
	}
	press("x") // not a key of the view
	if v.prompt != nil {
		t.Errorf("x asked something")
	}
	if err := v.key(ctx, "q"); err != ErrQuit {
		t.Errorf("q: %v", err)
	}
}

// The undo's question waits for the registry, but the view does not: u
// returns at once, frames go on, and the question comes with the
// registry's answer.
func TestUndoQuestionDoesNotHoldTheView(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	ctx, w := watchSteer(t, c)
	slow := func(ctx context.Context, ref, _ string) (*registry.Image, error) {
		time.Sleep(time.Second)
		return &registry.Image{Ref: ref}, nil
	}
	v := &Live{Sources: One(w), Client: c, Images: slow, planned: make(chan plannedAction, 1)}
	start := time.Now()
	if err := v.key(ctx, "u"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 200*time.Millisecond || v.prompt != nil || !v.planning {
		t.Fatalf("u held the view %s (prompt %v, planning %v)", took, v.prompt, v.planning)
	}
	if err := v.key(ctx, "u"); err != nil || !v.planning {
		t.Fatalf("a second u while the first is prepared: %v", err)
	}
	select {
	case r := <-v.planned:
		v.questionReady(r)
	case <-time.After(10 * time.Second):
		t.Fatal("the question never came")
	}
	if v.prompt == nil || !strings.HasSuffix(v.prompt.Question, "? (images still in the registry)") || v.planning {
		t.Fatalf("question: %+v", v.prompt)
	}
}

// In a release, ↓ selects the second workload and u (confirmed) rolls back
// that one only; Enter zooms into it and Esc comes back.
func TestReleaseViewActsOnTheSelectedWorkload(t *testing.T) {
	a, arss := fixtures.Renamed("cashier")
	b, brss := fixtures.Renamed("door")
	c := fake.NewClientset(a, arss[0], arss[1], b, brss[0], brss[1])
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var sources []*Source
	for _, name := range []string{"cashier", "door"} {
		w := watcher.New(c, workload.Deployment, "shop", name)
		if err := w.Start(ctx); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &Source{W: w, Who: "deployment/" + name})
	}
	out := &fixtures.Buffer{}
	screen, err := terminal.Open(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := make(chan terminal.Key, 4)
	v := &Live{
		Screen: screen, Out: out, Keys: keys, Style: render.Style{Unicode: true}, Sources: sources, Started: time.Now(),
		Client: c, Finished: func(*snapshot.Snapshot) error { return nil },
	}
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx) }()
	waitFor := func(what string) { t.Helper(); out.WaitFor(t, what) }
	waitFor("▸ deployment/cashier")
	keys <- terminal.KeyDown
	waitFor("▸ deployment/door")
	keys <- terminal.KeyEnter
	waitFor("Deployment shop/door")
	keys <- terminal.KeyEsc
	waitFor("2 workloads")
	keys <- "u"
	waitFor("Roll back deployment/door from rev 2 (winter) to rev 1 (summer)?")
	// An answer counts only once the question has been seen.
	time.Sleep(terminal.AnswerDelay + 100*time.Millisecond)
	keys <- "y"
	waitFor("deployment.apps/door rolled back")
	keys <- "q"
	if err := <-done; err != ErrQuit {
		t.Fatalf("q: %v", err)
	}
	image := func(name string) string {
		d, err := c.AppsV1().Deployments("shop").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return d.Spec.Template.Spec.Containers[0].Image
	}
	if image("door") != "summer" || image("cashier") != "winter" {
		t.Errorf("after u on door: door runs %s, cashier %s; want door rolled back alone", image("door"), image("cashier"))
	}
}

// Each entry of a help line is a key the view obeys, in every state of the
// view: the tables draw the line and handle the keys.
func TestLiveHelpLinesAreTheKeysHandled(t *testing.T) {
	pressed := map[string]terminal.Key{"q": "q", "u": "u", "p": "p", "r": "r", "enter": terminal.KeyEnter, "esc": terminal.KeyEsc, "↑/↓": terminal.KeyUp}
	for _, tc := range []struct {
		name  string
		table []liveBinding
		line  string
	}{
		{"one workload", liveKeys, "q quit · u undo · p pause/resume · r restart"},
		{"a release", releaseKeys, "↑/↓ select · enter zoom · q quit · u undo · p pause/resume · r restart"},
		{"a release zoomed", zoomedKeys, "esc back · q quit · u undo · p pause/resume · r restart"},
	} {
		if got := render.HelpLine(helpOf(tc.table), render.Style{Unicode: true}, true); got != tc.line {
			t.Errorf("%s: help line %q, want %q", tc.name, got, tc.line)
		}
		for _, h := range helpOf(tc.table) {
			k, ok := pressed[h.Keys]
			if !ok {
				t.Fatalf("%s: no key known for %q", tc.name, h.Keys)
			}
			if b, ok := lookup(tc.table, k); !ok || b.Help != h {
				t.Errorf("%s: %q does not press %q", tc.name, k, h.Words)
			}
		}
	}
	// Esc backs out of a zoom before it quits; ↓ moves as ↑ does.
	v := &Live{Sources: []*Source{{}, {}}, zoomed: true}
	if err := v.key(context.Background(), terminal.KeyEsc); err != nil || v.zoomed {
		t.Errorf("esc while zoomed: %v, zoomed %v", err, v.zoomed)
	}
	if err := v.key(context.Background(), "j"); err != nil || v.selected != 1 {
		t.Errorf("j: %v, selected %d", err, v.selected)
	}
	if err := v.key(context.Background(), terminal.KeyEsc); err != ErrQuit {
		t.Errorf("esc in a release: %v, want quit", err)
	}
	if err := v.key(context.Background(), "u"); err != nil || v.prompt != nil {
		t.Errorf("u without a client: %v, prompt %v", err, v.prompt)
	}
}
