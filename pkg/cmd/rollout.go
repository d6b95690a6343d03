package cmd

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/rollback"
)

// deploymentState is a Deployment and its history as read together: what
// the user is shown, and what any change is checked against.
type deploymentState struct {
	Deployment *appsv1.Deployment
	Revisions  []history.Revision
	Warnings   []string
}

// loadDeployment reads a Deployment and its ReplicaSets with kubectl's own
// rules for which ReplicaSets belong to it.
func loadDeployment(ctx context.Context, c kubernetes.Interface, namespace, name string) (*deploymentState, error) {
	d, err := c.AppsV1().Deployments(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, explainGetError(ctx, c, err, "deployment", name, namespace)
	}
	_, old, current, err := deploymentutil.GetAllReplicaSets(d, c.AppsV1())
	if err != nil {
		return nil, describeGetError(fmt.Errorf("list replica sets of deployment %q: %w", name, err), "replicasets of deployment", name, namespace)
	}
	all := old
	if current != nil {
		all = append(all, current)
	}
	revs, warnings := history.ForDeployment(all, current)
	return &deploymentState{Deployment: d, Revisions: revs, Warnings: warnings}, nil
}

// undoQuestion names both ends of a rollback, so nobody confirms blind.
func undoQuestion(p *rollback.Plan) string {
	from := fmt.Sprintf("rev %d", rollback.Revision(p.Deployment))
	if p.Current != nil {
		from = p.Current.Label()
	}
	return fmt.Sprintf("Roll back deployment/%s from %s to %s?", p.Deployment.Name, from, p.Target.Label())
}

// applyUndo patches the Deployment to the plan's target revision, unless it
// changed since the plan was made.
func applyUndo(ctx context.Context, c kubernetes.Interface, p *rollback.Plan, dryRun rollback.DryRun) error {
	patch, err := p.Patch()
	if err != nil {
		return fmt.Errorf("build rollback patch: %w", err)
	}
	_, err = rollback.Apply(ctx, c, p.Deployment, patch, dryRun)
	return err
}
