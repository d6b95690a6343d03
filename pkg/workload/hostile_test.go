package workload

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// hostile is text that anyone allowed to edit a workload or a pod's status
// can put where we print: OSC 52 (write the clipboard), clear the screen,
// move the cursor up, a C1 CSI, and a right-to-left override.
const hostile = "x\x1b]52;c;aGk=\x07\x1b[2J\x1b[1A\u009b2J\u202e"

// noControl fails when any string of v's fields could act on a terminal.
func noControl(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if sanitize.Unsafe(r) {
			t.Errorf("%s keeps %U: %q", what, r, s)
			return
		}
	}
}

func TestSnapshotSanitizesClusterText(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC)
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "clerk-squad", Namespace: "shop", UID: "d1", Generation: 2},
		Spec:       appsv1.DeploymentSpec{Replicas: ptr(int32(1)), Template: template("uniform:" + hostile)},
		Status: appsv1.DeploymentStatus{ObservedGeneration: 2, Conditions: []appsv1.DeploymentCondition{
			{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse, Reason: "R" + hostile, Message: "M" + hostile},
		}},
	}
	rs := replicaSet("clerk-squad-new", "1", d, "uniform:"+hostile, 1)
	rs.Annotations[revision.ChangeCauseAnnotation] = hostile
	rs.Status.Conditions = []appsv1.ReplicaSetCondition{{Type: appsv1.ReplicaSetReplicaFailure, Status: corev1.ConditionTrue, Message: hostile}}
	p := pod("p", rs, 1)
	p.Spec.Containers = []corev1.Container{{Name: "uniform", Image: "uniform:" + hostile}}
	p.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: hostile}}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{
		Name: "uniform", Image: "uniform:" + hostile,
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: hostile}},
	}}
	running := pod("q", rs, 2)
	running.Status.ContainerStatuses = []corev1.ContainerStatus{{
		Name: "uniform", Image: hostile, ImageID: "uniform@sha256:" + hostile,
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}},
	}}
	s := deploymentSnapshot(d, []*appsv1.ReplicaSet{rs}, []*corev1.Pod{p, running}, now, now)

	for _, c := range s.Workload.Conditions {
		noControl(t, "condition reason", c.Reason)
		noControl(t, "condition message", c.Message)
	}
	r := s.Revisions[0]
	noControl(t, "change-cause", r.ChangeCause)
	noControl(t, "revision image", r.Images[0])
	noControl(t, "replica failure", r.Failure.Message)
	for _, pod := range r.Pods {
		noControl(t, "pod message", pod.Message)
		noControl(t, "pod image", pod.Image)
		for _, s := range pod.PullSecrets {
			noControl(t, "pull secret", s)
		}
		for _, img := range pod.Images {
			noControl(t, "running image", img.Image)
			noControl(t, "image ID", img.ImageID)
		}
	}
	if !strings.Contains(r.ChangeCause, `\x1b]52;c;aGk=\x07`) {
		t.Errorf("the change-cause should show the escape sequence as text, got %q", r.ChangeCause)
	}
}

// A StatefulSet's status names its revisions, and anyone who may update
// statefulsets/status writes those names; the phase message that the
// frame's header and the plain log print quotes them.
func TestStatefulSetRevisionNamesAreSanitized(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC)
	for _, tc := range []struct {
		name            string
		update, current string
	}{
		{"updating", "web-2" + hostile, "web-1"},
		{"complete", "web-2" + hostile, "web-2" + hostile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sts := &appsv1.StatefulSet{
				ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", UID: "s1", Generation: 2},
				Spec: appsv1.StatefulSetSpec{Replicas: ptr(int32(1)), Template: template("uniform:1"),
					UpdateStrategy: appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType}},
				Status: appsv1.StatefulSetStatus{ObservedGeneration: 2, Replicas: 1, ReadyReplicas: 1, CurrentReplicas: 1,
					UpdateRevision: tc.update, CurrentRevision: tc.current},
			}
			s := statefulSetSnapshot(sts, nil, nil, now, now)
			noControl(t, "phase message", s.Message)
			if !strings.Contains(s.Message, `web-2x\x1b]52;c;aGk=\x07`) {
				t.Errorf("the message should show the revision's escape sequence as text, got %q", s.Message)
			}
		})
	}
}
