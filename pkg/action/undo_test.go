package action_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
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

func rev(n int64, image string, current bool, ann map[string]string) revision.Revision {
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
func planShown(t *testing.T, shown *appsv1.StatefulSet) *action.Plan {
	t.Helper()
	p, err := action.PlanUndo(workload.StatefulSet, shown, stsRevs(), 1)
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
	if out, err := action.Undo(context.Background(), c, p, action.DryRunNone); err != nil || out != "rolled back" {
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
	_, err := action.Undo(context.Background(), c, p, action.DryRunNone)
	var changed *action.Changed
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
	_, err := action.Undo(context.Background(), c, planShown(t, shown), action.DryRunNone)
	var changed *action.Changed
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
	p, err := action.PlanUndo(workload.Deployment, d, revs, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := action.Undo(context.Background(), c, p, action.DryRunNone); err != nil {
		t.Fatal(err)
	}
	got, _ := c.AppsV1().Deployments("shop").Get(context.Background(), "clerk-squad", metav1.GetOptions{})
	if got.Spec.Template.Spec.Containers[0].Image != "winter" || got.Annotations["kubernetes.io/change-cause"] != "winter" || got.Annotations["team"] != "" {
		t.Errorf("undo result: image %s annotations %v", got.Spec.Template.Spec.Containers[0].Image, got.Annotations)
	}
}

func deployment(image string, gen int64, paused bool) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "clerk-squad", Namespace: "shop", UID: "u1", Generation: gen}}
	d.Spec.Paused = paused
	d.Spec.Template = *rev(1, image, true, nil).Template
	return d
}

