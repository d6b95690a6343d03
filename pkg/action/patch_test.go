package action

import (
	"encoding/json"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

func rev(n int64, image string, current bool, ann map[string]string) history.Revision {
	return revision.Revision{
		Number: n, Current: current, Annotations: ann,
		Containers: []revision.Container{{Name: "uniform", Image: image}},
		Template: &corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "c", "pod-template-hash": "h" + image}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: image}}},
		},
	}
}

func deploy(image string) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "clerk-squad", Namespace: "shop", UID: "u1", Generation: 7, Annotations: map[string]string{
			"deployment.kubernetes.io/revision":                "3",
			"kubectl.kubernetes.io/last-applied-configuration": "{}",
			"team": "dropped: the ReplicaSet lacks it",
		}},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "c"}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: image}}},
		}},
	}
}

var revs = []revision.Revision{
	rev(3, "autumn", true, map[string]string{"deployment.kubernetes.io/revision": "3"}),
	rev(2, "winter", false, map[string]string{"deployment.kubernetes.io/revision": "2", "kubernetes.io/change-cause": "winter"}),
	rev(1, "summer", false, nil),
}

func TestPlanUndoFollowsKubectl(t *testing.T) {
	d := deploy("autumn")
	for _, tc := range []struct {
		to      int64
		revs    []revision.Revision
		want    int64
		wantErr string
	}{
		{to: 0, revs: revs, want: 2},
		{to: 1, revs: revs, want: 1},
		{to: 999, revs: revs, wantErr: "unable to find specified revision 999 in history"},
		{to: -1, revs: revs, wantErr: "unable to find specified revision -1 in history"},
		{to: 0, revs: revs[:1], wantErr: `no rollout history found for deployment "clerk-squad"`},
	} {
		p, err := PlanUndo(workload.Deployment, d, tc.revs, tc.to)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("to %d: error %v, want %q", tc.to, err, tc.wantErr)
			}
			continue
		}
		if err != nil || p.Target.Number != tc.want {
			t.Errorf("to %d: got %v %v, want revision %d", tc.to, p, err, tc.want)
		}
	}
}

func TestCheckRefusesPausedAndSkipsSameTemplate(t *testing.T) {
	d := deploy("autumn")
	p, _ := PlanUndo(workload.Deployment, d, revs, 3)
	if skip, err := p.Check(); err != nil || skip != "skipped rollback (current template already matches revision 3)" {
		t.Errorf("same template: %q %v", skip, err)
	}
	d.Spec.Paused = true
	p, _ = PlanUndo(workload.Deployment, d, revs, 1)
	if _, err := p.Check(); err == nil || err.Error() != "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again" {
		t.Errorf("paused: %v", err)
	}
}

func TestPatchIsKubectlsWithPreconditions(t *testing.T) {
	p, _ := PlanUndo(workload.Deployment, deploy("autumn"), revs, 2)
	raw, err := p.Patch(p.Object)
	if err != nil {
		t.Fatal(err)
	}
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &ops); err != nil {
		t.Fatal(err)
	}
	if len(ops) != 4 || ops[0].Op != "test" || ops[0].Path != "/metadata/uid" || string(ops[0].Value) != `"u1"` ||
		ops[1].Op != "test" || ops[1].Path != "/metadata/generation" || string(ops[1].Value) != "7" {
		t.Fatalf("want uid and generation tests first, got %s", raw)
	}
	var tpl corev1.PodTemplateSpec
	_ = json.Unmarshal(ops[2].Value, &tpl)
	if ops[2].Path != "/spec/template" || tpl.Spec.Containers[0].Image != "winter" || tpl.Labels["pod-template-hash"] != "" {
		t.Errorf("template op wrong: %s", ops[2].Value)
	}
	var ann map[string]string
	_ = json.Unmarshal(ops[3].Value, &ann)
	want := map[string]string{
		"deployment.kubernetes.io/revision":                "3",  // the Deployment's own, kept
		"kubectl.kubernetes.io/last-applied-configuration": "{}", // kept
		"kubernetes.io/change-cause":                       "winter",
	}
	if len(ann) != len(want) {
		t.Errorf("annotations %v, want %v", ann, want)
	}
	for k, v := range want {
		if ann[k] != v {
			t.Errorf("annotation %s = %q, want %q", k, ann[k], v)
		}
	}
}

func TestRestartPatchCreatesAnnotations(t *testing.T) {
	d := deploy("x")
	raw, _ := RestartPatch(d, d.Spec.Template.Annotations, metav1.Now().Time)
	var ops []map[string]any
	_ = json.Unmarshal(raw, &ops)
	if len(ops) != 4 || ops[2]["path"] != "/spec/template/metadata/annotations" || ops[3]["path"] != "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt" {
		t.Errorf("restart patch: %s", raw)
	}
}

func TestChangedSanitizesTheImage(t *testing.T) {
	err := &Changed{Name: "x", Now: "rev 5, uniform:\x1b[2J"}
	if got, want := err.Error(), `deployment/x changed since it was shown (now rev 5, uniform:\x1b[2J); look again`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
