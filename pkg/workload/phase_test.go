package workload

import (
	"testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/kubectl/pkg/polymorphichelpers"
)

type statusViewer interface {
	Status(obj runtime.Unstructured, revision int64) (string, bool, error)
}

// checkAgainstKubectl compares our phase and message with kubectl's viewer.
func checkAgainstKubectl(t *testing.T, obj runtime.Object, viewer statusViewer, want snapshot.Phase, phase snapshot.Phase, msg string) {
	t.Helper()
	if phase != want {
		t.Errorf("phase = %q, want %q", phase, want)
	}
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	kmsg, done, kerr := viewer.Status(&unstructured.Unstructured{Object: u}, 0)
	switch {
	case kerr != nil:
		if msg != kerr.Error() {
			t.Errorf("kubectl fails with %q; we say %q", kerr, msg)
		}
	case msg+"\n" != kmsg:
		t.Errorf("kubectl says %q; we say %q", kmsg, msg)
	case done != (phase == snapshot.PhaseComplete):
		t.Errorf("kubectl done=%v; our phase %q", done, phase)
	}
}

func TestStatefulSetPhaseMatchesKubectl(t *testing.T) {
	for _, sts := range fixtures.DecodeAll[appsv1.StatefulSet](t, "testdata/statefulsets.yaml") {
		t.Run(sts.Name, func(t *testing.T) {
			phase, msg := statefulSetPhase(sts)
			checkAgainstKubectl(t, sts, &polymorphichelpers.StatefulSetStatusViewer{}, snapshot.Phase(sts.Annotations["expect/phase"]), phase, msg)
		})
	}
}

func TestDaemonSetPhaseMatchesKubectl(t *testing.T) {
	for _, ds := range fixtures.DecodeAll[appsv1.DaemonSet](t, "testdata/daemonsets.yaml") {
		t.Run(ds.Name, func(t *testing.T) {
			phase, msg := daemonSetPhase(ds)
			checkAgainstKubectl(t, ds, &polymorphichelpers.DaemonSetStatusViewer{}, snapshot.Phase(ds.Annotations["expect/phase"]), phase, msg)
		})
	}
}
