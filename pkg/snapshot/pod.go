package snapshot

import (
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"

	corev1 "k8s.io/api/core/v1"
)

// stuckReasons are container waiting reasons that mean the pod will not
// progress without a change (as opposed to ContainerCreating, which will).
var stuckReasons = map[string]bool{
	"ErrImagePull":               true,
	"ImagePullBackOff":           true,
	"InvalidImageName":           true,
	"ErrImageNeverPull":          true,
	"CrashLoopBackOff":           true,
	"CreateContainerConfigError": true,
	"CreateContainerError":       true,
	"RunContainerError":          true,
}

// PodFrom classifies a pod into the state a rollout watcher cares about.
func PodFrom(p *corev1.Pod) Pod {
	out := Pod{
		Name:    p.Name,
		Node:    p.Spec.NodeName,
		Created: p.CreationTimestamp.Time,
	}
	for _, cs := range p.Status.ContainerStatuses {
		out.Restarts += cs.RestartCount
		if cs.ImageID != "" && cs.State.Running != nil {
			out.Images = append(out.Images, RunningImage{Container: cs.Name, Image: sanitize.Text(cs.Image), ImageID: sanitize.Text(cs.ImageID)})
		}
	}
	out.ServiceAccount = sanitize.Text(p.Spec.ServiceAccountName)
	if out.ServiceAccount == "" {
		out.ServiceAccount = "default"
	}
	for _, s := range p.Spec.ImagePullSecrets {
		out.PullSecrets = append(out.PullSecrets, sanitize.Text(s.Name))
	}
	out.State, out.Reason, out.Message, out.StateSince = classify(p)
	// Reasons and messages are free text written by kubelets, schedulers
	// and anyone who may update a pod's status.
	out.Reason, out.Message = sanitize.Text(out.Reason), sanitize.Text(out.Message)
	if out.State == PodFailed {
		describeContainer(p, &out)
	}
	return out
}

// describeContainer records which container a failure is about, with what
// the hints need: its image, last exit code and memory limit.
func describeContainer(p *corev1.Pod, out *Pod) {
	statuses := append(append([]corev1.ContainerStatus(nil), p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...)
	for _, cs := range statuses {
		w, t := cs.State.Waiting, cs.State.Terminated
		if !(w != nil && stuckReasons[w.Reason]) && !(t != nil && t.Reason == "OOMKilled") {
			continue
		}
		out.Container, out.Image = cs.Name, sanitize.Text(cs.Image)
		last := cs.LastTerminationState.Terminated
		if t != nil {
			last = t
		}
		if last != nil {
			out.ExitCode, out.Exited = last.ExitCode, true
		}
		for _, c := range append(append([]corev1.Container(nil), p.Spec.InitContainers...), p.Spec.Containers...) {
			if c.Name == cs.Name {
				if out.Image == "" {
					out.Image = sanitize.Text(c.Image)
				}
				if m, ok := c.Resources.Limits[corev1.ResourceMemory]; ok {
					out.MemoryLimit = m.String()
				}
			}
		}
		return
	}
}

func classify(p *corev1.Pod) (PodState, string, string, time.Time) {
	if p.DeletionTimestamp != nil {
		since := p.DeletionTimestamp.Time
		if g := p.DeletionGracePeriodSeconds; g != nil {
			// The API sets the deletion timestamp to request time + grace.
			since = since.Add(-time.Duration(*g) * time.Second)
		}
		return PodTerminating, "", "", since
	}
	switch p.Status.Phase {
	case corev1.PodFailed:
		return PodFailed, orDefault(p.Status.Reason, "Failed"), p.Status.Message, time.Time{}
	case corev1.PodSucceeded:
		return PodFailed, "Completed", "the pod's containers exited; a Deployment's pods should keep running", time.Time{}
	}
	// Init containers run first: one stuck there holds the whole pod.
	if reason, msg, ok := stuckContainer(p.Status.InitContainerStatuses); ok {
		return PodFailed, reason, msg, time.Time{}
	}
	if reason, msg, ok := stuckContainer(p.Status.ContainerStatuses); ok {
		return PodFailed, reason, msg, time.Time{}
	}
	if c := condition(p, corev1.PodScheduled); p.Spec.NodeName == "" {
		if c != nil && c.Status == corev1.ConditionFalse {
			return PodPending, orDefault(c.Reason, "Unschedulable"), c.Message, c.LastTransitionTime.Time
		}
		return PodPending, "", "", time.Time{}
	}
	if c := condition(p, corev1.PodReady); c != nil && c.Status == corev1.ConditionTrue {
		return PodReady, "", "", c.LastTransitionTime.Time
	}
	if p.Status.Phase == corev1.PodRunning && allRunning(p.Status.ContainerStatuses, len(p.Spec.Containers)) {
		return PodRunning, "", "", time.Time{}
	}
	reason := "ContainerCreating"
	for _, cs := range p.Status.InitContainerStatuses {
		if cs.State.Terminated == nil || cs.State.Terminated.ExitCode != 0 {
			reason = "PodInitializing"
			break
		}
	}
	return PodCreating, reason, "", time.Time{}
}

func stuckContainer(statuses []corev1.ContainerStatus) (reason, message string, ok bool) {
	for _, cs := range statuses {
		if w := cs.State.Waiting; w != nil && stuckReasons[w.Reason] {
			if w.Reason == "CrashLoopBackOff" {
				if t := cs.LastTerminationState.Terminated; t != nil && t.Reason == "OOMKilled" {
					return "OOMKilled", w.Message, true
				}
			}
			return w.Reason, w.Message, true
		}
		if t := cs.State.Terminated; t != nil && t.Reason == "OOMKilled" {
			return "OOMKilled", t.Message, true
		}
	}
	return "", "", false
}

func allRunning(statuses []corev1.ContainerStatus, want int) bool {
	if len(statuses) < want {
		return false
	}
	for _, cs := range statuses {
		if cs.State.Running == nil {
			return false
		}
	}
	return true
}

func condition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
