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
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
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
	req := c.AppsV1().RESTClient().Patch(types.JSONPatchType).
		Namespace(obj.GetNamespace()).Resource(resource).Name(obj.GetName()).Body(patch)
	if dryRun == DryRunServer {
		req = req.Param("dryRun", metav1.DryRunAll)
	}
	err := req.Do(ctx).Error()
	if err == nil {
		return nil
	}
	if apierrors.IsForbidden(err) {
		return fmt.Errorf("forbidden: you may not patch %s in namespace %q (%s)", resource, obj.GetNamespace(), apierrors.ReasonForError(err))
	}
	kind := strings.TrimSuffix(resource, "s")
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("%s/%s no longer exists in namespace %q", kind, obj.GetName(), obj.GetNamespace())
	}
	if now, changed := current(ctx, c, resource, obj); changed {
		return &Changed{Kind: kind, Name: obj.GetName(), Now: now}
	}
	return fmt.Errorf("patch %s %q: %w", kind, obj.GetName(), err)
}

// current says what the object has become, and whether it is no longer the
// one that was shown (another object, or another generation).
func current(ctx context.Context, c kubernetes.Interface, resource string, shown metav1.Object) (string, bool) {
	var now metav1.Object
	var desc string
	switch resource {
	case "deployments":
		d, err := c.AppsV1().Deployments(shown.GetNamespace()).Get(ctx, shown.GetName(), metav1.GetOptions{})
		if err != nil {
			return "", false
		}
		now, desc = d, describe(d)
	case "statefulsets":
		o, err := c.AppsV1().StatefulSets(shown.GetNamespace()).Get(ctx, shown.GetName(), metav1.GetOptions{})
		if err != nil {
			return "", false
		}
		now, desc = o, fmt.Sprintf("generation %d", o.Generation)
	default:
		o, err := c.AppsV1().DaemonSets(shown.GetNamespace()).Get(ctx, shown.GetName(), metav1.GetOptions{})
		if err != nil {
			return "", false
		}
		now, desc = o, fmt.Sprintf("generation %d", o.Generation)
	}
	return desc, now.GetUID() != shown.GetUID() || now.GetGeneration() != shown.GetGeneration()
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
