package revision

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestPlatformOf(t *testing.T) {
	affinity := func(terms ...[]string) *corev1.Affinity {
		var ts []corev1.NodeSelectorTerm
		for _, vals := range terms {
			ts = append(ts, corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "kubernetes.io/arch", Operator: corev1.NodeSelectorOpIn, Values: vals}}})
		}
		return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: ts}}}
	}
	for _, tc := range []struct {
		spec corev1.PodSpec
		want string
	}{
		{corev1.PodSpec{}, ""},
		{corev1.PodSpec{NodeSelector: map[string]string{"kubernetes.io/arch": "arm64"}}, "linux/arm64"},
		{corev1.PodSpec{NodeSelector: map[string]string{"kubernetes.io/arch": "amd64", "kubernetes.io/os": "windows"}}, "windows/amd64"},
		{corev1.PodSpec{Affinity: affinity([]string{"arm64"})}, "linux/arm64"},
		{corev1.PodSpec{Affinity: affinity([]string{"arm64"}, []string{"arm64"})}, "linux/arm64"},
		// Either architecture: not pinned.
		{corev1.PodSpec{Affinity: affinity([]string{"arm64", "amd64"})}, ""},
		{corev1.PodSpec{Affinity: affinity([]string{"arm64"}, []string{"amd64"})}, ""},
	} {
		if got := PlatformOf(&tc.spec); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.spec, got, tc.want)
		}
	}
}
