package cmd

import (
	"context"
	"errors"

	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/explain"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// loadWorkload reads a workload and its revisions, each failure explained.
func loadWorkload(ctx context.Context, c kubernetes.Interface, kind workload.Kind, namespace, name string) (*history.State, error) {
	st, err := history.Load(ctx, c, kind, namespace, name)
	var revs *history.RevisionsError
	switch {
	case errors.As(err, &revs):
		return nil, explain.Get(revs.Err, kind.RevisionResource()+" of "+workload.Lower(kind), name, namespace)
	case err != nil:
		return nil, explain.GetIn(ctx, c, err, workload.Lower(kind), name, namespace)
	}
	return st, nil
}
