package action

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/prompt"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// Pending is an action planned against the workload as shown, waiting for
// the user to answer Question.
type Pending struct {
	Question string
	// Prompt is Question in parts, when it has images to shorten on a
	// small screen (see Asked).
	Prompt prompt.Prompt
	apply  func(ctx context.Context, c kubernetes.Interface, dryRun DryRun) (string, error)
}

// Asked is the question in parts, to fit to the screen.
func (p *Pending) Asked() prompt.Prompt {
	if p.Prompt != nil {
		return p.Prompt
	}
	return prompt.Plain(p.Question)
}

// Apply makes the change and says what was done ("paused", "rolled back"),
// or why nothing was.
func (p *Pending) Apply(ctx context.Context, c kubernetes.Interface, dryRun DryRun) (string, error) {
	return p.apply(ctx, c, dryRun)
}

// Pause plans `kubectl rollout pause` or `resume`, whichever the workload
// as shown needs. It applies only while the workload's pod template and
// spec.paused are still as shown; a scale in between does not block it.
func Pause(kind workload.Kind, obj metav1.Object) (*Pending, error) {
	paused, ok := kind.Paused(obj)
	if !ok {
		return nil, fmt.Errorf("%s/%s: pausing is only supported for deployments, as in kubectl", workload.Lower(kind), obj.GetName())
	}
	verb, done := "Pause", "paused"
	if paused {
		verb, done = "Resume", "resumed"
	}
	return &Pending{
		Question: fmt.Sprintf("%s the rollout of %s/%s?", verb, workload.Lower(kind), obj.GetName()),
		apply: func(ctx context.Context, c kubernetes.Interface, dryRun DryRun) (string, error) {
			build := func(fresh metav1.Object) ([]byte, error) { return PausePatch(fresh, !paused) }
			if err := applyShown(ctx, c, kind, obj, true, build, dryRun); err != nil {
				return "", err
			}
			return done, nil
		},
	}, nil
}

// Restart plans `kubectl rollout restart`, applied only while the pod
// template it stamps is still the one shown; a scale in between does not
// block it. now stamps the restart when it is applied.
func Restart(kind workload.Kind, obj metav1.Object, now func() time.Time) *Pending {
	return &Pending{
		Question: fmt.Sprintf("Restart every pod of %s/%s?", workload.Lower(kind), obj.GetName()),
		apply: func(ctx context.Context, c kubernetes.Interface, dryRun DryRun) (string, error) {
			build := func(fresh metav1.Object) ([]byte, error) {
				return RestartPatch(fresh, kind.Template(fresh).Annotations, now())
			}
			if err := applyShown(ctx, c, kind, obj, false, build, dryRun); err != nil {
				return "", err
			}
			return "restarted", nil
		},
	}
}

// UndoShown plans `kubectl rollout undo` (to the previous revision) from a
// view that shows obj: the history is read now, and the plan refused when
// the workload's template is no longer the one on screen, as the user has
// not seen the change yet. (A scale moves the generation but changes
// nothing an undo replaces.)
//
// With look, the question also says whether the registry still holds the
// target's images (see Preflight).
func UndoShown(ctx context.Context, c kubernetes.Interface, kind workload.Kind, obj metav1.Object, look registry.Lookup) (*Pending, error) {
	fresh, err := kind.Get(ctx, c, obj.GetNamespace(), obj.GetName())
	if err != nil {
		return nil, describeError(err, "get", kind, obj)
	}
	if err := StillShown(kind, obj, kind.Template(obj), fresh); err != nil {
		return nil, err
	}
	revs, _, err := kind.History(ctx, c, fresh)
	if err != nil {
		return nil, fmt.Errorf("read the history of %s/%s: %w", workload.Lower(kind), obj.GetName(), err)
	}
	plan, skip, err := PlanFor(kind, obj, revs, 0)
	if err == nil && skip != "" {
		err = errors.New(skip)
	}
	if err != nil {
		return nil, err
	}
	if look != nil {
		plan.CheckImages(ctx, c, look)
	}
	return &Pending{
		Question: plan.Question(),
		Prompt:   plan.Prompt(),
		apply: func(ctx context.Context, c kubernetes.Interface, dryRun DryRun) (string, error) {
			return Undo(ctx, c, plan, dryRun)
		},
	}, nil
}

// PlanFor picks the target revision with kubectl's rules and refusals
// (paused, already there) against obj as read or shown; skip says that
// there is nothing to do, in kubectl's words.
func PlanFor(kind workload.Kind, obj metav1.Object, revs []revision.Revision, toRevision int64) (*Plan, string, error) {
	p, err := PlanUndo(kind, obj, revs, toRevision)
	if err != nil {
		return nil, "", err
	}
	skip, err := p.Check()
	return p, skip, err
}

// Question names both ends of a rollback, so nobody confirms blind.
func (p *Plan) Question() string { return p.Prompt().String() }
