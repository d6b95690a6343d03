package snapshot

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
)

// EqualIgnoreHash reports whether two pod templates are equal apart from the
// pod-template-hash label, which every ReplicaSet adds to its copy.
func EqualIgnoreHash(a, b *corev1.PodTemplateSpec) bool {
	a, b = a.DeepCopy(), b.DeepCopy()
	delete(a.Labels, podTemplateHashLabel)
	delete(b.Labels, podTemplateHashLabel)
	return equality.Semantic.DeepEqual(a, b)
}
