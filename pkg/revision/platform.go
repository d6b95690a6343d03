package revision

import (
	corev1 "k8s.io/api/core/v1"
)

// The node labels a pod template pins its platform with.
const (
	archLabel = "kubernetes.io/arch"
	osLabel   = "kubernetes.io/os"
)

// Platform is the platform ("linux/arm64") the revision's pods are pinned
// to by their template, by a nodeSelector or a required node affinity
// that allows one architecture; "" when nothing pins them, and any node
// may run them.
func (r *Revision) Platform() string {
	if r.Template == nil {
		return ""
	}
	return PlatformOf(&r.Template.Spec)
}

// PlatformOf is the platform spec pins its pods to; see Revision.Platform.
func PlatformOf(spec *corev1.PodSpec) string {
	arch, os := spec.NodeSelector[archLabel], spec.NodeSelector[osLabel]
	if a := spec.Affinity; arch == "" && a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		// Terms are ORed: one architecture only if every term allows it
		// alone.
		for i, term := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
			one := ""
			for _, e := range term.MatchExpressions {
				if e.Key == archLabel && e.Operator == corev1.NodeSelectorOpIn && len(e.Values) == 1 {
					one = e.Values[0]
				}
			}
			if one == "" || (i > 0 && one != arch) {
				arch = ""
				break
			}
			arch = one
		}
	}
	if arch == "" {
		return ""
	}
	if os == "" {
		os = "linux"
	}
	return os + "/" + arch
}
