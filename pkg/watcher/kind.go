package watcher

import (
	"context"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// Kind is a kind of workload the watcher follows.
type Kind int

const (
	DeploymentKind Kind = iota
	StatefulSetKind
	DaemonSetKind
)

func (k Kind) String() string {
	return [...]string{"Deployment", "StatefulSet", "DaemonSet"}[k]
}

// Resource is the workload's plural resource name, e.g. "deployments".
func (k Kind) Resource() string {
	return [...]string{"deployments", "statefulsets", "daemonsets"}[k]
}

// revisionResource names what holds the workload's revisions.
func (k Kind) revisionResource() string {
	if k == DeploymentKind {
		return "replicasets"
	}
	return "controllerrevisions"
}

func (k Kind) selector(ctx context.Context, c kubernetes.Interface, ns, name string) (*metav1.LabelSelector, error) {
	switch k {
	case StatefulSetKind:
		o, err := c.AppsV1().StatefulSets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		return o.Spec.Selector, nil
	case DaemonSetKind:
		o, err := c.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		return o.Spec.Selector, nil
	}
	o, err := c.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return o.Spec.Selector, nil
}

func (k Kind) objectInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer {
	switch k {
	case StatefulSetKind:
		return f.Apps().V1().StatefulSets().Informer()
	case DaemonSetKind:
		return f.Apps().V1().DaemonSets().Informer()
	}
	return f.Apps().V1().Deployments().Informer()
}

func (k Kind) revisionInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer {
	if k == DeploymentKind {
		return f.Apps().V1().ReplicaSets().Informer()
	}
	return f.Apps().V1().ControllerRevisions().Informer()
}

// build turns the cached objects into a snapshot with the kind's own rules.
func (k Kind) build(obj metav1.Object, revisions []any, pods []*corev1.Pod, now, started time.Time) snapshot.Snapshot {
	if k == DeploymentKind {
		var rss []*appsv1.ReplicaSet
		for _, r := range revisions {
			if rs, ok := r.(*appsv1.ReplicaSet); ok {
				rss = append(rss, rs)
			}
		}
		return snapshot.FromDeployment(obj.(*appsv1.Deployment), rss, pods, now, started)
	}
	var crs []*appsv1.ControllerRevision
	for _, r := range revisions {
		if cr, ok := r.(*appsv1.ControllerRevision); ok {
			crs = append(crs, cr)
		}
	}
	if k == StatefulSetKind {
		return snapshot.FromStatefulSet(obj.(*appsv1.StatefulSet), crs, pods, now, started)
	}
	return snapshot.FromDaemonSet(obj.(*appsv1.DaemonSet), crs, pods, now, started)
}
