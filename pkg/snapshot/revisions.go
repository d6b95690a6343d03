package snapshot

import (
	"sort"
	"strconv"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// AddRevisions gives the snapshot owner's revisions with their pods; label
// names each pod's place (ordinal, node), or nil for none. Revisions that
// could not be read fully are said in Problems, never hidden.
func (s *Snapshot) AddRevisions(owner metav1.Object, revs []revision.Revision, warnings []string, pods []*corev1.Pod, label func(*corev1.Pod) string) {
	for _, w := range warnings {
		s.Problems = append(s.Problems, sanitize.Text(w))
	}
	s.Revisions = make([]Revision, len(revs))
	for i := range revs {
		r := &s.Revisions[i]
		r.Revision = revs[i]
		r.Images = r.SafeImages()
		r.ChangeCause = sanitize.Text(r.ChangeCause) // drawn, unlike the rest of the data
		if f := revs[i].ReplicaFailure; f != nil {
			c := NewCondition(string(appsv1.ReplicaSetReplicaFailure), string(corev1.ConditionTrue), f.Reason, f.Message)
			r.Failure = &c
		}
	}
	// Sized once: a snapshot is built for every frame, up to 30 a second.
	m := revision.NewMatcher(owner, revs)
	index := make([]int, len(pods))
	counts := make([]int, len(revs))
	for j, p := range pods {
		if index[j] = m.Of(p); index[j] >= 0 {
			counts[index[j]]++
		}
	}
	for i := range s.Revisions {
		s.Revisions[i].Pods = make([]Pod, 0, counts[i])
		if label != nil {
			// These kinds keep no count per revision: their pods are it.
			s.Revisions[i].Desired, s.Revisions[i].Ready = 0, 0
		}
	}
	for j, p := range pods {
		i := index[j]
		if i < 0 {
			continue
		}
		pod := PodFrom(p)
		r := &s.Revisions[i]
		if label != nil {
			pod.Label = label(p)
			r.Desired++
			if pod.State == PodReady {
				r.Ready++
			}
		}
		r.Pods = append(r.Pods, pod)
	}
	for i := range s.Revisions {
		if label != nil {
			sortByLabel(s.Revisions[i].Pods)
		} else {
			sortPods(s.Revisions[i].Pods)
		}
	}
}

// sortByLabel orders pods by ordinal (numerically) or node name.
func sortByLabel(pods []Pod) {
	sort.SliceStable(pods, func(i, j int) bool {
		a, errA := strconv.Atoi(pods[i].Label)
		b, errB := strconv.Atoi(pods[j].Label)
		if errA == nil && errB == nil {
			return a < b
		}
		return pods[i].Label < pods[j].Label
	})
}

// Images lists a pod spec's container images in spec order, sanitized for
// display (the API accepts any character inside an image name).
func Images(spec *corev1.PodSpec) []string {
	out := make([]string, 0, len(spec.Containers))
	for _, c := range spec.Containers {
		out = append(out, sanitize.Text(c.Image))
	}
	return out
}

func sortPods(pods []Pod) {
	sort.Slice(pods, func(i, j int) bool {
		if !pods[i].Created.Equal(pods[j].Created) {
			return pods[i].Created.Before(pods[j].Created)
		}
		return pods[i].Name < pods[j].Name
	})
}
