package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

// scaleTo scales a Deployment through its scale subresource, as an
// autoscaler or `kubectl scale` does.
func scaleTo(t *testing.T, ns, name string, replicas int32) {
	t.Helper()
	ctx := context.Background()
	s, err := cluster.Client.AppsV1().Deployments(ns).GetScale(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Spec.Replicas = replicas
	if _, err := cluster.Client.AppsV1().Deployments(ns).UpdateScale(ctx, name, s, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("scale %s to %d: %v", name, replicas, err)
	}
}

// watchView starts `kubectl mannequin watch deploy/name` in a terminal and
// waits for the rollout's end on screen.
func watchView(t *testing.T, ctx context.Context, ns, name string) *framework.Terminal {
	t.Helper()
	term, err := env.StartTerminal(ctx, 120, 30, "mannequin", "watch", "deploy/"+name, "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(term.Close)
	if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "successfully rolled out") }); err != nil {
		t.Fatalf("no view: %v\n%s", err, shown(s))
	}
	return term
}

// ask presses key in the live view and waits for question.
func ask(t *testing.T, term *framework.Terminal, key, question string) {
	t.Helper()
	_ = term.Send(key)
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return asked(s, question) }); err != nil {
		t.Fatalf("%s: no question %q: %v\n%s", key, question, err, shown(s))
	}
}

func quit(t *testing.T, term *framework.Terminal) {
	t.Helper()
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Errorf("q: exit %d %v", code, err)
	}
}

// TestPauseAndRestartSurviveAScaleInBetween: a scale between p (or r) and
// y, as an autoscaler makes, changes neither the template nor spec.paused
// the user saw, so the pause, the resume and the restart all apply, over
// the new scale.
func TestPauseAndRestartSurviveAScaleInBetween(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 3*time.Minute)
	createDeployment(t, ns, deployment("steady", deployOpts{replicas: 2, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "steady", 60*time.Second)
	applied := func(what string, ok func(*appsv1.Deployment) bool, term *framework.Terminal) {
		t.Helper()
		refusal := ""
		if err := framework.Eventually(10*time.Second, func() (bool, error) {
			for _, row := range term.Screen() {
				if strings.Contains(row, "changed since it was shown") {
					refusal = strings.TrimSpace(row)
					return true, nil
				}
			}
			return ok(getDeployment(t, ns, "steady")), nil
		}); err != nil || refusal != "" {
			t.Fatalf("%s with a scale in between did not apply: %v %s\n%s", what, err, refusal, shown(term.Screen()))
		}
	}

	term := watchView(t, ctx, ns, "steady")
	ask(t, term, "p", "Pause the rollout of deployment/steady?")
	scaleTo(t, ns, "steady", 3)
	answer(term, "y")
	applied("p y", func(d *appsv1.Deployment) bool { return d.Spec.Paused && *d.Spec.Replicas == 3 }, term)
	// The view asks to resume only once it shows the pause.
	ask(t, term, "p", "Resume the rollout of deployment/steady?")
	scaleTo(t, ns, "steady", 4)
	answer(term, "y")
	applied("p y (resume)", func(d *appsv1.Deployment) bool { return !d.Spec.Paused && *d.Spec.Replicas == 4 }, term)
	quit(t, term)

	waitRolledOut(t, ns, "steady", 60*time.Second)
	term = watchView(t, ctx, ns, "steady")
	ask(t, term, "r", "Restart every pod of deployment/steady?")
	scaleTo(t, ns, "steady", 2)
	answer(term, "y")
	applied("r y", func(d *appsv1.Deployment) bool {
		return d.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] != "" && *d.Spec.Replicas == 2
	}, term)
	quit(t, term)
}

// TestPauseAndRestartRefuseATemplateChangeInBetween: a new image set between
// p (or r) and y is a rollout the user has not seen; the pause and the
// restart refuse on one line naming the new image, and leave the
// Deployment as the other change left it.
func TestPauseAndRestartRefuseATemplateChangeInBetween(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 3*time.Minute)
	createDeployment(t, ns, deployment("moved", deployOpts{replicas: 2, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "moved", 60*time.Second)
	refused := func(what string, term *framework.Terminal, newImage string) {
		t.Helper()
		before := getDeployment(t, ns, "moved")
		answer(term, "y")
		s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "changed since it was shown") })
		if err != nil {
			t.Fatalf("%s after a new image: no refusal: %v\n%s", what, err, shown(s))
		}
		for _, row := range s {
			if strings.Contains(row, "changed since it was shown") && !strings.Contains(row, newImage+"); look again") {
				t.Errorf("%s: the refusal should name the new image %s on its one line: %q", what, newImage, row)
			}
		}
		time.Sleep(1500 * time.Millisecond)
		after := getDeployment(t, ns, "moved")
		if after.Generation != before.Generation || after.Spec.Paused || after.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] != "" ||
			after.Spec.Template.Spec.Containers[0].Image != before.Spec.Template.Spec.Containers[0].Image {
			t.Errorf("%s changed the deployment after a new image: generation %d → %d, paused %v, template %+v",
				what, before.Generation, after.Generation, after.Spec.Paused, after.Spec.Template.ObjectMeta)
		}
	}

	term := watchView(t, ctx, ns, "moved")
	ask(t, term, "p", "Pause the rollout of deployment/moved?")
	setImage(t, ns, "moved", winter)
	refused("p y", term, "uniform:winter-2024")
	quit(t, term)

	waitRolledOut(t, ns, "moved", 60*time.Second)
	term = watchView(t, ctx, ns, "moved")
	ask(t, term, "r", "Restart every pod of deployment/moved?")
	setImage(t, ns, "moved", autumn)
	refused("r y", term, "uniform:autumn-2024")
	quit(t, term)
}
