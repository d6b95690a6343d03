package snapshot

import (
	"fmt"
	"sort"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// FromDeployment builds the snapshot of a Deployment's rollout. ReplicaSets
// not controlled by the Deployment, and pods not controlled by one of its
// ReplicaSets, are ignored: a shared selector must not leak strangers in.
func FromDeployment(d *appsv1.Deployment, replicaSets []*appsv1.ReplicaSet, pods []*corev1.Pod, now, started time.Time) Snapshot {
	s := Snapshot{
		Workload: deploymentWorkload(d),
		Now:      now,
		Started:  started,
	}
	s.Phase, s.Message = DeploymentPhase(d)

	revs, warnings := revision.FromReplicaSets(d, replicaSets, revision.CurrentReplicaSet(d, &d.Spec.Template, replicaSets))
	s.addRevisions(d, revs, warnings, pods, nil)
	return s
}

func deploymentWorkload(d *appsv1.Deployment) Workload {
	w := Workload{
		Namespace:          d.Namespace,
		Name:               d.Name,
		Generation:         d.Generation,
		ObservedGeneration: d.Status.ObservedGeneration,
		Paused:             d.Spec.Paused,
		Desired:            replicas(d.Spec.Replicas),
		Current:            d.Status.Replicas,
		Updated:            d.Status.UpdatedReplicas,
		Ready:              d.Status.ReadyReplicas,
		Available:          d.Status.AvailableReplicas,
		Unavailable:        d.Status.UnavailableReplicas,
	}
	w.Strategy.Type = string(d.Spec.Strategy.Type)
	if w.Strategy.Type == "" {
		w.Strategy.Type = string(appsv1.RollingUpdateDeploymentStrategyType)
	}
	if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
		w.Strategy.MaxSurge, w.Strategy.MaxUnavailable = resolveFenceposts(d.Spec.Strategy.RollingUpdate, w.Desired)
	}
	for _, c := range d.Status.Conditions {
		w.Conditions = append(w.Conditions, newCondition(string(c.Type), string(c.Status), c.Reason, c.Message))
	}
	return w
}

// resolveFenceposts turns maxSurge/maxUnavailable into pod counts the way the
// deployment controller does: surge rounds up, unavailability rounds down, and
// both zero would deadlock, so unavailability becomes one.
func resolveFenceposts(ru *appsv1.RollingUpdateDeployment, desired int32) (surge, unavailable int32) {
	def := intstr.FromString("25%")
	ms, mu := &def, &def
	if ru != nil {
		if ru.MaxSurge != nil {
			ms = ru.MaxSurge
		}
		if ru.MaxUnavailable != nil {
			mu = ru.MaxUnavailable
		}
	}
	s, u := scaled(ms, mu, desired)
	if s == 0 && u == 0 {
		u = 1
	}
	return s, u
}

// scaled resolves surge (rounded up) and unavailability (rounded down)
// against desired; nil or invalid values count as zero.
func scaled(surge, unavailable *intstr.IntOrString, desired int32) (int32, int32) {
	var s, u int
	if surge != nil {
		s, _ = intstr.GetScaledValueFromIntOrPercent(surge, int(desired), true)
	}
	if unavailable != nil {
		u, _ = intstr.GetScaledValueFromIntOrPercent(unavailable, int(desired), false)
	}
	return int32(s), int32(u)
}

// DeploymentPhase applies the rules of `kubectl rollout status` to a
// Deployment, in kubectl's order, and returns the phase with the exact line
// kubectl would print.
func DeploymentPhase(d *appsv1.Deployment) (Phase, string) {
	if d.Generation > d.Status.ObservedGeneration {
		return PhaseWaitingSpec, "Waiting for deployment spec update to be observed..."
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Reason == "ProgressDeadlineExceeded" {
			return PhaseFailed, fmt.Sprintf("deployment %q exceeded its progress deadline", d.Name)
		}
	}
	st := d.Status
	switch {
	// kubectl skips this rule when replicas is unset (the API always sets it).
	case d.Spec.Replicas != nil && st.UpdatedReplicas < *d.Spec.Replicas:
		return PhaseUpdating, fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...", d.Name, st.UpdatedReplicas, *d.Spec.Replicas)
	case st.Replicas > st.UpdatedReplicas:
		return PhaseTerminating, fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...", d.Name, st.Replicas-st.UpdatedReplicas)
	case st.AvailableReplicas < st.UpdatedReplicas:
		return PhaseAvailability, fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...", d.Name, st.AvailableReplicas, st.UpdatedReplicas)
	}
	return PhaseComplete, fmt.Sprintf("deployment %q successfully rolled out", d.Name)
}

func replicas(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
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
