package render

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// unsafeIn reports the first character of s that a terminal would act on
// or that changes how its neighbours read; SGR codes are the frame's own.
func unsafeIn(s string) (rune, bool) {
	s = sgrPattern.ReplaceAllString(s, "")
	for _, r := range s {
		if r != '\n' && sanitize.Unsafe(r) {
			return r, true
		}
	}
	return 0, false
}

// A StatefulSet's status.updateRevision and currentRevision are written by
// whoever may update statefulsets/status; the frame and the plain log that
// quote them show an OSC 52 sequence and a bidi override as text.
func TestStatefulSetRevisionNamesDrawnInert(t *testing.T) {
	const hostile = "web-2\x1b]52;c;aGk=\x07\u202e\u200b"
	one := int32(1)
	sts := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", UID: "s1", Generation: 2},
		Spec: appsv1.StatefulSetSpec{Replicas: &one,
			Template:       corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "uniform", Image: "uniform:1"}}}},
			UpdateStrategy: appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType}},
		Status: appsv1.StatefulSetStatus{ObservedGeneration: 2, Replicas: 1, ReadyReplicas: 1, UpdatedReplicas: 1,
			UpdateRevision: hostile, CurrentRevision: "web-1"},
	}
	s := workload.StatefulSet.Snapshot(sts, nil, nil, t0, t0)
	want := `web-2\x1b]52;c;aGk=\x07\u202e\u200b`
	for _, st := range []Style{colour, mono} {
		frame := diagnosedFrame(&s, 160, 30, st)
		if r, bad := unsafeIn(frame); bad {
			t.Errorf("frame (%+v) draws %U raw:\n%q", st, r, frame)
		}
		if !strings.Contains(frame, want) {
			t.Errorf("frame (%+v) does not show the revision as %s:\n%s", st, want, frame)
		}
	}
	var l Log
	var log []string
	for _, line := range diagnosedNextLines(&l, &s) {
		log = append(log, LogLine(t0.Add(time.Second), line))
	}
	all := strings.Join(log, "\n")
	if r, bad := unsafeIn(all); bad {
		t.Errorf("the plain log prints %U raw:\n%q", r, all)
	}
	if !strings.Contains(all, want) {
		t.Errorf("the plain log does not show the revision as %s:\n%s", want, all)
	}
}

// Whatever reaches the renderer is drawn by the sanitizer's rule, not a
// weaker one of its own: a bidi override or a zero-width character in a
// problem shows as its escape in the frame and the log.
func TestFrameAndLogDrawBySanitizersRule(t *testing.T) {
	s := failedRollout()
	s.Problems = []string{"proxy said \u202etneilc\u200b\u2066x\u00ad"}
	want := `proxy said \u202etneilc\u200b\u2066x\u00ad`
	for _, st := range []Style{colour, mono, ascii} {
		frame := diagnosedFrame(s, 120, 30, st)
		checkFrame(t, frame, 120, 30, st)
		if r, bad := unsafeIn(frame); bad {
			t.Errorf("frame (%+v) draws %U raw:\n%q", st, r, frame)
		}
		if !strings.Contains(frame, want) {
			t.Errorf("frame (%+v) does not show the problem as %s:\n%s", st, want, frame)
		}
	}
	// The log says a problem when it appears.
	var l Log
	before := clone(s)
	before.Problems = nil
	diagnosedNextLines(&l, before)
	var lines []string
	for _, line := range diagnosedNextLines(&l, s) {
		lines = append(lines, LogLine(t0, line))
	}
	all := strings.Join(lines, "\n")
	if r, bad := unsafeIn(all); bad {
		t.Errorf("the plain log prints %U raw:\n%q", r, all)
	}
	if !strings.Contains(all, want) {
		t.Errorf("the plain log does not show the problem as %s:\n%s", want, all)
	}
}
