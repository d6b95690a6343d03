package workload

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
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
		return daemonSetCurrentRevision(o, crs)
	},
	picture: daemonSetSnapshot,
}

func nodeName(p *corev1.Pod) string { return p.Spec.NodeName }

// daemonSetSnapshot builds the snapshot of a DaemonSet's rollout: one pod per node.
func daemonSetSnapshot(ds *appsv1.DaemonSet, crs []*appsv1.ControllerRevision, pods []*corev1.Pod, now, started time.Time) snapshot.Snapshot {
	st := ds.Status
	w := snapshot.Workload{
		Namespace: ds.Namespace, Name: ds.Name,
		Generation: ds.Generation, ObservedGeneration: st.ObservedGeneration,
		Desired: st.DesiredNumberScheduled, Current: st.CurrentNumberScheduled, Updated: st.UpdatedNumberScheduled,
		Ready: st.NumberReady, Available: st.NumberAvailable, Unavailable: st.NumberUnavailable,
		Conditions: conditions(st.Conditions, func(c appsv1.DaemonSetCondition) snapshot.Condition {
			return snapshot.NewCondition(string(c.Type), string(c.Status), c.Reason, c.Message)
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
	s := snapshot.Snapshot{Workload: w, Now: now, Started: started}
	s.Phase, s.Message = daemonSetPhase(ds)
	revs, warnings := revision.FromControllerRevisions(ds, crs, daemonSetCurrentRevision(ds, crs))
	s.AddRevisions(ds, revs, warnings, pods, nodeName)
	return s
}

// daemonSetCurrentRevision names the ControllerRevision of ds that holds its
// current template: the newest one, as DaemonSets keep no updateRevision.
func daemonSetCurrentRevision(ds metav1.Object, crs []*appsv1.ControllerRevision) string {
	current := ""
	var newest int64 = -1
	for _, cr := range crs {
		if metav1.IsControlledBy(cr, ds) && cr.Revision > newest {
			newest, current = cr.Revision, cr.Name
		}
	}
	return current
}

// daemonSetPhase applies `kubectl rollout status` to a DaemonSet.
func daemonSetPhase(ds *appsv1.DaemonSet) (snapshot.Phase, string) {
	st := ds.Status
	if ds.Spec.UpdateStrategy.Type != appsv1.RollingUpdateDaemonSetStrategyType {
		return snapshot.PhaseOnDelete, "rollout status is only available for RollingUpdate strategy type"
	}
	if ds.Generation > st.ObservedGeneration {
		return snapshot.PhaseWaitingSpec, "Waiting for daemon set spec update to be observed..."
	}
	if st.UpdatedNumberScheduled < st.DesiredNumberScheduled {
		return snapshot.PhaseUpdating, fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d out of %d new pods have been updated...", ds.Name, st.UpdatedNumberScheduled, st.DesiredNumberScheduled)
	}
	if st.NumberAvailable < st.DesiredNumberScheduled {
		return snapshot.PhaseAvailability, fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d of %d updated pods are available...", ds.Name, st.NumberAvailable, st.DesiredNumberScheduled)
	}
	return snapshot.PhaseComplete, fmt.Sprintf("daemon set %q successfully rolled out", ds.Name)
}
