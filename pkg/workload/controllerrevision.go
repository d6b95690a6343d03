package workload

import (
	"context"
	"errors"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// revisionKind is an apps/v1 kind whose revisions are ControllerRevisions
// (StatefulSets, DaemonSets): it reads them with the rules of kubectl's
// history viewer and plans an undo with those of kubectl's rollbacker.
type revisionKind[T metav1.Object, L runtime.Object] struct {
	appsKind[T, L]
	// current names the revision the object rolls towards.
	current func(T, []*appsv1.ControllerRevision) string
	// picture builds the snapshot of a rollout.
	picture func(T, []*appsv1.ControllerRevision, []*corev1.Pod, time.Time, time.Time) snapshot.Snapshot
}

func (revisionKind[T, L]) RevisionResource() string { return "controllerrevisions" }

func (revisionKind[T, L]) RevisionInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer {
	return f.Apps().V1().ControllerRevisions().Informer()
}

// Paused: kubectl cannot pause these kinds.
func (revisionKind[T, L]) Paused(metav1.Object) (bool, bool) { return false, false }

// Describe says what the object's template runs: its images.
func (k revisionKind[T, L]) Describe(obj metav1.Object) string {
	return revision.ShortImages(snapshot.Images(&k.Template(obj).Spec))
}

func (k revisionKind[T, L]) Snapshot(obj metav1.Object, revisions []any, pods []*corev1.Pod, now, started time.Time) snapshot.Snapshot {
	return stamp(k, k.picture(obj.(T), only[*appsv1.ControllerRevision](revisions), pods, now, started))
}

func (k revisionKind[T, L]) History(ctx context.Context, c kubernetes.Interface, obj metav1.Object) ([]revision.Revision, []string, error) {
	return controllerRevisionHistory(ctx, c, obj, k.Selector(obj), func(crs []*appsv1.ControllerRevision) string {
		return k.current(obj.(T), crs)
	})
}

// NoHistory is the message of kubectl's rollbackers for these kinds.
func (revisionKind[T, L]) NoHistory(metav1.Object) error {
	return errors.New("no last revision to roll back to")
}

// RefuseUndo: kubectl rolls these kinds back in any state.
func (revisionKind[T, L]) RefuseUndo(metav1.Object) error { return nil }

// UndoOps: their undo is the pod template alone.
func (revisionKind[T, L]) UndoOps(metav1.Object, *revision.Revision) []PatchOp { return nil }

// controllerRevisionHistory reads the ControllerRevisions that obj controls
// (as kubectl's history viewer finds them) and its pods, which say how many
// run each revision; current names the revision obj rolls towards.
func controllerRevisionHistory(ctx context.Context, c kubernetes.Interface, obj metav1.Object, sel *metav1.LabelSelector, current func([]*appsv1.ControllerRevision) string) ([]revision.Revision, []string, error) {
	selector, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return nil, nil, fmt.Errorf("%q has an invalid selector: %w", obj.GetName(), err)
	}
	ns := obj.GetNamespace()
	list, err := c.AppsV1().ControllerRevisions(ns).List(ctx, metav1.ListOptions{LabelSelector: selector.String()})
	if err != nil {
		return nil, nil, err
	}
	var crs []*appsv1.ControllerRevision
	for i := range list.Items {
		if metav1.IsControlledBy(&list.Items[i], obj) {
			crs = append(crs, &list.Items[i])
		}
	}
	// Pods only count ready replicas: without them the history still reads.
	var pods []*corev1.Pod
	if pl, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector.String()}); err == nil {
		for i := range pl.Items {
			if metav1.IsControlledBy(&pl.Items[i], obj) {
				pods = append(pods, &pl.Items[i])
			}
		}
	}
	revs, warnings := revision.FromControllerRevisions(obj, crs, current(crs))
	revision.CountPods(obj, revs, pods, func(p *corev1.Pod) bool { return snapshot.PodFrom(p).State == snapshot.PodReady })
	return revision.Usable(revs), warnings, nil
}
