package workload

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// revisionsInControllerRevisions is what StatefulSets and DaemonSets share:
// their revisions are ControllerRevisions, and an undo goes through the
// rules of kubectl's rollbackers for them.
type revisionsInControllerRevisions struct{}

func (revisionsInControllerRevisions) RevisionResource() string { return "controllerrevisions" }

func (revisionsInControllerRevisions) RevisionInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer {
	return f.Apps().V1().ControllerRevisions().Informer()
}

func (revisionsInControllerRevisions) Paused(metav1.Object) (bool, bool) { return false, false }

// controllerRevisionHistory reads the ControllerRevisions that obj controls
// (as kubectl's history viewer finds them) and its pods, which say how many
// run each revision; current names the revision obj rolls towards.
func controllerRevisionHistory(ctx context.Context, c kubernetes.Interface, obj metav1.Object, sel *metav1.LabelSelector, current func([]*appsv1.ControllerRevision) string) ([]history.Revision, error) {
	selector, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return nil, fmt.Errorf("%q has an invalid selector: %w", obj.GetName(), err)
	}
	ns := obj.GetNamespace()
	list, err := c.AppsV1().ControllerRevisions(ns).List(ctx, metav1.ListOptions{LabelSelector: selector.String()})
	if err != nil {
		return nil, err
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
	return history.ForControllerRevisions(crs, pods, current(crs)), nil
}

// describeTemplate says what a pod template runs: its images.
func describeTemplate(tpl *corev1.PodTemplateSpec) string {
	return snapshot.ShortImages(snapshot.Images(&tpl.Spec))
}
