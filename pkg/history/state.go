package history

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// State is a workload and its history as read together: what the user is
// shown, and what any change is checked against.
type State struct {
	Kind   workload.Kind
	Object metav1.Object
	// Template is the workload's pod template as read: what an undo
	// replaces, and so what it must still find.
	Template  *corev1.PodTemplateSpec
	Revisions []Revision
	Warnings  []string
}

// Rows is revs as table cells, and the index of the current revision's row
// (-1 when none is current yet).
func Rows(revs []Revision, now time.Time) (rows [][]string, current int) {
	current = -1
	for i := range revs {
		rows = append(rows, Row(&revs[i], now))
		if revs[i].Current {
			current = i
		}
	}
	return rows, current
}

// Load reads a workload and its revisions with kubectl's own rules for
// which ReplicaSets or ControllerRevisions belong to it. An error reading
// the workload comes as the API returned it; one reading its revisions
// comes as a *RevisionsError, so that each can be explained.
func Load(ctx context.Context, c kubernetes.Interface, kind workload.Kind, namespace, name string) (*State, error) {
	obj, err := kind.Get(ctx, c, namespace, name)
	if err != nil {
		return nil, err
	}
	revs, warnings, err := kind.History(ctx, c, obj)
	if err != nil {
		return nil, &RevisionsError{Err: err}
	}
	return &State{Kind: kind, Object: obj, Template: kind.Template(obj), Revisions: revs, Warnings: warnings}, nil
}

// RevisionsError is a failure to read a workload's revisions, once the
// workload itself was read.
type RevisionsError struct{ Err error }

func (e *RevisionsError) Error() string { return "read the revisions: " + e.Err.Error() }
func (e *RevisionsError) Unwrap() error { return e.Err }

// DiffPair is what --diff compares: revisions A and B as numbers names
// them, B the current one when only A is named, and A the one before the
// current one when none is.
func (st *State) DiffPair(numbers []int64) (a, b *Revision, err error) {
	what := fmt.Sprintf("%s %q", workload.Lower(st.Kind), st.Object.GetName())
	cur, ok := revision.CurrentOf(st.Revisions)
	if !ok {
		return nil, nil, fmt.Errorf("%s has no current revision yet: wait for the controller, then try again", what)
	}
	if len(numbers) == 0 {
		for i := range st.Revisions {
			if st.Revisions[i].Number < cur.Number {
				return &st.Revisions[i], cur, nil
			}
		}
		return nil, nil, fmt.Errorf("%s has only one revision: nothing to compare", what)
	}
	b = cur
	for i, n := range numbers {
		r, found := revision.Find(st.Revisions, n)
		if !found {
			return nil, nil, fmt.Errorf("unable to find specified revision %d in history", n)
		}
		if i == 0 {
			a = r
		} else {
			b = r
		}
	}
	return a, b, nil
}
