// Package workload holds the kinds of workload the plugin follows and
// steers, one type per kind, each in its own file: how to read, list and
// watch its objects, where its revisions are kept and how they are read,
// how its rollout is pictured, and how an undo or a pause is planned.
//
// Adding a kind is one new file with a type that implements Kind, and its
// line in Kinds.
package workload

import (
	"context"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// Kind is one kind of workload.
type Kind interface {
	// Name is the kind as the API spells it: "Deployment".
	Name() string
	// Group is its API group: "apps".
	Group() string
	// Resource is its plural resource in Group: "deployments".
	Resource() string
	// Short is kubectl's short name for it: "deploy".
	Short() string
	// RevisionResource names what holds its revisions: "replicasets".
	RevisionResource() string

	// Get reads one object; List the names of a namespace's objects.
	Get(ctx context.Context, c kubernetes.Interface, namespace, name string) (metav1.Object, error)
	List(ctx context.Context, c kubernetes.Interface, namespace string) ([]string, error)
	// Selector and Template read an object of this kind.
	Selector(obj metav1.Object) *metav1.LabelSelector
	Template(obj metav1.Object) *corev1.PodTemplateSpec
	// Patch sends a patch to one object.
	Patch(ctx context.Context, c kubernetes.Interface, namespace, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions) (runtime.Object, error)
	// Describe says briefly what an object now runs, for "changed since it
	// was shown (now …)".
	Describe(obj metav1.Object) string

	// ObjectInformer and RevisionInformer watch the objects and revisions.
	ObjectInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer
	RevisionInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer
	// Snapshot pictures a rollout from cached objects: the workload, what
	// the revision informer holds, and the pods.
	Snapshot(obj metav1.Object, revisions []any, pods []*corev1.Pod, now, started time.Time) snapshot.Snapshot

	// History reads an object's revisions, newest first, with kubectl's
	// rules for which belong to it, and warnings about revisions skipped.
	History(ctx context.Context, c kubernetes.Interface, obj metav1.Object) ([]revision.Revision, []string, error)
	// NoHistory is kubectl's refusal, for this kind, of an undo to the
	// previous revision when obj has fewer than two.
	NoHistory(obj metav1.Object) error
	// RefuseUndo is kubectl's refusal to roll obj back as it is (a paused
	// Deployment), or nil.
	RefuseUndo(obj metav1.Object) error
	// UndoOps are what an undo to target patches beside the pod template,
	// read against fresh (a Deployment's also rebuilds its annotations, as
	// kubectl's does); nil for kinds whose undo is the template alone.
	UndoOps(fresh metav1.Object, target *revision.Revision) []PatchOp
	// Paused tells whether obj's rollout is paused; ok is false for kinds
	// that kubectl cannot pause.
	Paused(obj metav1.Object) (paused, ok bool)
}

// PatchOp is one operation of a JSON patch (RFC 6902), the form in which
// every change the plugin makes is sent, so that it can carry tests of what
// the user was shown.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// Kinds are the kinds the plugin supports, in the order help lists them.
var Kinds = []Kind{Deployment, StatefulSet, DaemonSet}

// ForResource returns the kind of a resource, if it is one of ours.
func ForResource(gr schema.GroupResource) (Kind, bool) {
	for _, k := range Kinds {
		if gr == GroupResource(k) {
			return k, true
		}
	}
	return nil, false
}

// GroupResource is the kind's resource in its group: deployments.apps.
func GroupResource(k Kind) schema.GroupResource {
	return schema.GroupResource{Group: k.Group(), Resource: k.Resource()}
}

// Names lists the kinds' names for a message, joined by conj before the
// last: Names("or") is "Deployment, StatefulSet or DaemonSet".
func Names(conj string) string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = k.Name()
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conj + " " + names[len(names)-1]
}

// Lower is the kind as kubectl writes it in commands and messages:
// "statefulset".
func Lower(k Kind) string { return strings.ToLower(k.Name()) }

// stamp marks a snapshot with the values its kind decides.
func stamp(k Kind, s snapshot.Snapshot) snapshot.Snapshot {
	s.Workload.Kind, s.Workload.Short = k.Name(), k.Short()
	return s
}

// ObjectName is how kubectl names an object in its output:
// "deployment.apps/clerk-squad".
func ObjectName(k Kind, name string) string {
	return Lower(k) + "." + k.Group() + "/" + name
}