func getDeployment(t *testing.T, c *fake.Clientset) *appsv1.Deployment {
	t.Helper()
	d, err := c.AppsV1().Deployments("shop").Get(context.Background(), "clerk-squad", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPauseAsksWhatTheWorkloadNeedsAndApplies(t *testing.T) {
	shown := deployment("winter", 3, false)
	c := fake.NewClientset(shown.DeepCopy())
	p, err := action.Pause(workload.Deployment, shown)
	if err != nil || p.Question != "Pause the rollout of deployment/clerk-squad?" {
		t.Fatalf("pause: %v %+v", err, p)
	}
	// The fake clientset patches even in a dry run: give it its own.
	if done, err := p.Apply(context.Background(), fake.NewClientset(shown.DeepCopy()), action.DryRunServer); err != nil || done != "paused" {
		t.Fatalf("dry run: %q %v", done, err)
	}
	if done, err := p.Apply(context.Background(), c, action.DryRunNone); err != nil || done != "paused" || !getDeployment(t, c).Spec.Paused {
		t.Fatalf("apply: %q %v, paused %v", done, err, getDeployment(t, c).Spec.Paused)
	}
	resume, err := action.Pause(workload.Deployment, deployment("winter", 3, true))
	if err != nil || resume.Question != "Resume the rollout of deployment/clerk-squad?" {
		t.Errorf("resume: %v %+v", err, resume)
	}
	if _, err := action.Pause(workload.StatefulSet, statefulSet("winter", 1, 2)); err == nil || err.Error() != "statefulset/depot: pausing is only supported for deployments, as in kubectl" {
		t.Errorf("a StatefulSet cannot pause: %v", err)
	}
}

// What a pause or a restart rests on is the pod template and spec.paused
// as shown: a template changed in between refuses either, and the refusal
// says what the workload has become.
func TestPauseAndRestartRefuseAChangeInBetween(t *testing.T) {
	shown := deployment("winter", 3, false)
	for _, plan := range []func() (*action.Pending, error){
		func() (*action.Pending, error) { return action.Pause(workload.Deployment, shown) },
		func() (*action.Pending, error) {
			return action.Restart(workload.Deployment, shown, time.Now), nil
		},
	} {
		c := fake.NewClientset(deployment("hotfix", 4, false))
		p, err := plan()
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Apply(context.Background(), c, action.DryRunNone)
		var changed *action.Changed
		if !errors.As(err, &changed) || err.Error() != "deployment/clerk-squad changed since it was shown (now a new revision, hotfix); look again" {
			t.Errorf("%q: want a refusal naming the change, got %v", p.Question, err)
		}
		if d := getDeployment(t, c); d.Spec.Paused || d.Spec.Template.Annotations != nil || d.Spec.Template.Spec.Containers[0].Image != "hotfix" {
			t.Errorf("%q changed the workload: %+v", p.Question, d.Spec)
		}
	}
}

// scaled is the Deployment shown, as an autoscaler or `kubectl scale`
// leaves it: more replicas, a new generation the controller has not
// observed yet, the same template and spec.paused.
func scaled(shown *appsv1.Deployment, replicas int32) *appsv1.Deployment {
	d := shown.DeepCopy()
	d.Spec.Replicas = &replicas
	d.Generation++
	return d
}

// A scale between the question and the answer changes nothing a pause or a
// restart rests on: both apply, and keep the new scale.
func TestPauseAndRestartSurviveAScaleInBetween(t *testing.T) {
	shown := deployment("winter", 3, false)
	two := int32(2)
	shown.Spec.Replicas = &two
	shown.Status.ObservedGeneration = 3
	for _, tc := range []struct {
		plan func() (*action.Pending, error)
		done string
		ok   func(*appsv1.Deployment) bool
	}{
		{func() (*action.Pending, error) { return action.Pause(workload.Deployment, shown) }, "paused",
			func(d *appsv1.Deployment) bool { return d.Spec.Paused }},
		{func() (*action.Pending, error) { return action.Restart(workload.Deployment, shown, time.Now), nil }, "restarted",
			func(d *appsv1.Deployment) bool {
				return d.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] != ""
			}},
	} {
		c := fake.NewClientset(shown.DeepCopy())
		p, err := tc.plan()
		if err != nil {
			t.Fatal(err)
		}
		// The autoscaler scales after the question, before the answer.
		if _, err := c.AppsV1().Deployments("shop").Update(context.Background(), scaled(shown, 5), metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		if done, err := p.Apply(context.Background(), c, action.DryRunNone); err != nil || done != tc.done {
			t.Fatalf("%q: a scale in between must not block it: %q %v", p.Question, done, err)
		}
		if d := getDeployment(t, c); !tc.ok(d) || *d.Spec.Replicas != 5 || d.Spec.Template.Spec.Containers[0].Image != "winter" {
			t.Errorf("%q: want it applied over the new scale, got %+v", p.Question, d.Spec)
		}
	}
}

// A scale that lands between the plugin's read and its patch fails the
// patch's test of the generation read; the next read finds the template as
// shown, and the pause goes through.
func TestPauseSurvivesAScaleDuringThePatch(t *testing.T) {
	shown := deployment("winter", 3, false)
	c := fake.NewClientset(shown.DeepCopy())
	patches := 0
	c.PrependReactor("patch", "deployments", func(k8stesting.Action) (bool, runtime.Object, error) {
		if patches++; patches == 1 {
			if err := c.Tracker().Update(appsv1.SchemeGroupVersion.WithResource("deployments"), scaled(shown, 5), "shop"); err != nil {
				t.Fatal(err)
			}
		}
		return false, nil, nil
	})
	p, _ := action.Pause(workload.Deployment, shown)
	if done, err := p.Apply(context.Background(), c, action.DryRunNone); err != nil || done != "paused" {
		t.Fatalf("a scale during the patch must not block the pause: %q %v", done, err)
	}
	if d := getDeployment(t, c); !d.Spec.Paused || *d.Spec.Replicas != 5 || patches != 2 {
		t.Errorf("want paused at the new scale after one retry, got %+v after %d patches", d.Spec, patches)
	}
}

// A template changed between the plugin's read and its patch fails the
// patch's test of the generation read, and the next read refuses: the
// restart never stamps a template the user has not seen.
func TestRestartRefusesATemplateChangeDuringThePatch(t *testing.T) {
	shown := deployment("winter", 3, false)
	c := fake.NewClientset(shown.DeepCopy())
	hotfixed := false
	c.PrependReactor("patch", "deployments", func(k8stesting.Action) (bool, runtime.Object, error) {
		if !hotfixed {
			hotfixed = true
			if err := c.Tracker().Update(appsv1.SchemeGroupVersion.WithResource("deployments"), deployment("hotfix", 4, false), "shop"); err != nil {
				t.Fatal(err)
			}
		}
		return false, nil, nil
	})
	_, err := action.Restart(workload.Deployment, shown, time.Now).Apply(context.Background(), c, action.DryRunNone)
	var changed *action.Changed
	if !errors.As(err, &changed) || err.Error() != "deployment/clerk-squad changed since it was shown (now a new revision, hotfix); look again" {
		t.Fatalf("want a refusal naming the hotfix, got %v", err)
	}
	if d := getDeployment(t, c); d.Spec.Template.Annotations != nil || d.Spec.Template.Spec.Containers[0].Image != "hotfix" {
		t.Errorf("the restart stamped a template the user did not see: %+v", d.Spec.Template)
	}
}

// Someone else pausing (or resuming) in between changes what a pause
// would flip: it refuses, saying so, and changes nothing.
func TestPauseRefusesAPauseInBetween(t *testing.T) {
	for _, shownPaused := range []bool{false, true} {
		shown := deployment("winter", 3, shownPaused)
		c := fake.NewClientset(deployment("winter", 4, !shownPaused))
		p, err := action.Pause(workload.Deployment, shown)
		if err != nil {
			t.Fatal(err)
		}
		want := "deployment/clerk-squad changed since it was shown (now paused); look again"
		if shownPaused {
			want = "deployment/clerk-squad changed since it was shown (now resumed); look again"
		}
		_, err = p.Apply(context.Background(), c, action.DryRunNone)
		var changed *action.Changed
		if !errors.As(err, &changed) || err.Error() != want {
			t.Errorf("%q: want %q, got %v", p.Question, want, err)
		}
		if d := getDeployment(t, c); d.Spec.Paused == shownPaused {
			t.Errorf("%q changed the workload: %+v", p.Question, d.Spec)
		}
	}
}

func TestRestartStampsTheTemplate(t *testing.T) {
	shown := statefulSet("winter", 7, 2)
	c := fake.NewClientset(shown.DeepCopy())
	at := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	p := action.Restart(workload.StatefulSet, shown, func() time.Time { return at })
	if p.Question != "Restart every pod of statefulset/depot?" {
		t.Errorf("question: %q", p.Question)
	}
	if done, err := p.Apply(context.Background(), c, action.DryRunNone); err != nil || done != "restarted" {
		t.Fatalf("restart: %q %v", done, err)
	}
	if got := getSTS(t, c).Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"]; got != "2026-11-30T06:00:00Z" {
		t.Errorf("restartedAt = %q", got)
	}
}

func TestActionsSayForbiddenAndGone(t *testing.T) {
	shown := deployment("winter", 3, false)
	c := fake.NewClientset(shown.DeepCopy())
	c.PrependReactor("patch", "deployments", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(appsv1.Resource("deployments"), "clerk-squad", errors.New("RBAC"))
	})
	p, _ := action.Pause(workload.Deployment, shown)
	if _, err := p.Apply(context.Background(), c, action.DryRunNone); err == nil || !strings.HasPrefix(err.Error(), `forbidden: you may not patch deployments in namespace "shop"`) {
		t.Errorf("forbidden: %v", err)
	}
	empty := fake.NewClientset()
	if _, err := p.Apply(context.Background(), empty, action.DryRunNone); err == nil || err.Error() != `deployment/clerk-squad no longer exists in namespace "shop"` {
		t.Errorf("gone: %v", err)
	}
	if _, err := action.UndoShown(context.Background(), empty, workload.Deployment, shown, nil); err == nil || err.Error() != `deployment/clerk-squad no longer exists in namespace "shop"` {
		t.Errorf("undo of a gone workload: %v", err)
	}
}

