package workload

import (
	"context"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/rollback"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// DaemonSet keeps its revisions in ControllerRevisions; it runs one pod per
// node, replaced node by node.
var DaemonSet Kind = daemonSetKind{}

type daemonSetKind struct{ revisionsInControllerRevisions }

func (daemonSetKind) Name() string     { return "DaemonSet" }
func (daemonSetKind) Resource() string { return "daemonsets" }
func (daemonSetKind) Short() string    { return "ds" }

func (daemonSetKind) Get(ctx context.Context, c kubernetes.Interface, ns, name string) (metav1.Object, error) {
	return c.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
}

func (daemonSetKind) List(ctx context.Context, c kubernetes.Interface, ns string) ([]string, error) {
	l, err := c.AppsV1().DaemonSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	names := make([]string, len(l.Items))
	for i := range l.Items {
		names[i] = l.Items[i].Name
	}
	return names, nil
}

func (daemonSetKind) Selector(obj metav1.Object) *metav1.LabelSelector {
	return obj.(*appsv1.DaemonSet).Spec.Selector
}

func (daemonSetKind) Template(obj metav1.Object) *corev1.PodTemplateSpec {
	return &obj.(*appsv1.DaemonSet).Spec.Template
}

func (daemonSetKind) Patch(ctx context.Context, c kubernetes.Interface, ns, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions) error {
	_, err := c.AppsV1().DaemonSets(ns).Patch(ctx, name, pt, data, opts)
	return err
}

func (k daemonSetKind) Describe(obj metav1.Object) string { return describeTemplate(k.Template(obj)) }

func (daemonSetKind) ObjectInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer {
	return f.Apps().V1().DaemonSets().Informer()
}

func (k daemonSetKind) Snapshot(obj metav1.Object, revisions []any, pods []*corev1.Pod, now, started time.Time) snapshot.Snapshot {
	return stamp(k, snapshot.FromDaemonSet(obj.(*appsv1.DaemonSet), only[*appsv1.ControllerRevision](revisions), pods, now, started))
}

// History: the current revision is the one matching the DaemonSet's template.
func (daemonSetKind) History(ctx context.Context, c kubernetes.Interface, obj metav1.Object) ([]history.Revision, []string, error) {
	ds := obj.(*appsv1.DaemonSet)
	revs, err := controllerRevisionHistory(ctx, c, ds, ds.Spec.Selector, func(crs []*appsv1.ControllerRevision) string {
		return snapshot.DaemonSetCurrentRevision(ds, crs)
	})
	return revs, nil, err
}

func (k daemonSetKind) PlanUndo(obj metav1.Object, revs []history.Revision, toRevision int64) (*rollback.Plan, error) {
	return rollback.PlanRevisionUndo(k, obj, k.Template(obj), revs, toRevision)
}
