package workload

import (
	"context"
	"errors"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/rollback"
)

func statefulSet(image string, gen int64, replicas int32) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "depot", Namespace: "shop", UID: "s1", Generation: gen},
		Spec: appsv1.StatefulSetSpec{Replicas: &replicas, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "depot"}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: image}}},
		}},
	}
}

func rev(n int64, image string, current bool, ann map[string]string) history.Revision {
	return revision.Revision{
		Number: n, Current: current, Annotations: ann,
		Containers: []revision.Container{{Name: "uniform", Image: image}},
		Template: &corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "depot"}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: image}}},
		},
	}
}

func stsRevs() []revision.Revision {
	return []revision.Revision{rev(2, "winter", true, nil), rev(1, "summer", false, nil)}
}

func getSTS(t *testing.T, c *fake.Clientset) *appsv1.StatefulSet {
	t.Helper()
	o, err := c.AppsV1().StatefulSets("shop").Get(context.Background(), "depot", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// planShown plans the undo to revision 1 against the StatefulSet as shown.
func planShown(t *testing.T, shown *appsv1.StatefulSet) *rollback.Plan {
	t.Helper()
	p, err := StatefulSet.PlanUndo(shown, stsRevs(), 1)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUndoSurvivesAScaleInBetween(t *testing.T) {
	shown := statefulSet("winter", 7, 2)
	c := fake.NewClientset(shown.DeepCopy())
	p := planShown(t, shown)
	// An autoscaler scales after the question, before the answer.
	if _, err := c.AppsV1().StatefulSets("shop").Update(context.Background(), statefulSet("winter", 8, 5), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if out, err := rollback.Undo(context.Background(), c, p, rollback.DryRunNone); err != nil || out != "rolled back" {
		t.Fatalf("a scale in between must not block the undo: %q %v", out, err)
	}
	got := getSTS(t, c)
	if img := got.Spec.Template.Spec.Containers[0].Image; img != "summer" || *got.Spec.Replicas != 5 {
		t.Errorf("want the template of rev 1 and the new scale, got image %s replicas %d", img, *got.Spec.Replicas)
	}
}

func TestUndoRefusesATemplateChangeInBetween(t *testing.T) {
	shown := statefulSet("winter", 7, 2)
	c := fake.NewClientset(shown.DeepCopy())
	p := planShown(t, shown)
	if _, err := c.AppsV1().StatefulSets("shop").Update(context.Background(), statefulSet("hotfix", 8, 2), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := rollback.Undo(context.Background(), c, p, rollback.DryRunNone)
	var changed *rollback.Changed
	if !errors.As(err, &changed) || err.Error() != "statefulset/depot changed since it was shown (now hotfix); look again" {
		t.Fatalf("want a refusal naming the new image, got %v", err)
	}
	if img := getSTS(t, c).Spec.Template.Spec.Containers[0].Image; img != "hotfix" {
		t.Errorf("the concurrent change was overwritten: image %s", img)
	}
}

// kubectl's rollbacker reads again and patches with no precondition: a
// hotfix set between that read and the patch ended as the old image. Ours
// tests the generation it read, so the patch fails and the re-read sees
// the hotfix.
func TestUndoRefusesATemplateChangeDuringThePatch(t *testing.T) {
	shown := statefulSet("winter", 7, 2)
	c := fake.NewClientset(shown.DeepCopy())
	hotfixed := false
	c.PrependReactor("patch", "statefulsets", func(k8stesting.Action) (bool, runtime.Object, error) {
		if !hotfixed {
			hotfixed = true
			if err := c.Tracker().Update(appsv1.SchemeGroupVersion.WithResource("statefulsets"), statefulSet("hotfix", 8, 2), "shop"); err != nil {
				t.Fatal(err)
			}
		}
		return false, nil, nil
	})
	_, err := rollback.Undo(context.Background(), c, planShown(t, shown), rollback.DryRunNone)
	var changed *rollback.Changed
	if !errors.As(err, &changed) {
		t.Fatalf("want a refusal, got %v", err)
	}
	if img := getSTS(t, c).Spec.Template.Spec.Containers[0].Image; img != "hotfix" {
		t.Errorf("the hotfix made during the undo was overwritten: image %s", img)
	}
}

func TestUndoDeploymentKeepsKubectlsAnnotations(t *testing.T) {
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "clerk-squad", Namespace: "shop", UID: "u1", Generation: 7, Annotations: map[string]string{
			"deployment.kubernetes.io/revision": "3",
			"team":                              "dropped: the ReplicaSet lacks it",
		}},
	}
	d.Spec.Template = *rev(3, "autumn", true, nil).Template
	revs := []revision.Revision{
		rev(3, "autumn", true, nil),
		rev(2, "winter", false, map[string]string{"deployment.kubernetes.io/revision": "2", "kubernetes.io/change-cause": "winter"}),
	}
	c := fake.NewClientset(d.DeepCopy())
	p, err := Deployment.PlanUndo(d, revs, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rollback.Undo(context.Background(), c, p, rollback.DryRunNone); err != nil {
		t.Fatal(err)
	}
	got, _ := c.AppsV1().Deployments("shop").Get(context.Background(), "clerk-squad", metav1.GetOptions{})
	if got.Spec.Template.Spec.Containers[0].Image != "winter" || got.Annotations["kubernetes.io/change-cause"] != "winter" || got.Annotations["team"] != "" {
		t.Errorf("undo result: image %s annotations %v", got.Spec.Template.Spec.Containers[0].Image, got.Annotations)
	}
}