func controllerRevision(sts *appsv1.StatefulSet, n int64, image string) *appsv1.ControllerRevision {
	tpl := statefulSet(image, 1, 1).Spec.Template
	raw, _ := json.Marshal(map[string]any{"spec": map[string]any{"template": tpl}})
	return &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("depot-%d", n), Namespace: "shop", UID: types.UID(fmt.Sprint("cr", n)),
			Labels:          map[string]string{"app": "depot"},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(sts, appsv1.SchemeGroupVersion.WithKind("StatefulSet"))}},
		Revision: n,
		Data:     runtime.RawExtension{Raw: raw},
	}
}

func TestUndoShownPlansAgainstTheScreenAndApplies(t *testing.T) {
	shown := statefulSet("winter", 7, 2)
	shown.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "depot"}}
	shown.Status.UpdateRevision = "depot-2"
	c := fake.NewClientset(shown.DeepCopy(), controllerRevision(shown, 1, "summer"), controllerRevision(shown, 2, "winter"))

	p, err := action.UndoShown(context.Background(), c, workload.StatefulSet, shown, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Question != "Roll back statefulset/depot from rev 2 (winter) to rev 1 (summer)?" {
		t.Errorf("question: %q", p.Question)
	}
	if done, err := p.Apply(context.Background(), c, action.DryRunNone); err != nil || done != "rolled back" {
		t.Fatalf("apply: %q %v", done, err)
	}
	if img := getSTS(t, c).Spec.Template.Spec.Containers[0].Image; img != "summer" {
		t.Errorf("image after undo: %s", img)
	}

	// The screen still shows winter, but the cluster now runs summer: the
	// user has not seen that, so no question is asked.
	if _, err := action.UndoShown(context.Background(), c, workload.StatefulSet, shown, nil); err == nil || !strings.Contains(err.Error(), "changed since it was shown (now summer)") {
		t.Errorf("want a refusal, got %v", err)
	}
}

