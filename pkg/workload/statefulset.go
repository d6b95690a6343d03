package workload

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// StatefulSet keeps its revisions in ControllerRevisions; its pods have
// ordinals, replaced highest first down to the partition, and the current
// revision is the one it updates to.
var StatefulSet Kind = &revisionKind[*appsv1.StatefulSet, *appsv1.StatefulSetList]{
	appsKind: appsKind[*appsv1.StatefulSet, *appsv1.StatefulSetList]{
		name: "StatefulSet", resource: "statefulsets", short: "sts",
		client: func(c kubernetes.Interface, ns string) typedClient[*appsv1.StatefulSet, *appsv1.StatefulSetList] {
			return c.AppsV1().StatefulSets(ns)
		},
		spec: func(o *appsv1.StatefulSet) (*metav1.LabelSelector, *corev1.PodTemplateSpec) {
			return o.Spec.Selector, &o.Spec.Template
		},
	},
	current: func(o *appsv1.StatefulSet, _ []*appsv1.ControllerRevision) string { return o.Status.UpdateRevision },
	picture: snapshot.FromStatefulSet,
}
