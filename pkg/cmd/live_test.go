package cmd

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// twoRevisions is a Deployment of no pods with two ReplicaSets, so that u
// has a revision to go back to; its rollout waits for the controller.
func twoRevisions() (*appsv1.Deployment, []*appsv1.ReplicaSet) {
	zero := int32(0)
	labels := map[string]string{"app": "steer"}
	tpl := func(img string) corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: labels},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: img}}},
		}
	}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "steer", Namespace: "shop", UID: "d1", Generation: 2,
			Annotations: map[string]string{"deployment.kubernetes.io/revision": "2"}},
		Spec:   appsv1.DeploymentSpec{Replicas: &zero, Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tpl("winter")},
		Status: appsv1.DeploymentStatus{ObservedGeneration: 1},
	}
	var rss []*appsv1.ReplicaSet
	for i, img := range []string{"summer", "winter"} {
		rss = append(rss, &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{
				Name: "steer-" + img, Namespace: "shop", UID: types.UID("rs-" + img), Labels: labels,
				Annotations:     map[string]string{"deployment.kubernetes.io/revision": string(rune('1' + i))},
				OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))},
			},
			Spec: appsv1.ReplicaSetSpec{Replicas: &zero, Selector: d.Spec.Selector, Template: tpl(img)},
		})
	}
	return d, rss
}

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
	d, rss := twoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	ctx, w := watchSteer(t, c)
	out := &syncBuffer{}
	screen, err := terminal.Open(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := make(chan terminal.Key, 4)
	v := &liveView{
		screen: screen, out: out, keys: keys, style: render.Style{}, sources: one(w), started: time.Now(),
		untilDone: true, client: c, finished: func(*snapshot.Snapshot) error { return nil },
	}
	done := make(chan error, 1)
	go func() { done <- v.run(ctx) }()

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

// syncBuffer is a screen that a test may read while the view draws.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// waitFor waits for what to be written, for up to ten seconds.
func (s *syncBuffer) waitFor(t *testing.T, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.String(), what) {
		if time.Now().After(deadline) {
			t.Fatalf("never written: %q; so far:\n%s", what, s.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLiveViewActions(t *testing.T) {
	d, rss := twoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	ctx, w := watchSteer(t, c)
	v := &liveView{sources: one(w), client: c}
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
	if err := v.key(ctx, "q"); err != errQuit {
		t.Errorf("q: %v", err)
	}
}

// The undo's question waits for the registry, but the view does not: u
// returns at once, frames go on, and the question comes with the
// registry's answer.
func TestUndoQuestionDoesNotHoldTheView(t *testing.T) {
	d, rss := twoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	ctx, w := watchSteer(t, c)
	slow := func(ctx context.Context, ref, _ string) (*registry.Image, error) {
		time.Sleep(time.Second)
		return &registry.Image{Ref: ref}, nil
	}
	v := &liveView{sources: one(w), client: c, images: slow, planned: make(chan plannedAction, 1)}
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

// renamed is twoRevisions' Deployment under another name, with its own
// selector and ReplicaSets.
func renamed(name string) (*appsv1.Deployment, []*appsv1.ReplicaSet) {
	d, rss := twoRevisions()
	labels := map[string]string{"app": name}
	d.Name, d.UID = name, types.UID("d-"+name)
	d.Spec.Selector = &metav1.LabelSelector{MatchLabels: labels}
	d.Spec.Template.Labels = labels
	for _, rs := range rss {
		rs.Name = strings.Replace(rs.Name, "steer", name, 1)
		rs.UID = types.UID(string(rs.UID) + "-" + name)
		rs.Labels, rs.Spec.Template.Labels, rs.Spec.Selector = labels, labels, d.Spec.Selector
		rs.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))}
	}
	return d, rss
}

// In a release, ↓ selects the second workload and u (confirmed) rolls back
// that one only; Enter zooms into it and Esc comes back.
func TestReleaseViewActsOnTheSelectedWorkload(t *testing.T) {
	a, arss := renamed("cashier")
	b, brss := renamed("door")
	c := fake.NewClientset(a, arss[0], arss[1], b, brss[0], brss[1])
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var sources []*source
	for _, name := range []string{"cashier", "door"} {
		w := watcher.New(c, workload.Deployment, "shop", name)
		if err := w.Start(ctx); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &source{w: w, who: "deployment/" + name})
	}
	out := &syncBuffer{}
	screen, err := terminal.Open(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := make(chan terminal.Key, 4)
	v := &liveView{
		screen: screen, out: out, keys: keys, style: render.Style{Unicode: true}, sources: sources, started: time.Now(),
		client: c, finished: func(*snapshot.Snapshot) error { return nil },
	}
	done := make(chan error, 1)
	go func() { done <- v.run(ctx) }()
	waitFor := func(what string) { t.Helper(); out.waitFor(t, what) }
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
	if err := <-done; err != errQuit {
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