func TestUndoShownNeedsTwoRevisions(t *testing.T) {
	shown := statefulSet("winter", 7, 2)
	shown.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "depot"}}
	c := fake.NewClientset(shown.DeepCopy(), controllerRevision(shown, 1, "winter"))
	if _, err := action.UndoShown(context.Background(), c, workload.StatefulSet, shown, nil); err == nil || err.Error() != "no last revision to roll back to" {
		t.Errorf("want kubectl's refusal, got %v", err)
	}
}

// A client dry run shows the workload as the undo would leave it, worked
// out without the server, and changes nothing.
func TestPreviewIsTheUndoWithoutTheServer(t *testing.T) {
	d := deployment("autumn", 3, false)
	revs := []revision.Revision{rev(3, "autumn", true, nil), rev(2, "winter", false, map[string]string{"kubernetes.io/change-cause": "winter"})}
	p, err := action.PlanUndo(workload.Deployment, d, revs, 2)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := p.Preview()
	if err != nil {
		t.Fatal(err)
	}
	got, ok := obj.(*appsv1.Deployment)
	if !ok || got.Spec.Template.Spec.Containers[0].Image != "winter" || got.Annotations["kubernetes.io/change-cause"] != "winter" || got.Name != "clerk-squad" {
		t.Errorf("preview: %T %+v", obj, obj)
	}
	if d.Spec.Template.Spec.Containers[0].Image != "autumn" {
		t.Errorf("the preview changed the object shown")
	}
}

