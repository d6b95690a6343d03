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

// StatefulSet keeps its revisions in ControllerRevisions; its pods have
// ordinals, replaced highest first down to the partition.
var StatefulSet Kind = statefulSetKind{}

type statefulSetKind struct{ revisionsInControllerRevisions }

func (statefulSetKind) Name() string     { return "StatefulSet" }
func (statefulSetKind) Resource() string { return "statefulsets" }
func (statefulSetKind) Short() string    { return "sts" }

func (statefulSetKind) Get(ctx context.Context, c kubernetes.Interface, ns, name string) (metav1.Object, error) {
	return c.AppsV1().StatefulSets(ns).Get(ctx, name, metav1.GetOptions{})
}

func (statefulSetKind) List(ctx context.Context, c kubernetes.Interface, ns string) ([]string, error) {
	l, err := c.AppsV1().StatefulSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	names := make([]string, len(l.Items))
	for i := range l.Items {
		names[i] = l.Items[i].Name
	}
	return names, nil
}

func (statefulSetKind) Selector(obj metav1.Object) *metav1.LabelSelector {
	return obj.(*appsv1.StatefulSet).Spec.Selector
}

func (statefulSetKind) Template(obj metav1.Object) *corev1.PodTemplateSpec {
	return &obj.(*appsv1.StatefulSet).Spec.Template
}

func (statefulSetKind) Patch(ctx context.Context, c kubernetes.Interface, ns, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions) error {
	_, err := c.AppsV1().StatefulSets(ns).Patch(ctx, name, pt, data, opts)
	return err
}

func (k statefulSetKind) Describe(obj metav1.Object) string { return describeTemplate(k.Template(obj)) }

func (statefulSetKind) ObjectInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer {
	return f.Apps().V1().StatefulSets().Informer()
}

func (k statefulSetKind) Snapshot(obj metav1.Object, revisions []any, pods []*corev1.Pod, now, started time.Time) snapshot.Snapshot {
	return stamp(k, snapshot.FromStatefulSet(obj.(*appsv1.StatefulSet), only[*appsv1.ControllerRevision](revisions), pods, now, started))
}

// History: the current revision is the one the StatefulSet updates to.
func (statefulSetKind) History(ctx context.Context, c kubernetes.Interface, obj metav1.Object) ([]history.Revision, []string, error) {
	sts := obj.(*appsv1.StatefulSet)
	revs, err := controllerRevisionHistory(ctx, c, sts, sts.Spec.Selector, func([]*appsv1.ControllerRevision) string {
		return sts.Status.UpdateRevision
	})
	return revs, nil, err
}

func (k statefulSetKind) PlanUndo(obj metav1.Object, revs []history.Revision, toRevision int64) (*rollback.Plan, error) {
	return rollback.PlanRevisionUndo(k, obj, k.Template(obj), revs, toRevision)
}
