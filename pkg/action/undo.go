package action

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// Plan is an undo worked out against the workload as the user saw it.
type Plan struct {
	Kind   workload.Kind
	Object metav1.Object // the workload as shown
	// Shown is the workload's pod template as shown: the state an undo
	// replaces, and so the state it must still find.
	Shown      *corev1.PodTemplateSpec
	ToRevision int64 // as asked; 0 means the previous revision
	// Revisions are all of the workload's, to tell its pods apart.
	Revisions []revision.Revision
	Target    *revision.Revision
	Current   *revision.Revision // nil when no revision matches the template
	// Applied is the workload as the server returned it from the undo (as
	// it would be, in a server dry run), for -o.
	Applied runtime.Object
	// Preflight, when checked, is what the registry holds of the target's
	// images; the question says it.
	Preflight *Preflight
}

// PlanUndo picks the target revision of an undo of obj, as shown, with
// kubectl's rules and its kind's messages: 0 means the one before the
// newest.
func PlanUndo(kind workload.Kind, obj metav1.Object, revs []revision.Revision, toRevision int64) (*Plan, error) {
	p := &Plan{Kind: kind, Object: obj, Shown: kind.Template(obj), ToRevision: toRevision}
	if toRevision == 0 && len(revs) < 2 {
		return nil, kind.NoHistory(obj)
	}
	return p, p.pick(revs)
}

// pick sets the target: revision ToRevision, or the one before the newest.
func (p *Plan) pick(revs []revision.Revision) error {
	p.Revisions = revs
	p.Current, _ = revision.CurrentOf(revs)
	if p.ToRevision == 0 {
		p.Target = &revs[1] // revs is newest first
		return nil
	}
	t, ok := revision.Find(revs, p.ToRevision)
	if !ok || p.ToRevision < 0 {
		return fmt.Errorf("unable to find specified revision %d in history", p.ToRevision)
	}
	// The number is an annotation anyone who may edit the revisions can
	// write: when two carry it, a number does not say which one is meant.
	if same := sameNumber(revs, p.ToRevision); len(same) > 1 {
		return fmt.Errorf("revision %d is carried by %s: the number does not say which to roll back to; pick the row in `kubectl mannequin history`", p.ToRevision, sanitize.Text(strings.Join(same, " and ")))
	}
	p.Target = t
	return nil
}

// sameNumber names the revisions numbered n.
func sameNumber(revs []revision.Revision, n int64) []string {
	var names []string
	for _, r := range revs {
		if r.Number == n {
			names = append(names, r.Name)
		}
	}
	return names
}

// PlanForTarget plans an undo to target, a revision the user picked from
// those shown, with kubectl's refusals (paused, already there): the plan
// goes to that very object (found by its UID among revs), never to
// whichever revision carries its number, which another may share or which
// may be missing (0, which means "the previous one" to kubectl).
func PlanForTarget(kind workload.Kind, obj metav1.Object, revs []revision.Revision, target *revision.Revision) (*Plan, string, error) {
	p, err := PlanUndo(kind, obj, revs, 0)
	if err != nil {
		return nil, "", err
	}
	p.ToRevision, p.Target = target.Number, nil
	for i := range revs {
		if revs[i].UID == target.UID && revs[i].Name == target.Name {
			p.Target = &revs[i]
		}
	}
	if p.Target == nil {
		return nil, "", fmt.Errorf("%s is no longer in the history of %s/%s; look again", sanitize.Text(target.Name), workload.Lower(kind), obj.GetName())
	}
	skip, err := p.Check()
	return p, skip, err
}

// Check applies kubectl's refusals after the target is known (a paused
// Deployment cannot be rolled back). skip says (with kubectl's message) that
// the target already is the current template.
func (p *Plan) Check() (skip string, err error) {
	if err := p.Kind.RefuseUndo(p.Object); err != nil {
		return "", err
	}
	if revision.EqualIgnoreHash(p.Target.Template, p.Shown) {
		return fmt.Sprintf("skipped rollback (current template already matches revision %d)", p.ToRevision), nil
	}
	return "", nil
}

