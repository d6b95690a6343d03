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
	"k8s.io/apimachinery/pkg/util/intstr"
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
	return stamp(k, deploymentSnapshot(obj.(*appsv1.Deployment), only[*appsv1.ReplicaSet](revisions), pods, now, started))
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

// deploymentSnapshot builds the snapshot of a Deployment's rollout. ReplicaSets
// not controlled by the Deployment, and pods not controlled by one of its
// ReplicaSets, are ignored: a shared selector must not leak strangers in.
func deploymentSnapshot(d *appsv1.Deployment, replicaSets []*appsv1.ReplicaSet, pods []*corev1.Pod, now, started time.Time) snapshot.Snapshot {
	s := snapshot.Snapshot{
		Workload: deploymentWorkload(d),
		Now:      now,
		Started:  started,
	}
	s.Phase, s.Message = deploymentPhase(d)

	revs, warnings := revision.FromReplicaSets(d, replicaSets, revision.CurrentReplicaSet(d, &d.Spec.Template, replicaSets))
	s.AddRevisions(d, revs, warnings, pods, nil)
	return s
}

func deploymentWorkload(d *appsv1.Deployment) snapshot.Workload {
	w := snapshot.Workload{
		Namespace:          d.Namespace,
		Name:               d.Name,
		Generation:         d.Generation,
		ObservedGeneration: d.Status.ObservedGeneration,
		Paused:             d.Spec.Paused,
		Desired:            replicas(d.Spec.Replicas),
		Current:            d.Status.Replicas,
		Updated:            d.Status.UpdatedReplicas,
		Ready:              d.Status.ReadyReplicas,
		Available:          d.Status.AvailableReplicas,
		Unavailable:        d.Status.UnavailableReplicas,
	}
	w.Strategy.Type = string(d.Spec.Strategy.Type)
	if w.Strategy.Type == "" {
		w.Strategy.Type = string(appsv1.RollingUpdateDeploymentStrategyType)
	}
	if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
		w.Strategy.MaxSurge, w.Strategy.MaxUnavailable = resolveFenceposts(d.Spec.Strategy.RollingUpdate, w.Desired)
	}
	w.Conditions = conditions(d.Status.Conditions, func(c appsv1.DeploymentCondition) snapshot.Condition {
		return snapshot.NewCondition(string(c.Type), string(c.Status), c.Reason, c.Message)
	})
	return w
}

// resolveFenceposts turns maxSurge/maxUnavailable into pod counts the way the
// deployment controller does: surge rounds up, unavailability rounds down, and
// both zero would deadlock, so unavailability becomes one.
func resolveFenceposts(ru *appsv1.RollingUpdateDeployment, desired int32) (surge, unavailable int32) {
	def := intstr.FromString("25%")
	ms, mu := &def, &def
	if ru != nil {
		if ru.MaxSurge != nil {
			ms = ru.MaxSurge
		}
		if ru.MaxUnavailable != nil {
			mu = ru.MaxUnavailable
		}
	}
	s, u := scaled(ms, mu, desired)
	if s == 0 && u == 0 {
		u = 1
	}
	return s, u
}

// deploymentPhase applies the rules of `kubectl rollout status` to a
// Deployment, in kubectl's order, and returns the phase with the exact line
// kubectl would print.
func deploymentPhase(d *appsv1.Deployment) (snapshot.Phase, string) {
	if d.Generation > d.Status.ObservedGeneration {
		return snapshot.PhaseWaitingSpec, "Waiting for deployment spec update to be observed..."
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Reason == "ProgressDeadlineExceeded" {
			return snapshot.PhaseFailed, fmt.Sprintf("deployment %q exceeded its progress deadline", d.Name)
		}
	}
	st := d.Status
	switch {
	// kubectl skips this rule when replicas is unset (the API always sets it).
	case d.Spec.Replicas != nil && st.UpdatedReplicas < *d.Spec.Replicas:
		return snapshot.PhaseUpdating, fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...", d.Name, st.UpdatedReplicas, *d.Spec.Replicas)
	case st.Replicas > st.UpdatedReplicas:
		return snapshot.PhaseTerminating, fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...", d.Name, st.Replicas-st.UpdatedReplicas)
	case st.AvailableReplicas < st.UpdatedReplicas:
		return snapshot.PhaseAvailability, fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...", d.Name, st.AvailableReplicas, st.UpdatedReplicas)
	}
	return snapshot.PhaseComplete, fmt.Sprintf("deployment %q successfully rolled out", d.Name)
}
