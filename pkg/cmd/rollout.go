package cmd

import (
	"context"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/polymorphichelpers"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/rollback"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
)

// workloadState is a workload and its history as read together: what the
// user is shown, and what any change is checked against.
type workloadState struct {
	Kind       watcher.Kind
	Object     runtime.Object
	Meta       metav1.Object
	Deployment *appsv1.Deployment // set for Deployments
	Revisions  []history.Revision
	Warnings   []string
}

// loadWorkload reads a workload and its revisions with kubectl's own rules
// for which ReplicaSets or ControllerRevisions belong to it.
func loadWorkload(ctx context.Context, c kubernetes.Interface, kind watcher.Kind, namespace, name string) (*workloadState, error) {
	if kind == watcher.DeploymentKind {
		return loadDeployment(ctx, c, namespace, name)
	}
	var obj runtime.Object
	var m metav1.Object
	var sel *metav1.LabelSelector
	var current string
	var err error
	switch kind {
	case watcher.StatefulSetKind:
		var sts *appsv1.StatefulSet
		if sts, err = c.AppsV1().StatefulSets(namespace).Get(ctx, name, metav1.GetOptions{}); err == nil {
			obj, m, sel, current = sts, sts, sts.Spec.Selector, sts.Status.UpdateRevision
		}
	default:
		var ds *appsv1.DaemonSet
		if ds, err = c.AppsV1().DaemonSets(namespace).Get(ctx, name, metav1.GetOptions{}); err == nil {
			obj, m, sel = ds, ds, ds.Spec.Selector
		}
	}
	if err != nil {
		return nil, explainGetError(ctx, c, err, kind.String(), name, namespace)
	}
	selector, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return nil, fmt.Errorf("%s %q has an invalid selector: %w", kind, name, err)
	}
	list, err := c.AppsV1().ControllerRevisions(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector.String()})
	if err != nil {
		return nil, describeGetError(err, "controllerrevisions of "+kind.String(), name, namespace)
	}
	var crs []*appsv1.ControllerRevision
	for i := range list.Items {
		if metav1.IsControlledBy(&list.Items[i], m) {
			crs = append(crs, &list.Items[i])
		}
	}
	if kind == watcher.DaemonSetKind {
		current = snapshot.DaemonSetCurrentRevision(m, crs)
	}
	var pods []*corev1.Pod
	if pl, err := c.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector.String()}); err == nil {
		for i := range pl.Items {
			if metav1.IsControlledBy(&pl.Items[i], m) {
				pods = append(pods, &pl.Items[i])
			}
		}
	}
	return &workloadState{Kind: kind, Object: obj, Meta: m, Revisions: history.ForControllerRevisions(crs, pods, current)}, nil
}

// loadDeployment reads a Deployment and its ReplicaSets with kubectl's own
// rules for which ReplicaSets belong to it.
func loadDeployment(ctx context.Context, c kubernetes.Interface, namespace, name string) (*workloadState, error) {
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
	return &workloadState{Kind: watcher.DeploymentKind, Object: d, Meta: d, Deployment: d, Revisions: revs, Warnings: warnings}, nil
}

// undoQuestion names both ends of a rollback, so nobody confirms blind.
func undoQuestion(kind watcher.Kind, name string, p *rollback.Plan) string {
	from := "the current template"
	if p.Current != nil {
		from = p.Current.Label()
	}
	return fmt.Sprintf("Roll back %s/%s from %s to %s?", lower(kind), name, from, p.Target.Label())
}

// lower is the kind as kubectl writes it in commands: "statefulset".
func lower(k watcher.Kind) string { return strings.ToLower(k.String()) }

// applyUndo rolls back to the plan's target revision, unless the workload
// changed since the plan was made. Deployments get kubectl's patch with
// preconditions; StatefulSets and DaemonSets go through kubectl's own
// rollbackers, after checking that the generation is still the one shown.
func applyUndo(ctx context.Context, c kubernetes.Interface, st *workloadState, p *rollback.Plan, dryRun rollback.DryRun) (string, error) {
	if st.Kind == watcher.DeploymentKind {
		patch, err := p.Patch()
		if err != nil {
			return "", fmt.Errorf("build rollback patch: %w", err)
		}
		if err := rollback.Apply(ctx, c, "deployments", p.Deployment, patch, dryRun); err != nil {
			return "", err
		}
		return "rolled back", nil
	}
	fresh, err := loadWorkload(ctx, c, st.Kind, st.Meta.GetNamespace(), st.Meta.GetName())
	if err != nil {
		return "", err
	}
	if fresh.Meta.GetUID() != st.Meta.GetUID() || fresh.Meta.GetGeneration() != st.Meta.GetGeneration() {
		now := "a newer spec"
		if cur, ok := history.CurrentRevision(fresh.Revisions); ok {
			now = cur.Label()
		}
		return "", &rollback.Changed{Name: st.Meta.GetName(), Kind: lower(st.Kind), Now: now}
	}
	rb, err := polymorphichelpers.RollbackerFor(schema.GroupKind{Group: "apps", Kind: st.Kind.String()}, c)
	if err != nil {
		return "", err
	}
	strategy := map[rollback.DryRun]util.DryRunStrategy{
		rollback.DryRunNone: util.DryRunNone, rollback.DryRunClient: util.DryRunClient, rollback.DryRunServer: util.DryRunServer,
	}[dryRun]
	out, err := rb.Rollback(st.Object, nil, p.ToRevision, strategy)
	if err != nil {
		return "", forbiddenOr(err, st)
	}
	return out, nil
}

// forbiddenOr names the missing permission when kubectl's rollbacker hit
// RBAC; it wraps errors as text, so the text is all there is to go by.
func forbiddenOr(err error, st *workloadState) error {
	if strings.Contains(err.Error(), "forbidden") {
		return fmt.Errorf("forbidden: you may not patch %ss in namespace %q", lower(st.Kind), st.Meta.GetNamespace())
	}
	return err
}

// planFor picks the target revision. Deployments follow kubectl's rules
// and refusals (paused, already there) right away; StatefulSets and
// DaemonSets get kubectl's own messages from its rollbackers.
func planFor(st *workloadState, toRevision int64) (*rollback.Plan, string, error) {
	if st.Kind == watcher.DeploymentKind {
		p, err := rollback.PlanUndo(st.Deployment, st.Revisions, toRevision)
		if err != nil {
			return nil, "", err
		}
		skip, err := p.Check()
		return p, skip, err
	}
	p := &rollback.Plan{ToRevision: toRevision}
	p.Current, _ = history.CurrentRevision(st.Revisions)
	switch {
	case toRevision < 0:
		return nil, "", fmt.Errorf("unable to find specified revision %d in history", toRevision)
	case toRevision == 0 && len(st.Revisions) <= 1:
		return nil, "", fmt.Errorf("no last revision to roll back to")
	case toRevision == 0:
		p.Target = &st.Revisions[1]
	default:
		t, ok := history.Find(st.Revisions, toRevision)
		if !ok {
			return nil, "", fmt.Errorf("unable to find specified revision %d in history", toRevision)
		}
		p.Target = t
	}
	return p, "", nil
}
