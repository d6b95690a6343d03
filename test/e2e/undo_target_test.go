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

// replicaSetOf returns the ReplicaSet of deployment name that runs image.
func replicaSetOf(t *testing.T, ns, name, image string) *appsv1.ReplicaSet {
	t.Helper()
	list, err := cluster.Client.AppsV1().ReplicaSets(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=" + name})
	if err != nil {
		t.Fatal(err)
	}
	for i := range list.Items {
		if list.Items[i].Spec.Template.Spec.Containers[0].Image == image {
			return &list.Items[i]
		}
	}
	t.Fatalf("no ReplicaSet of %s runs %s", name, image)
	return nil
}

// selectedRow is the history row under the cursor.
func selectedRow(s []string) string {
	for _, row := range s {
		if strings.HasPrefix(strings.TrimSpace(row), "›") {
			return row
		}
	}
	return ""
}

// TestHistoryUndoGoesToTheSelectedRow: the interactive history's u rolls
// back to the row selected, the ReplicaSet itself, not to whichever
// carries its number. Here two ReplicaSets carry revision 2 (the
// annotation is anyone's who may edit ReplicaSets) and one none at all;
// the question names the selected row's image, and y applies that one.
func TestHistoryUndoGoesToTheSelectedRow(t *testing.T) {
	ns := namespace(t)
	const spring = "registry.example/uniform:spring-2025"
	withHistory(t, ns, "forged", summer, winter, autumn, spring)
	ctx := ctxFor(t, 3*time.Minute)
	annotate := func(image, value string) {
		t.Helper()
		rs := replicaSetOf(t, ns, "forged", image)
		if value == "" {
			delete(rs.Annotations, "deployment.kubernetes.io/revision")
		} else {
			rs.Annotations["deployment.kubernetes.io/revision"] = value
		}
		if _, err := cluster.Client.AppsV1().ReplicaSets(ns).Update(context.Background(), rs, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	annotate(summer, "3") // revision 3 is autumn's too
	annotate(winter, "")  // no number: 0

	for _, pick := range []struct{ image, short string }{{summer, "uniform:summer-2023"}, {winter, "uniform:winter-2024"}} {
		term, err := env.StartTerminal(ctx, 120, 30, "mannequin", "history", "deploy/forged", "-n", ns, "--registry=off")
		if err != nil {
			t.Fatal(err)
		}
		if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "current") && contains(s, "spring") }); err != nil {
			t.Fatalf("no history view: %v\n%s", err, shown(s))
		}
		found := false
		for range 5 {
			_ = term.Send("j")
			time.Sleep(300 * time.Millisecond)
			if strings.Contains(selectedRow(term.Screen()), pick.short) {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("no row of %s to select:\n%s", pick.short, shown(term.Screen()))
		}
		_ = term.Send("u")
		if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return asked(s, pick.short+")?") }); err != nil {
			t.Fatalf("the question does not name the selected row's image %s:\n%s", pick.short, shown(s))
		}
		answer(term, "y")
		if err := framework.Eventually(20*time.Second, func() (bool, error) {
			return getDeployment(t, ns, "forged").Spec.Template.Spec.Containers[0].Image == pick.image, nil
		}); err != nil {
			t.Fatalf("selected %s, the undo applied %s", pick.image, getDeployment(t, ns, "forged").Spec.Template.Spec.Containers[0].Image)
		}
		waitRolledOut(t, ns, "forged", 60*time.Second)
		_ = term.Send("q")
		if code, err := term.Wait(15 * time.Second); err != nil || code != 0 {
			t.Errorf("exit %d %v", code, err)
		}
		term.Close()
	}
}

// TestQuestionKeepsItsTargetOnSmallScreens: with long images at 100
// columns the question keeps "to rev 1" and [y/N] (the images are
// shortened instead), and on a terminal two rows high the question takes
// the screen rather than being cut.
func TestQuestionKeepsItsTargetOnSmallScreens(t *testing.T) {
	ns := namespace(t)
	long := "registry.example/platform/team-retail/storefront/checkout-service/uniform"
	withHistory(t, ns, "longname", long+":summer-2023-build-4711-release-candidate", long+":winter-2024-build-4712-release-candidate")
	ctx := ctxFor(t, 2*time.Minute)
	for _, args := range [][]string{{"watch", "deploy/longname"}, {"history", "deploy/longname"}} {
		term, err := env.StartTerminal(ctx, 100, 30, append([]string{"mannequin"}, append(args, "-n", ns, "--registry=off")...)...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "rolled out") || contains(s, "(current)") }); err != nil {
			t.Fatalf("%s: no view: %v", args[0], err)
		}
		if args[0] == "history" {
			_ = term.Send("j")
			time.Sleep(300 * time.Millisecond)
		}
		_ = term.Send("u")
		whole := func(s []string) bool {
			return asked(s, "Roll back deployment/longname from rev 2") && asked(s, "to rev 1")
		}
		if s, err := term.WaitForScreen(10*time.Second, whole); err != nil {
			t.Fatalf("%s at 100 columns: the question lost its target or [y/N]:\n%s", args[0], shown(s))
		}
		_ = term.Resize(100, 2)
		if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return len(s) >= 2 && whole(s[:2]) }); err != nil {
			t.Fatalf("%s on two rows: the question must take both:\n%s", args[0], shown(s))
		}
		_ = term.Resize(100, 1)
		if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return len(s) >= 1 && whole(s[:1]) }); err != nil {
			t.Fatalf("%s on one row: the question must keep both revisions and [y/N]:\n%s", args[0], shown(s))
		}
		answer(term, "n")
		_ = term.Resize(100, 30)
		time.Sleep(500 * time.Millisecond)
		_ = term.Send("q")
		if code, err := term.Wait(15 * time.Second); err != nil || code != 0 {
			t.Errorf("%s: exit %d %v", args[0], code, err)
		}
		term.Close()
	}
	if img := getDeployment(t, ns, "longname").Spec.Template.Spec.Containers[0].Image; !strings.HasSuffix(img, "winter-2024-build-4712-release-candidate") {
		t.Errorf("n changed the deployment: %s", img)
	}
}
