package cmd

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// workloadState is a workload and its history as read together: what the
// user is shown, and what any change is checked against.
type workloadState struct {
	Kind   workload.Kind
	Object metav1.Object
	// Template is the workload's pod template as read: what an undo
	// replaces, and so what it must still find.
	Template  *corev1.PodTemplateSpec
	Revisions []revision.Revision
	Warnings  []string
}

// loadWorkload reads a workload and its revisions with kubectl's own rules
// for which ReplicaSets or ControllerRevisions belong to it.
func loadWorkload(ctx context.Context, c kubernetes.Interface, kind workload.Kind, namespace, name string) (*workloadState, error) {
	obj, err := kind.Get(ctx, c, namespace, name)
	if err != nil {
		return nil, explainGetError(ctx, c, err, workload.Lower(kind), name, namespace)
	}
	revs, warnings, err := kind.History(ctx, c, obj)
	if err != nil {
		return nil, describeGetError(err, kind.RevisionResource()+" of "+workload.Lower(kind), name, namespace)
	}
	return &workloadState{Kind: kind, Object: obj, Template: kind.Template(obj), Revisions: revs, Warnings: warnings}, nil
}
