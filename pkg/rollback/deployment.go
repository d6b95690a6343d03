// Package rollback changes a Deployment the way `kubectl rollout undo`,
// `pause`, `resume` and `restart` do, with one difference: every change
// carries a precondition on what the user was shown, so that a change made
// by someone else in between is never overwritten.
package rollback

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
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

// Apply sends a JSON patch guarded by preconditions to an apps/v1 workload
// (resource "deployments", "statefulsets" or "daemonsets"). When a
// precondition fails it reads the object again to say what it has become.
func Apply(ctx context.Context, c kubernetes.Interface, resource string, obj metav1.Object, patch []byte, dryRun DryRun) error {
	err := send(ctx, c, resource, obj, patch, dryRun)
	if err == nil || apierrors.IsForbidden(err) || apierrors.IsNotFound(err) {
		return describeError(err, "patch", resource, obj)
	}
	if now, changed := current(ctx, c, resource, obj); changed {
		return &Changed{Kind: kindOf(resource), Name: obj.GetName(), Now: now}
	}
	return describeError(err, "patch", resource, obj)
}

// send sends a JSON patch to an apps/v1 workload, through the typed clients
// so that tests can use client-go's fake clientset.
func send(ctx context.Context, c kubernetes.Interface, resource string, obj metav1.Object, patch []byte, dryRun DryRun) error {
	opts := metav1.PatchOptions{}
	if dryRun == DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	ns, name := obj.GetNamespace(), obj.GetName()
	var err error
	switch resource {
	case "deployments":
		_, err = c.AppsV1().Deployments(ns).Patch(ctx, name, types.JSONPatchType, patch, opts)
	case "statefulsets":
		_, err = c.AppsV1().StatefulSets(ns).Patch(ctx, name, types.JSONPatchType, patch, opts)
	case "daemonsets":
		_, err = c.AppsV1().DaemonSets(ns).Patch(ctx, name, types.JSONPatchType, patch, opts)
	default:
		err = fmt.Errorf("cannot patch %s", resource)
	}
	return err
}

// describeError says in a user's words why verb (get, patch) failed on a
// workload; nil stays nil.
func describeError(err error, verb, resource string, obj metav1.Object) error {
	kind := kindOf(resource)
	switch {
	case err == nil:
		return nil
	case apierrors.IsForbidden(err):
		return fmt.Errorf("forbidden: you may not %s %s in namespace %q (%s)", verb, resource, obj.GetNamespace(), apierrors.ReasonForError(err))
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%s/%s no longer exists in namespace %q", kind, obj.GetName(), obj.GetNamespace())
	}
	return fmt.Errorf("%s %s %q: %w", verb, kind, obj.GetName(), err)
}

// kindOf is the kind as kubectl writes it in messages: "deployment".
func kindOf(resource string) string { return strings.TrimSuffix(resource, "s") }

// current says what the object has become, and whether it is no longer the
// one that was shown (another object, or another generation).
func current(ctx context.Context, c kubernetes.Interface, resource string, shown metav1.Object) (string, bool) {
	now, tpl, err := read(ctx, c, resource, shown.GetNamespace(), shown.GetName())
	if err != nil {
		return "", false
	}
	return describeTemplate(now, tpl), now.GetUID() != shown.GetUID() || now.GetGeneration() != shown.GetGeneration()
}

func describe(d *appsv1.Deployment) string {
	rev := d.Annotations[deploymentutil.RevisionAnnotation]
	if d.Generation > d.Status.ObservedGeneration {
		rev = "a new revision"
	} else {
		rev = "rev " + rev
	}
	return rev + ", " + snapshot.ShortImages(snapshot.Images(&d.Spec.Template.Spec))
}

// PausePatch pauses or resumes the rollout, as `kubectl rollout pause|resume`.
func PausePatch(d *appsv1.Deployment, pause bool) ([]byte, error) {
	return json.Marshal(append(preconditions(d), jsonOp{Op: "replace", Path: "/spec/paused", Value: pause}))
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

// Revision returns the Deployment's revision number (0 when unset).
func Revision(d *appsv1.Deployment) int64 {
	n, _ := strconv.ParseInt(d.Annotations[deploymentutil.RevisionAnnotation], 10, 64)
	return n
}
