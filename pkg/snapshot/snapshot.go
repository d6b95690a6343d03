// Package snapshot holds a plain, client-free picture of one workload's
// rollout at one instant. Each kind (pkg/workload) builds it from its API
// objects, the watcher keeps the newest, and the renderer draws it; none of
// them needs to know how the others work.
package snapshot

import (
	"slices"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// PodState is what a pod looks like to someone watching a rollout.
type PodState string

const (
	PodPending     PodState = "pending"     // not scheduled to a node yet
	PodCreating    PodState = "creating"    // scheduled, containers not running yet
	PodRunning     PodState = "running"     // running but not ready
	PodReady       PodState = "ready"       // passing its readiness checks
	PodTerminating PodState = "terminating" // deletion requested
	PodFailed      PodState = "failed"      // stuck or dead; Reason says why
)

// Phase is the rollout's phase, decided by the rules of `kubectl rollout status`.
type Phase string

const (
	PhaseWaitingSpec  Phase = "waiting-spec" // generation not observed yet
	PhaseUpdating     Phase = "updating"     // new replicas being created
	PhaseTerminating  Phase = "terminating"  // old replicas pending termination
	PhaseAvailability Phase = "availability" // updated replicas becoming available
	PhaseComplete     Phase = "complete"     // successfully rolled out
	PhaseFailed       Phase = "failed"       // progress deadline exceeded
	PhaseDeleted      Phase = "deleted"      // the workload went away while watched
	// PhaseOnDelete: the OnDelete strategy replaces pods only when they are
	// deleted, so there is no rollout to follow (kubectl says the same).
	PhaseOnDelete Phase = "on-delete"
)

// Snapshot is one observation of a workload's rollout.
type Snapshot struct {
	Workload Workload
	Phase    Phase
	// Message is the line `kubectl rollout status` would print for this state.
	Message string
	// Revisions, newest first. Includes revisions with no pods (history).
	Revisions []Revision
	// Now is when this snapshot was taken; ages are relative to it.
	Now time.Time
	// Started is when the watch began.
	Started time.Time
	// Rollout is the rollout in progress (set by a RolloutClock): elapsed
	// time and pace count from its start.
	Rollout Rollout
	// Problems lists what the watcher could not see (e.g. forbidden pods).
	Problems []string
	// Reconnecting: the API server has not answered lately, or one of the
	// watches the picture is drawn from is not open again yet, so the
	// picture may be behind.
	Reconnecting bool
	// PodsHidden: the pods may not be listed, so only counts are known.
	PodsHidden bool
	// Events are recent Warning events of the workload and its objects,
	// identical ones merged, most recent first.
	Events []Event
	// Secrets tells, for image pull Secrets that stuck pods name, whether
	// each exists; a name missing from the map could not be checked.
	Secrets map[string]bool
	// PullSecrets tells, when the user allowed reading them
	// (--registry-auth=pull-secrets), what the registry says of each pull
	// Secret that stuck pods name: "accepted", "refused" or "no
	// credentials" (for that registry). Never the Secret's content.
	PullSecrets map[string]string
	// ServiceAccounts lists, for the ServiceAccount of each pod stuck on
	// its pull without a pull Secret, the pull Secrets it names now; a
	// name missing from the map could not be read.
	ServiceAccounts map[string][]string
	// Where is how the user reached the cluster, for the commands a hint
	// prints.
	Where Where
	// Findings are why the rollout is stuck, worked out once when the
	// snapshot is made (diagnose.Diagnose), after everything above.
	Findings []Finding
}

// Where is how the user reached the cluster: the connection flags given on
// the command line, each empty when not given. A command that a hint
// prints carries them, so that pasting it acts on the cluster the view
// shows rather than on the kubeconfig's current context. The namespace is
// not here: a hint names the workload's own (-n), which is the one the
// user chose, or, in a release across namespaces, each workload's.
type Where struct {
	Kubeconfig string // --kubeconfig
	Context    string // --context
	Cluster    string // --cluster
	User       string // --user
}

// Event is a Warning event of the workload, a revision or a pod; repeats of
// the same reason and message are merged into Count.
type Event struct {
	Object  string // e.g. "Pod/clerk-squad-7c9d-x2k4"
	Reason  string
	Message string
	Count   int32
	Last    time.Time
}

// Done reports whether the rollout reached a terminal phase.
func (s *Snapshot) Done() bool {
	return s.Phase == PhaseComplete || s.Phase == PhaseFailed || s.Phase == PhaseDeleted || s.Phase == PhaseOnDelete
}

// PodsAgree reports whether the pods in view tell the same story as the
// workload's status: as many ready pods, revision by revision. Each watch
// catches up on its own after a disconnection, so the status may announce
// a finished rollout while the pods still show an older moment.
func (s *Snapshot) PodsAgree() bool {
	if s.PodsHidden {
		return true
	}
	var total int32
	for i := range s.Revisions {
		r := &s.Revisions[i]
		ready := int32(r.Counts()[PodReady])
		if ready != r.Ready {
			return false
		}
		total += ready
	}
	return total == s.Workload.Ready
}

// Workload is the controller being rolled out.
type Workload struct {
	Kind      string // e.g. "Deployment", as the kind (pkg/workload) names itself
	Short     string // kubectl's short name for the kind, e.g. "deploy"
	Namespace string
	Name      string

	Generation         int64
	ObservedGeneration int64
	Paused             bool
	Strategy           Strategy

	Desired     int32 // spec.replicas
	Current     int32 // status.replicas (all revisions)
	Updated     int32
	Ready       int32
	Available   int32
	Unavailable int32

	Conditions []Condition
}

// Strategy is the update strategy with surge and unavailability resolved to pod counts.
type Strategy struct {
	Type           string // "RollingUpdate", "Recreate" or "OnDelete"
	MaxSurge       int32
	MaxUnavailable int32
	// Partition (StatefulSets): pods with a lower ordinal keep the old revision.
	Partition int32
	// PodManagementPolicy (StatefulSets): OrderedReady or Parallel.
	PodManagementPolicy string
	// PerNode (DaemonSets): surge and unavailability count nodes.
	PerNode bool
	// Ordered (StatefulSets): pods are replaced highest ordinal first.
	Ordered bool
}

// Condition mirrors a workload status condition.
type Condition struct {
	Type    string
	Status  string
	Reason  string
	Message string
}

// newCondition copies a status condition; its reason and message are free
// text that anyone allowed to write the status chooses.
// NewCondition is a condition of the workload, its text sanitized.
func NewCondition(typ, status, reason, message string) Condition {
	return Condition{Type: typ, Status: status, Reason: sanitize.Text(reason), Message: sanitize.Text(message)}
}

// Revision is one revision of the workload (pkg/revision's model) with what
// a live view adds: its pods, and the text drawn from it, sanitized. The
// change-cause is sanitized in place; other strings of the model are data,
// to be passed through sanitize before they are drawn.
type Revision struct {
	revision.Revision
	// Images are the container images, in spec order, sanitized.
	Images []string
	Pods   []Pod // sorted by creation time, then name (ordinal, node for Label)
	// Failure is the ReplicaSet's ReplicaFailure condition (e.g. a quota
	// that forbids new pods), when it is true; sanitized.
	Failure *Condition
	// Pull, once the registry has said, is what a node running the
	// revision this one replaces must fetch to run it.
	Pull *Pull
	// Registry maps each image of the revision the registry has answered
	// for to what its reference names there now.
	Registry map[string]Resolved
}

// Resolved is what an image reference names in its registry: the digest
// it resolves to (an index's, for a multi-platform image) and the
// platform manifests of that index.
type Resolved struct {
	Digest    string
	Manifests []string
}

// Names reports whether digest, as a pod's imageID records it, is what the
// reference names: its own digest or one of its platform manifests'.
func (r Resolved) Names(digest string) bool {
	return digest == r.Digest || slices.Contains(r.Manifests, digest)
}

// Pull is what a node must fetch to go from one revision to another: the
// layers it lacks and their compressed bytes, and the layers it has.
type Pull struct {
	From   int64 // the revision replaced
	Bytes  int64
	Layers int
	Shared int
	// Platform is the one the layers are for, e.g. linux/arm64; sanitized
	// where shown, as a registry writes it.
	Platform string
}

// Active reports whether the revision has anything to show in a live view.
func (r *Revision) Active() bool {
	return r.Current || r.Desired > 0 || len(r.Pods) > 0
}

// Pod is one pod of a revision.
type Pod struct {
	Name     string
	State    PodState
	Reason   string // e.g. ImagePullBackOff, CrashLoopBackOff, Unschedulable
	Message  string // what the kubelet or scheduler wrote
	Restarts int32
	Node     string
	Created  time.Time
	// StateSince is when the pod entered its state, as far as the API tells
	// (Ready's transition time, the start of deletion); zero when unknown.
	StateSince time.Time

	// Container is the container the Reason is about, and Image its image.
	Container string
	Image     string
	// ExitCode is Container's last exit code, when Exited.
	ExitCode int32
	Exited   bool
	// MemoryLimit is Container's memory limit, e.g. "128Mi", when set.
	MemoryLimit string
	// PullSecrets are the pod's imagePullSecrets (its ServiceAccount's
	// included: they are copied in when the pod is created).
	PullSecrets []string
	// ServiceAccount is the pod's, "default" when it names none.
	ServiceAccount string
	// Images are the images the pod's running containers report.
	Images []RunningImage
	// Label names the pod's place where it has one: a StatefulSet pod's
	// ordinal, a DaemonSet pod's node.
	Label string
	// LastWords is the end of Container's log, for a failing pod of the
	// newest revision; nil until read (in the background, never for a
	// frame), or when logs are not read.
	LastWords *LastWords
}

// LastWords is the end of a failing container's log: what it said before
// it died, or what it says while it never gets ready.
type LastWords struct {
	Container string
	// Previous: the log of the container that died, before its restart
	// (the current one has not said anything yet).
	Previous bool
	Lines    []string // the last few lines, oldest first, made inert
}

// RunningImage is what a container runs: the image as asked, and the
// digest the node resolved it to.
type RunningImage struct {
	Container string
	Image     string
	ImageID   string
}

// Counts tallies the pods of a revision by state.
func (r *Revision) Counts() map[PodState]int {
	c := make(map[PodState]int, 6)
	for i := range r.Pods {
		c[r.Pods[i].State]++
	}
	return c
}
