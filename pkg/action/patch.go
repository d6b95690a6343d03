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
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// DryRun mirrors kubectl's --dry-run strategies.
type DryRun int

const (
	DryRunNone DryRun = iota
	DryRunClient
	DryRunServer
)

// preconditions test the identity and generation of the object as read
// just before the patch. The generation moves with every spec change but
// not with status updates, so a rollout in progress does not fail them; a
// spec change between the read and the patch does, and the caller reads
// again and decides anew (see applyShown and Undo).
func preconditions(obj metav1.Object) []workload.PatchOp {
	return []workload.PatchOp{
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

// applyShown makes a pause or a restart planned against shown. It reads
// the workload and refuses, with *Changed, when what the change rests on is
// no longer as shown: the object and its pod template (see StillShown) and,
// with pausedToo, spec.paused. Otherwise it sends the patch that build makes
// from that read, guarded by the read's identity and generation. A scale in
// between moves the generation but nothing the user saw, and goes through;
// any spec change between the read and the patch fails the guard, and the
// next read decides anew, so a template changed after the user looked is
// never patched over.
func applyShown(ctx context.Context, c kubernetes.Interface, kind workload.Kind, shown metav1.Object, pausedToo bool, build func(fresh metav1.Object) ([]byte, error), dryRun DryRun) error {
	for attempt := 1; ; attempt++ {
		fresh, err := kind.Get(ctx, c, shown.GetNamespace(), shown.GetName())
		if err != nil {
			return describeError(err, "get", kind, shown)
		}
		if err := StillShown(kind, shown, kind.Template(shown), fresh); err != nil {
			return err
		}
		if pausedToo {
			if err := samePause(kind, shown, fresh); err != nil {
				return err
			}
		}
		patch, err := build(fresh)
		if err != nil {
			return err
		}
		_, err = send(ctx, c, kind, fresh, patch, dryRun)
		if err == nil || apierrors.IsForbidden(err) || apierrors.IsNotFound(err) || attempt == undoAttempts {
			return describeError(err, "patch", kind, shown)
		}
		// A test failed, or the server stumbled: read again and decide anew.
	}
}

// samePause returns *Changed when fresh is paused and shown was not, or
// the other way round: someone else paused or resumed in between.
func samePause(kind workload.Kind, shown, fresh metav1.Object) error {
	was, _ := kind.Paused(shown)
	now, _ := kind.Paused(fresh)
	if now == was {
		return nil
	}
	state := "resumed"
	if now {
		state = "paused"
	}
	return &Changed{Kind: workload.Lower(kind), Name: shown.GetName(), Now: state}
}

// send sends a JSON patch to a workload and returns it as patched (or as
// it would be, in a server dry run).
func send(ctx context.Context, c kubernetes.Interface, kind workload.Kind, obj metav1.Object, patch []byte, dryRun DryRun) (runtime.Object, error) {
	opts := metav1.PatchOptions{}
	if dryRun == DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return kind.Patch(ctx, c, obj.GetNamespace(), obj.GetName(), types.JSONPatchType, patch, opts)
}

// describeError says in a user's words why verb (get, patch) failed on a
// workload; nil stays nil.
func describeError(err error, verb string, kind workload.Kind, obj metav1.Object) error {
	switch {
	case err == nil:
		return nil
	case apierrors.IsForbidden(err):
		return fmt.Errorf("forbidden: you may not %s %ss in namespace %q (%s)", verb, workload.Lower(kind), obj.GetNamespace(), apierrors.ReasonForError(err))
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%s/%s no longer exists in namespace %q", workload.Lower(kind), obj.GetName(), obj.GetNamespace())
	}
	return fmt.Errorf("%s %s %q: %w", verb, workload.Lower(kind), obj.GetName(), err)
}

// PausePatch pauses or resumes the rollout, as `kubectl rollout pause|resume`.
func PausePatch(obj metav1.Object, pause bool) ([]byte, error) {
	return json.Marshal(append(preconditions(obj), workload.PatchOp{Op: "replace", Path: "/spec/paused", Value: pause}))
}

// RestartPatch restarts every pod, as `kubectl rollout restart`: a new
// kubectl.kubernetes.io/restartedAt value in the pod template, whose
// current annotations are given.
func RestartPatch(obj metav1.Object, templateAnnotations map[string]string, now time.Time) ([]byte, error) {
	ops := preconditions(obj)
	if templateAnnotations == nil {
		ops = append(ops, workload.PatchOp{Op: "add", Path: "/spec/template/metadata/annotations", Value: map[string]string{}})
	}
	ops = append(ops, workload.PatchOp{
		Op:    "add",
		Path:  "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt",
		Value: now.Format(time.RFC3339),
	})
	return json.Marshal(ops)
}
