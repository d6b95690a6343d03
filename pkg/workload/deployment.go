package workload

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

type deploymentKind struct {
	appsKind[*appsv1.Deployment, *appsv1.DeploymentList]
}

// Deployment keeps its revisions in ReplicaSets and can be paused.
var Deployment Kind = &deploymentKind{appsKind[*appsv1.Deployment, *appsv1.DeploymentList]{
	name: "Deployment", resource: "deployments", short: "deploy",
	client: func(c kubernetes.Interface, ns string) typedClient[*appsv1.Deployment, *appsv1.DeploymentList] {
		return c.AppsV1().Deployments(ns)
	},
	spec: func(d *appsv1.Deployment) (*metav1.LabelSelector, *corev1.PodTemplateSpec) {
		return d.Spec.Selector, &d.Spec.Template
	},
}}

func (deploymentKind) RevisionResource() string { return "replicasets" }

// Describe names the revision and its images: "rev 5, uniform:autumn-2024".
func (deploymentKind) Describe(obj metav1.Object) string {
	d := obj.(*appsv1.Deployment)
	rev := "rev " + d.Annotations[deploymentutil.RevisionAnnotation]
	if d.Generation > d.Status.ObservedGeneration {
		rev = "a new revision"
	}
	return rev + ", " + revision.ShortImages(snapshot.Images(&d.Spec.Template.Spec))
}

func (deploymentKind) RevisionInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer {
	return f.Apps().V1().ReplicaSets().Informer()
}

func (k deploymentKind) Snapshot(obj metav1.Object, revisions []any, pods []*corev1.Pod, now, started time.Time) snapshot.Snapshot {
	return stamp(k, snapshot.FromDeployment(obj.(*appsv1.Deployment), only[*appsv1.ReplicaSet](revisions), pods, now, started))
}

// History finds the ReplicaSets with kubectl's own rules
// (deploymentutil.GetAllReplicaSets).
func (deploymentKind) History(ctx context.Context, c kubernetes.Interface, obj metav1.Object) ([]revision.Revision, []string, error) {
	d := obj.(*appsv1.Deployment)
	_, old, current, err := deploymentutil.GetAllReplicaSets(d, c.AppsV1())
	if err != nil {
		return nil, nil, fmt.Errorf("list replica sets of deployment %q: %w", d.Name, err)
	}
	all := old
	if current != nil {
		all = append(all, current)
	}
	revs, warnings := revision.FromReplicaSets(d, all, current)
	return revision.Usable(revs), warnings, nil
}

func (k deploymentKind) PlanUndo(obj metav1.Object, revs []revision.Revision, toRevision int64) (*action.Plan, error) {
	return action.PlanUndo(k, obj.(*appsv1.Deployment), revs, toRevision)
}

func (deploymentKind) Paused(obj metav1.Object) (bool, bool) {
	return obj.(*appsv1.Deployment).Spec.Paused, true
}
