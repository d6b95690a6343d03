package snapshot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// addRevisions gives the snapshot owner's revisions with their pods; label
// names each pod's place (ordinal, node), or nil for none. Revisions that
// could not be read fully are said in Problems, never hidden.
func (s *Snapshot) addRevisions(owner metav1.Object, revs []revision.Revision, warnings []string, pods []*corev1.Pod, label func(*corev1.Pod) string) {
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
			c := newCondition(string(appsv1.ReplicaSetReplicaFailure), string(corev1.ConditionTrue), f.Reason, f.Message)
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

func ordinal(p *corev1.Pod) string {
	if i := strings.LastIndexByte(p.Name, '-'); i >= 0 {
		if _, err := strconv.Atoi(p.Name[i+1:]); err == nil {
			return p.Name[i+1:]
		}
	}
	return ""
}

func nodeName(p *corev1.Pod) string { return p.Spec.NodeName }

func conditions[T any](in []T, conv func(T) Condition) []Condition {
	out := make([]Condition, 0, len(in))
	for _, c := range in {
		out = append(out, conv(c))
	}
	return out
}

// FromStatefulSet builds the snapshot of a StatefulSet's rollout.
func FromStatefulSet(sts *appsv1.StatefulSet, crs []*appsv1.ControllerRevision, pods []*corev1.Pod, now, started time.Time) Snapshot {
	w := Workload{
		Namespace: sts.Namespace, Name: sts.Name,
		Generation: sts.Generation, ObservedGeneration: sts.Status.ObservedGeneration,
		Desired: replicas(sts.Spec.Replicas), Current: sts.Status.Replicas, Updated: sts.Status.UpdatedReplicas,
		Ready: sts.Status.ReadyReplicas, Available: sts.Status.AvailableReplicas,
		Conditions: conditions(sts.Status.Conditions, func(c appsv1.StatefulSetCondition) Condition {
			return newCondition(string(c.Type), string(c.Status), c.Reason, c.Message)
		}),
	}
	w.Unavailable = w.Desired - w.Available
	w.Strategy.Type = string(sts.Spec.UpdateStrategy.Type)
	w.Strategy.Ordered = true
	if w.Strategy.Type == "" {
		w.Strategy.Type = string(appsv1.RollingUpdateStatefulSetStrategyType)
	}
	w.Strategy.PodManagementPolicy = string(sts.Spec.PodManagementPolicy)
	if w.Strategy.PodManagementPolicy == "" {
		w.Strategy.PodManagementPolicy = string(appsv1.OrderedReadyPodManagement)
	}
	w.Strategy.MaxUnavailable = 1
	if ru := sts.Spec.UpdateStrategy.RollingUpdate; ru != nil {
		if ru.Partition != nil {
			w.Strategy.Partition = *ru.Partition
		}
		if ru.MaxUnavailable != nil {
			_, w.Strategy.MaxUnavailable = scaled(nil, ru.MaxUnavailable, w.Desired)
		}
	}
	s := Snapshot{Workload: w, Now: now, Started: started}
	s.Phase, s.Message = StatefulSetPhase(sts)
	revs, warnings := revision.FromControllerRevisions(sts, crs, sts.Status.UpdateRevision)
	s.addRevisions(sts, revs, warnings, pods, ordinal)
	return s
}

// StatefulSetPhase applies `kubectl rollout status` to a StatefulSet, in
// kubectl's order and words.
func StatefulSetPhase(sts *appsv1.StatefulSet) (Phase, string) {
	st := sts.Status
	if sts.Spec.UpdateStrategy.Type != appsv1.RollingUpdateStatefulSetStrategyType {
		return PhaseOnDelete, "rollout status is only available for RollingUpdate strategy type"
	}
	if st.ObservedGeneration == 0 || sts.Generation > st.ObservedGeneration {
		return PhaseWaitingSpec, "Waiting for statefulset spec update to be observed..."
	}
	if sts.Spec.Replicas != nil && st.ReadyReplicas < *sts.Spec.Replicas {
		return PhaseAvailability, fmt.Sprintf("Waiting for %d pods to be ready...", *sts.Spec.Replicas-st.ReadyReplicas)
	}
	if ru := sts.Spec.UpdateStrategy.RollingUpdate; ru != nil {
		if sts.Spec.Replicas != nil && ru.Partition != nil {
			if want := *sts.Spec.Replicas - *ru.Partition; st.UpdatedReplicas < want {
				return PhaseUpdating, fmt.Sprintf("Waiting for partitioned roll out to finish: %d out of %d new pods have been updated...", st.UpdatedReplicas, want)
			}
		}
		return PhaseComplete, fmt.Sprintf("partitioned roll out complete: %d new pods have been updated...", st.UpdatedReplicas)
	}
	// The revisions' names are status, which whoever may update
	// statefulsets/status writes, unchecked: the message quotes them
	// sanitized.
	if st.UpdateRevision != st.CurrentRevision {
		return PhaseUpdating, fmt.Sprintf("waiting for statefulset rolling update to complete %d pods at revision %s...", st.UpdatedReplicas, sanitize.Text(st.UpdateRevision))
	}
	return PhaseComplete, fmt.Sprintf("statefulset rolling update complete %d pods at revision %s...", st.CurrentReplicas, sanitize.Text(st.CurrentRevision))
}

// FromDaemonSet builds the snapshot of a DaemonSet's rollout: one pod per node.
func FromDaemonSet(ds *appsv1.DaemonSet, crs []*appsv1.ControllerRevision, pods []*corev1.Pod, now, started time.Time) Snapshot {
	st := ds.Status
	w := Workload{
		Namespace: ds.Namespace, Name: ds.Name,
		Generation: ds.Generation, ObservedGeneration: st.ObservedGeneration,
		Desired: st.DesiredNumberScheduled, Current: st.CurrentNumberScheduled, Updated: st.UpdatedNumberScheduled,
		Ready: st.NumberReady, Available: st.NumberAvailable, Unavailable: st.NumberUnavailable,
		Conditions: conditions(st.Conditions, func(c appsv1.DaemonSetCondition) Condition {
			return newCondition(string(c.Type), string(c.Status), c.Reason, c.Message)
		}),
	}
	w.Strategy.Type = string(ds.Spec.UpdateStrategy.Type)
	if w.Strategy.Type == "" {
		w.Strategy.Type = string(appsv1.RollingUpdateDaemonSetStrategyType)
	}
	w.Strategy.PerNode = true
	if ru := ds.Spec.UpdateStrategy.RollingUpdate; ru != nil && w.Strategy.Type == string(appsv1.RollingUpdateDaemonSetStrategyType) {
		w.Strategy.MaxSurge, _ = scaled(ru.MaxSurge, nil, w.Desired)
		// The DaemonSet controller rounds unavailability up, unlike Deployments.
		if ru.MaxUnavailable != nil {
			if v, err := intstr.GetScaledValueFromIntOrPercent(ru.MaxUnavailable, int(w.Desired), true); err == nil {
				w.Strategy.MaxUnavailable = int32(v)
			}
		}
	}
	s := Snapshot{Workload: w, Now: now, Started: started}
	s.Phase, s.Message = DaemonSetPhase(ds)
	revs, warnings := revision.FromControllerRevisions(ds, crs, DaemonSetCurrentRevision(ds, crs))
	s.addRevisions(ds, revs, warnings, pods, nodeName)
	return s
}

// DaemonSetCurrentRevision names the ControllerRevision of ds that holds its
// current template: the newest one, as DaemonSets keep no updateRevision.
func DaemonSetCurrentRevision(ds metav1.Object, crs []*appsv1.ControllerRevision) string {
	current := ""
	var newest int64 = -1
	for _, cr := range crs {
		if metav1.IsControlledBy(cr, ds) && cr.Revision > newest {
			newest, current = cr.Revision, cr.Name
		}
	}
	return current
}

// DaemonSetPhase applies `kubectl rollout status` to a DaemonSet.
func DaemonSetPhase(ds *appsv1.DaemonSet) (Phase, string) {
	st := ds.Status
	if ds.Spec.UpdateStrategy.Type != appsv1.RollingUpdateDaemonSetStrategyType {
		return PhaseOnDelete, "rollout status is only available for RollingUpdate strategy type"
	}
	if ds.Generation > st.ObservedGeneration {
		return PhaseWaitingSpec, "Waiting for daemon set spec update to be observed..."
	}
	if st.UpdatedNumberScheduled < st.DesiredNumberScheduled {
		return PhaseUpdating, fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d out of %d new pods have been updated...", ds.Name, st.UpdatedNumberScheduled, st.DesiredNumberScheduled)
	}
	if st.NumberAvailable < st.DesiredNumberScheduled {
		return PhaseAvailability, fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d of %d updated pods are available...", ds.Name, st.NumberAvailable, st.DesiredNumberScheduled)
	}
	return PhaseComplete, fmt.Sprintf("daemon set %q successfully rolled out", ds.Name)
}
