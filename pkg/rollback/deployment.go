// Package rollback changes a Deployment the way `kubectl rollout undo`,
// `pause`, `resume` and `restart` do, with one difference: every change
// carries a precondition on what the user was shown, so that a change made
// by someone else in between is never overwritten.
package rollback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
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

// Plan is an undo worked out against the Deployment as the user saw it.
type Plan struct {
	Deployment *appsv1.Deployment // as shown
	ToRevision int64              // as asked; 0 means the previous revision
	Target     *history.Revision
	Current    *history.Revision // nil when no ReplicaSet matches the template
}

// PlanUndo picks the target revision with kubectl's rules and messages:
// 0 means the second-highest revision.
func PlanUndo(d *appsv1.Deployment, revs []history.Revision, toRevision int64) (*Plan, error) {
	if toRevision < 0 {
		return nil, notFound(toRevision)
	}
	p := &Plan{Deployment: d, ToRevision: toRevision}
	p.Current, _ = history.CurrentRevision(revs)
	if toRevision > 0 {
		t, ok := history.Find(revs, toRevision)
		if !ok {
			return nil, notFound(toRevision)
		}
		p.Target = t
		return p, nil
	}
	// revs is newest first.
	if len(revs) < 2 {
		return nil, fmt.Errorf("no rollout history found for deployment %q", d.Name)
	}
	p.Target = &revs[1]
	return p, nil
}

func notFound(n int64) error {
	return fmt.Errorf("unable to find specified revision %d in history", n)
}

// Check applies kubectl's refusals after the target is known: a paused
// Deployment cannot be rolled back. skip is true (with kubectl's message)
// when the target already is the current template.
func (p *Plan) Check() (skip string, err error) {
	if p.Deployment.Spec.Paused {
		return "", errors.New("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again")
	}
	if snapshot.EqualIgnoreHash(p.Target.Template, &p.Deployment.Spec.Template) {
		return fmt.Sprintf("skipped rollback (current template already matches revision %d)", p.ToRevision), nil
	}
	return "", nil
}

// Patch is kubectl's rollback patch (replace the template, rebuild the
// annotations) preceded by tests that the Deployment is still the one the
// user saw: same object, same generation.
func (p *Plan) Patch() ([]byte, error) {
	tpl := p.Target.Template.DeepCopy()
	delete(tpl.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	ann := map[string]string{}
	for _, k := range keptAnnotations {
		if v, ok := p.Deployment.Annotations[k]; ok {
			ann[k] = v
		}
	}
	for k, v := range targetAnnotations(p) {
		ann[k] = v
	}
	ops := append(preconditions(p.Deployment),
		jsonOp{Op: "replace", Path: "/spec/template", Value: tpl},
		jsonOp{Op: "replace", Path: "/metadata/annotations", Value: ann},
	)
	return json.Marshal(ops)
}

// targetAnnotations are the ReplicaSet's annotations that an undo copies.
func targetAnnotations(p *Plan) map[string]string {
	out := map[string]string{}
	for k, v := range p.Target.Annotations {
		skip := false
		for _, kept := range keptAnnotations {
			skip = skip || k == kept
		}
		if !skip {
			out[k] = v
		}
	}
	return out
}

type jsonOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// preconditions test the identity and generation the user was shown. The
// generation moves with every spec change but not with status updates, so a
// rollout in progress does not invalidate what the user is looking at.
func preconditions(d *appsv1.Deployment) []jsonOp {
	return []jsonOp{
		{Op: "test", Path: "/metadata/uid", Value: string(d.UID)},
		{Op: "test", Path: "/metadata/generation", Value: d.Generation},
	}
}

// Changed is returned when the Deployment moved on since the user looked.
type Changed struct {
	Name string
	Now  string // e.g. "rev 5, uniform:autumn-2024"
}

func (e *Changed) Error() string {
	return fmt.Sprintf("deployment/%s changed since it was shown (now %s); look again", e.Name, e.Now)
}

// Apply sends a JSON patch guarded by preconditions. When a precondition
// fails it reads the Deployment again to say what it has become.
func Apply(ctx context.Context, c kubernetes.Interface, d *appsv1.Deployment, patch []byte, dryRun DryRun) (*appsv1.Deployment, error) {
	opts := metav1.PatchOptions{}
	if dryRun == DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	out, err := c.AppsV1().Deployments(d.Namespace).Patch(ctx, d.Name, types.JSONPatchType, patch, opts)
	if err == nil {
		return out, nil
	}
	if apierrors.IsForbidden(err) {
		return nil, fmt.Errorf("forbidden: you may not patch deployments in namespace %q (%s)", d.Namespace, apierrors.ReasonForError(err))
	}
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("deployment/%s no longer exists in namespace %q", d.Name, d.Namespace)
	}
	now, gerr := c.AppsV1().Deployments(d.Namespace).Get(ctx, d.Name, metav1.GetOptions{})
	if gerr == nil && (now.UID != d.UID || now.Generation != d.Generation) {
		return nil, &Changed{Name: d.Name, Now: describe(now)}
	}
	return nil, fmt.Errorf("patch deployment %q: %w", d.Name, err)
}

func describe(d *appsv1.Deployment) string {
	rev := d.Annotations[deploymentutil.RevisionAnnotation]
	if d.Generation > d.Status.ObservedGeneration {
		rev = "a new revision"
	} else {
		rev = "rev " + rev
	}
	images := ""
	for i, c := range d.Spec.Template.Spec.Containers {
		if i > 0 {
			images += ","
		}
		images += snapshot.ShortImage(c.Image)
	}
	return rev + ", " + images
}

// PausePatch pauses or resumes the rollout, as `kubectl rollout pause|resume`.
func PausePatch(d *appsv1.Deployment, pause bool) ([]byte, error) {
	return json.Marshal(append(preconditions(d), jsonOp{Op: "replace", Path: "/spec/paused", Value: pause}))
}

// RestartPatch restarts every pod, as `kubectl rollout restart`: a new
// kubectl.kubernetes.io/restartedAt value in the pod template.
func RestartPatch(d *appsv1.Deployment, now time.Time) ([]byte, error) {
	ops := preconditions(d)
	if d.Spec.Template.Annotations == nil {
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
