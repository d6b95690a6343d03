package cmd

import (
	"context"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
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
	// Template is the workload's pod template as read: what an undo
	// replaces, and so what it must still find.
	Template  *corev1.PodTemplateSpec
	Revisions []history.Revision
	Warnings  []string
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
	var tpl *corev1.PodTemplateSpec
	var err error
	switch kind {
	case watcher.StatefulSetKind:
		var sts *appsv1.StatefulSet
		if sts, err = c.AppsV1().StatefulSets(namespace).Get(ctx, name, metav1.GetOptions{}); err == nil {
			obj, m, sel, current, tpl = sts, sts, sts.Spec.Selector, sts.Status.UpdateRevision, &sts.Spec.Template
		}
	default:
		var ds *appsv1.DaemonSet
		if ds, err = c.AppsV1().DaemonSets(namespace).Get(ctx, name, metav1.GetOptions{}); err == nil {
			obj, m, sel, tpl = ds, ds, ds.Spec.Selector, &ds.Spec.Template
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
	return &workloadState{Kind: kind, Object: obj, Meta: m, Template: tpl, Revisions: history.ForControllerRevisions(crs, pods, current)}, nil
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
	return &workloadState{Kind: watcher.DeploymentKind, Object: d, Meta: d, Deployment: d, Template: &d.Spec.Template, Revisions: revs, Warnings: warnings}, nil
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

// planFor picks the target revision with kubectl's rules and refusals
// (paused, already there), against the workload as read into st.
func planFor(st *workloadState, toRevision int64) (*rollback.Plan, string, error) {
	var p *rollback.Plan
	var err error
	if st.Deployment != nil {
		p, err = rollback.PlanUndo(st.Deployment, st.Revisions, toRevision)
	} else {
		p, err = rollback.PlanRevisionUndo(st.Kind.Resource(), st.Meta, st.Template, st.Revisions, toRevision)
	}
	if err != nil {
		return nil, "", err
	}
	skip, err := p.Check()
	return p, skip, err
}