// The undo question says what the registry holds of the target's images.
func TestUndoQuestionSaysWhatTheRegistryHolds(t *testing.T) {
	for problem, want := range map[registry.Problem]string{
		"":                    "(images still in the registry)",
		registry.NotFound:     "(WARNING: 1 image gone from the registry, pods would not start)",
		registry.Unauthorized: "(1 image refused to us by the registry)",
		registry.Unreachable:  "(1 image not checked, registry unreachable)",
	} {
		plan := planShown(t, statefulSet("winter", 2, 1))
		plan.CheckImages(context.Background(), nil, func(_ context.Context, ref, _ string) (*registry.Image, error) {
			if problem == "" {
				return &registry.Image{Ref: ref}, nil
			}
			return nil, &registry.Error{Ref: ref, Problem: problem}
		})
		if q := plan.Question(); !strings.HasSuffix(q, "? "+want) {
			t.Errorf("%q: question %q, want it to end with %q", problem, q, want)
		}
	}
}

// A Deployment rolled from summer to winter; revision 1's pods still run
// (the new ones fail), having pulled summer as ranDigest.
func repushFixture(ranDigest string) (*appsv1.Deployment, []revision.Revision, *fake.Clientset) {
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "clerk"}}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "clerk", Namespace: "shop", UID: "d1", Annotations: map[string]string{revision.NumberAnnotation: "2"}},
		Spec: appsv1.DeploymentSpec{Selector: sel, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "clerk"}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: "reg/uniform:winter"}}},
		}},
	}
	owner := []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))}
	rs := func(n, image string) *appsv1.ReplicaSet {
		return &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Name: "clerk-" + n, Namespace: "shop", UID: types.UID("rs" + n), OwnerReferences: owner,
				Annotations: map[string]string{revision.NumberAnnotation: n}},
			Spec: appsv1.ReplicaSetSpec{Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "clerk", "pod-template-hash": n}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: image}}},
			}},
		}
	}
	rss := []*appsv1.ReplicaSet{rs("1", "reg/uniform:summer"), rs("2", "reg/uniform:winter")}
	revs, _ := revision.FromReplicaSets(d, rss, rss[1])
	pod := func(name string, of *appsv1.ReplicaSet, imageID string) *corev1.Pod {
		return &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop", Labels: map[string]string{"app": "clerk"},
				OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(of, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))}},
			Spec:   of.Spec.Template.Spec,
			Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "uniform", Image: of.Spec.Template.Spec.Containers[0].Image, ImageID: imageID}}},
		}
	}
	c := fake.NewClientset(
		pod("old-a", rss[0], "reg/uniform@"+ranDigest),
		pod("old-b", rss[0], "reg/uniform@"+ranDigest),
		// The new revision's pod ran another digest: it is not the target's.
		pod("new-a", rss[1], "reg/uniform@sha256:"+strings.Repeat("c", 64)),
	)
	return d, revs, c
}

// The preflight compares the registry's digest with what the target's pods
// ran: a tag pushed since is said with both digests.
func TestUndoQuestionSaysATagWasPushedAgain(t *testing.T) {
	ran, now := "sha256:"+strings.Repeat("a", 64), "sha256:"+strings.Repeat("b", 64)
	for registryHas, want := range map[string]string{
		ran: "(images still in the registry)",
		now: "(WARNING: the tag was pushed again: its pods ran sha256:aaaaaaaaaaaa, undo would pull sha256:bbbbbbbbbbbb)",
	} {
		d, revs, c := repushFixture(ran)
		plan, skip, err := action.PlanFor(workload.Deployment, d, revs, 0)
		if err != nil || skip != "" {
			t.Fatalf("plan: %v %q", err, skip)
		}
		plan.CheckImages(context.Background(), c, func(_ context.Context, ref, _ string) (*registry.Image, error) {
			if ref != "reg/uniform:summer" {
				t.Errorf("asked about %s, want the target's image", ref)
			}
			return &registry.Image{Ref: ref, Digest: registryHas}, nil
		})
		if q := plan.Question(); !strings.HasSuffix(q, "? "+want) {
			t.Errorf("registry has %s: question %q, want it to end with %q", registryHas[:13], q, want)
		}
	}
}
