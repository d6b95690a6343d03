package workload

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// DaemonSet keeps its revisions in ControllerRevisions; it runs one pod per
// node, replaced node by node, and its current revision is the newest one
// it controls.
var DaemonSet Kind = &revisionKind[*appsv1.DaemonSet, *appsv1.DaemonSetList]{
	appsKind: appsKind[*appsv1.DaemonSet, *appsv1.DaemonSetList]{
		name: "DaemonSet", resource: "daemonsets", short: "ds",
		client: func(c kubernetes.Interface, ns string) typedClient[*appsv1.DaemonSet, *appsv1.DaemonSetList] {
			return c.AppsV1().DaemonSets(ns)
		},
		spec: func(o *appsv1.DaemonSet) (*metav1.LabelSelector, *corev1.PodTemplateSpec) {
			return o.Spec.Selector, &o.Spec.Template
		},
	},
	current: func(o *appsv1.DaemonSet, crs []*appsv1.ControllerRevision) string {
		return snapshot.DaemonSetCurrentRevision(o, crs)
	},
	picture: snapshot.FromDaemonSet,
}
