package workload

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"

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

func (deploymentKind) NoHistory(obj metav1.Object) error {
	return fmt.Errorf("no rollout history found for deployment %q", obj.GetName())
}

func (deploymentKind) RefuseUndo(obj metav1.Object) error {
	if obj.(*appsv1.Deployment).Spec.Paused {
		return errors.New("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again")
	}
	return nil
}

// keptAnnotations are the Deployment's own annotations that an undo keeps;
// every other annotation comes from the ReplicaSet, as in kubectl.
var keptAnnotations = []string{
	corev1.LastAppliedConfigAnnotation,
	deploymentutil.RevisionAnnotation,
	deploymentutil.RevisionHistoryAnnotation,
	deploymentutil.DesiredReplicasAnnotation,
	deploymentutil.MaxReplicasAnnotation,
	appsv1.DeprecatedRollbackTo,
}

// UndoOps rebuild the annotations as kubectl's rollback does: the
// Deployment keeps its own (keptAnnotations) and takes every other one
// from the target ReplicaSet.
func (deploymentKind) UndoOps(fresh metav1.Object, target *revision.Revision) []PatchOp {
	ann := map[string]string{}
	for _, k := range keptAnnotations {
		if v, ok := fresh.GetAnnotations()[k]; ok {
			ann[k] = v
		}
	}
	for k, v := range target.Annotations {
		if !slices.Contains(keptAnnotations, k) {
			ann[k] = v
		}
	}
	return []PatchOp{{Op: "replace", Path: "/metadata/annotations", Value: ann}}
}

func (deploymentKind) Paused(obj metav1.Object) (bool, bool) {
	return obj.(*appsv1.Deployment).Spec.Paused, true
}
