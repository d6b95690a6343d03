package workload

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
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
	picture: statefulSetSnapshot,
}

func ordinal(p *corev1.Pod) string {
	if i := strings.LastIndexByte(p.Name, '-'); i >= 0 {
		if _, err := strconv.Atoi(p.Name[i+1:]); err == nil {
			return p.Name[i+1:]
		}
	}
	return ""
}

// statefulSetSnapshot builds the snapshot of a StatefulSet's rollout.
func statefulSetSnapshot(sts *appsv1.StatefulSet, crs []*appsv1.ControllerRevision, pods []*corev1.Pod, now, started time.Time) snapshot.Snapshot {
	w := snapshot.Workload{
		Namespace: sts.Namespace, Name: sts.Name,
		Generation: sts.Generation, ObservedGeneration: sts.Status.ObservedGeneration,
		Desired: replicas(sts.Spec.Replicas), Current: sts.Status.Replicas, Updated: sts.Status.UpdatedReplicas,
		Ready: sts.Status.ReadyReplicas, Available: sts.Status.AvailableReplicas,
		Conditions: conditions(sts.Status.Conditions, func(c appsv1.StatefulSetCondition) snapshot.Condition {
			return snapshot.NewCondition(string(c.Type), string(c.Status), c.Reason, c.Message)
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
	s := snapshot.Snapshot{Workload: w, Now: now, Started: started}
	s.Phase, s.Message = statefulSetPhase(sts)
	revs, warnings := revision.FromControllerRevisions(sts, crs, sts.Status.UpdateRevision)
	s.AddRevisions(sts, revs, warnings, pods, ordinal)
	return s
}

// statefulSetPhase applies `kubectl rollout status` to a StatefulSet, in
// kubectl's order and words.
func statefulSetPhase(sts *appsv1.StatefulSet) (snapshot.Phase, string) {
	st := sts.Status
	if sts.Spec.UpdateStrategy.Type != appsv1.RollingUpdateStatefulSetStrategyType {
		return snapshot.PhaseOnDelete, "rollout status is only available for RollingUpdate strategy type"
	}
	if st.ObservedGeneration == 0 || sts.Generation > st.ObservedGeneration {
		return snapshot.PhaseWaitingSpec, "Waiting for statefulset spec update to be observed..."
	}
	if sts.Spec.Replicas != nil && st.ReadyReplicas < *sts.Spec.Replicas {
		return snapshot.PhaseAvailability, fmt.Sprintf("Waiting for %d pods to be ready...", *sts.Spec.Replicas-st.ReadyReplicas)
	}
	if ru := sts.Spec.UpdateStrategy.RollingUpdate; ru != nil {
		if sts.Spec.Replicas != nil && ru.Partition != nil {
			if want := *sts.Spec.Replicas - *ru.Partition; st.UpdatedReplicas < want {
				return snapshot.PhaseUpdating, fmt.Sprintf("Waiting for partitioned roll out to finish: %d out of %d new pods have been updated...", st.UpdatedReplicas, want)
			}
		}
		return snapshot.PhaseComplete, fmt.Sprintf("partitioned roll out complete: %d new pods have been updated...", st.UpdatedReplicas)
	}
	// The revisions' names are status, which whoever may update
	// statefulsets/status writes, unchecked: the message quotes them
	// sanitized.
	if st.UpdateRevision != st.CurrentRevision {
		return snapshot.PhaseUpdating, fmt.Sprintf("waiting for statefulset rolling update to complete %d pods at revision %s...", st.UpdatedReplicas, sanitize.Text(st.UpdateRevision))
	}
	return snapshot.PhaseComplete, fmt.Sprintf("statefulset rolling update complete %d pods at revision %s...", st.CurrentReplicas, sanitize.Text(st.CurrentRevision))
}
