// Package action holds the changes a user can make to a workload: undo,
// pause, resume and restart, as `kubectl rollout` makes them, with one
// difference: every change carries a precondition on what the user was
// shown, so that a change made by someone else in between is never
// overwritten. A view plans an action against what it shows (a Pending,
// with the question to ask), and applies it only after a yes. What differs
// between kinds (how to read and patch them) comes from a Kind, which
// pkg/workload provides.
package action

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// DryRun mirrors kubectl's --dry-run strategies.
type DryRun int

const (
	DryRunNone DryRun = iota
	DryRunClient
	DryRunServer
)

// keptAnnotations are the Deployment's own annotations that an undo keeps;
// every other annotation comes from the ReplicaSet, as in kubectl.
var keptAnnotations = []string{
	corev1.LastAppliedConfigAnnotation,
	deploymentutil.RevisionAnnotation,
	deploymentutil.RevisionHistoryAnnotation,
	deploymentutil.DesiredReplicasAnnotation,
	deploymentutil.MaxReplicasAnnotation,
	appsv1.DeprecatedRollbackTo,
}

type jsonOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// preconditions test the identity and generation the user was shown. The
// generation moves with every spec change but not with status updates, so a
// rollout in progress does not invalidate what the user is looking at.
func preconditions(obj metav1.Object) []jsonOp {
	return []jsonOp{
		{Op: "test", Path: "/metadata/uid", Value: string(obj.GetUID())},
		{Op: "test", Path: "/metadata/generation", Value: obj.GetGeneration()},
	}
}

// Changed is returned when the Deployment moved on since the user looked.
type Changed struct {
	Kind string // "deployment" when empty
	Name string
	Now  string // e.g. "rev 5, uniform:autumn-2024"
}

func (e *Changed) Error() string {
	kind := e.Kind
	if kind == "" {
		kind = "deployment"
	}
	// Now is built from image names, which anyone who may edit it chooses.
	return fmt.Sprintf("%s/%s changed since it was shown (now %s); look again", kind, e.Name, sanitize.Text(e.Now))
}

// Apply sends a JSON patch guarded by preconditions to a workload. When a
// precondition fails it reads the object again to say what it has become.
func Apply(ctx context.Context, c kubernetes.Interface, kind Kind, obj metav1.Object, patch []byte, dryRun DryRun) error {
	_, err := send(ctx, c, kind, obj, patch, dryRun)
	if err == nil || apierrors.IsForbidden(err) || apierrors.IsNotFound(err) {
		return describeError(err, "patch", kind, obj)
	}
	if now, err := kind.Get(ctx, c, obj.GetNamespace(), obj.GetName()); err == nil &&
		(now.GetUID() != obj.GetUID() || now.GetGeneration() != obj.GetGeneration()) {
		return &Changed{Kind: lower(kind), Name: obj.GetName(), Now: kind.Describe(now)}
	}
	return describeError(err, "patch", kind, obj)
}

// send sends a JSON patch to a workload and returns it as patched (or as
// it would be, in a server dry run).
func send(ctx context.Context, c kubernetes.Interface, kind Kind, obj metav1.Object, patch []byte, dryRun DryRun) (runtime.Object, error) {
	opts := metav1.PatchOptions{}
	if dryRun == DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return kind.Patch(ctx, c, obj.GetNamespace(), obj.GetName(), types.JSONPatchType, patch, opts)
}

// describeError says in a user's words why verb (get, patch) failed on a
// workload; nil stays nil.
func describeError(err error, verb string, kind Kind, obj metav1.Object) error {
	switch {
	case err == nil:
		return nil
	case apierrors.IsForbidden(err):
		return fmt.Errorf("forbidden: you may not %s %ss in namespace %q (%s)", verb, lower(kind), obj.GetNamespace(), apierrors.ReasonForError(err))
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%s/%s no longer exists in namespace %q", lower(kind), obj.GetName(), obj.GetNamespace())
	}
	return fmt.Errorf("%s %s %q: %w", verb, lower(kind), obj.GetName(), err)
}

// lower is the kind as kubectl writes it in messages: "deployment".
func lower(k Kind) string { return strings.ToLower(k.Name()) }

// PausePatch pauses or resumes the rollout, as `kubectl rollout pause|resume`.
func PausePatch(obj metav1.Object, pause bool) ([]byte, error) {
	return json.Marshal(append(preconditions(obj), jsonOp{Op: "replace", Path: "/spec/paused", Value: pause}))
}

// RestartPatch restarts every pod, as `kubectl rollout restart`: a new
// kubectl.kubernetes.io/restartedAt value in the pod template, whose
// current annotations are given.
func RestartPatch(obj metav1.Object, templateAnnotations map[string]string, now time.Time) ([]byte, error) {
	ops := preconditions(obj)
	if templateAnnotations == nil {
		ops = append(ops, jsonOp{Op: "add", Path: "/spec/template/metadata/annotations", Value: map[string]string{}})
	}
	ops = append(ops, jsonOp{
		Op:    "add",
		Path:  "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt",
		Value: now.Format(time.RFC3339),
	})
	return json.Marshal(ops)
}