// Patch is kubectl's rollback (replace the pod template with the target's,
// and what else the kind's undo patches) preceded by tests that the
// object is fresh: the same object, at the generation fresh was read at.
// Undo reads fresh and checks its template against Shown just before, so
// together they test the state the user was shown; a scale in between moves
// the generation but not the template, and does not block the undo.
func (p *Plan) Patch(fresh metav1.Object) ([]byte, error) {
	tpl := p.Target.Template.DeepCopy()
	delete(tpl.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	ops := append(preconditions(fresh), workload.PatchOp{Op: "replace", Path: "/spec/template", Value: tpl})
	return json.Marshal(append(ops, p.Kind.UndoOps(fresh, p.Target)...))
}

// undoAttempts bounds the retries when something other than the template
// (a scale, an annotation) changes between reading and patching.
const undoAttempts = 3

// Undo rolls the workload back to the plan's target, the revision the user
// confirmed, unless its pod template is no longer the one shown: then it
// returns *Changed and changes nothing.
func Undo(ctx context.Context, c kubernetes.Interface, p *Plan, dryRun DryRun) (string, error) {
	ns, name := p.Object.GetNamespace(), p.Object.GetName()
	for attempt := 1; ; attempt++ {
		fresh, err := p.Kind.Get(ctx, c, ns, name)
		if err != nil {
			return "", describeError(err, "get", p.Kind, p.Object)
		}
		if err := StillShown(p.Kind, p.Object, p.Shown, fresh); err != nil {
			return "", err
		}
		patch, err := p.Patch(fresh)
		if err != nil {
			return "", fmt.Errorf("build rollback patch: %w", err)
		}
		p.Applied, err = send(ctx, c, p.Kind, fresh, patch, dryRun)
		if err == nil {
			return "rolled back", nil
		}
		if apierrors.IsForbidden(err) || apierrors.IsNotFound(err) || attempt == undoAttempts {
			return "", describeError(err, "patch", p.Kind, p.Object)
		}
		// A test failed, or the server stumbled: read again and decide anew.
	}
}

// StillShown returns *Changed when fresh is no longer the workload the user
// was shown: another object, or another pod template than shownTemplate
// (what an undo replaces). Changes that leave the template alone (a scale)
// do not count.
func StillShown(kind workload.Kind, shown metav1.Object, shownTemplate *corev1.PodTemplateSpec, fresh metav1.Object) error {
	if fresh.GetUID() != shown.GetUID() || !equality.Semantic.DeepEqual(kind.Template(fresh), shownTemplate) {
		return &Changed{Kind: workload.Lower(kind), Name: shown.GetName(), Now: kind.Describe(fresh)}
	}
	return nil
}

// Preview is the workload as the undo would leave it, worked out here from
// the workload as shown: what a client dry run prints.
func (p *Plan) Preview() (runtime.Object, error) {
	patch, err := p.Patch(p.Object)
	if err != nil {
		return nil, fmt.Errorf("build rollback patch: %w", err)
	}
	decoded, err := jsonpatch.DecodePatch(patch)
	if err != nil {
		return nil, fmt.Errorf("build rollback patch: %w", err)
	}
	current, err := json.Marshal(p.Object)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", p.Object.GetName(), err)
	}
	after, err := decoded.Apply(current)
	if err != nil {
		return nil, fmt.Errorf("preview the rollback: %w", err)
	}
	// A new object of the workload's own type (*appsv1.Deployment, …).
	out, ok := reflect.New(reflect.TypeOf(p.Object).Elem()).Interface().(runtime.Object)
	if !ok {
		return nil, fmt.Errorf("%T is not an API object", p.Object)
	}
	if err := json.Unmarshal(after, out); err != nil {
		return nil, fmt.Errorf("preview the rollback: %w", err)
	}
	return out, nil
}
