package history

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// --diff picks the previous revision against the current one, A against
// the current one, or A against B; and says why when it cannot.
func TestDiffPair(t *testing.T) {
	st := func(current int64, numbers ...int64) *State {
		s := &State{Kind: workload.Deployment, Object: &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "steer"}}}
		for _, n := range numbers {
			s.Revisions = append(s.Revisions, Revision{Number: n, Current: n == current})
		}
		return s
	}
	for _, tc := range []struct {
		state   *State
		numbers []int64
		a, b    int64
		err     string
	}{
		{st(5, 5, 3, 1), nil, 3, 5, ""},
		{st(3, 5, 3, 1), nil, 1, 3, ""}, // the previous one is older than the current one, not the next row
		{st(5, 5, 3, 1), []int64{1}, 1, 5, ""},
		{st(5, 5, 3, 1), []int64{3, 1}, 3, 1, ""},
		{st(5, 5, 3, 1), []int64{4}, 0, 0, "unable to find specified revision 4"},
		{st(5, 5, 3, 1), []int64{3, 4}, 0, 0, "unable to find specified revision 4"},
		{st(1, 1), nil, 0, 0, `deployment "steer" has only one revision`},
		{st(0, 2, 1), nil, 0, 0, `deployment "steer" has no current revision yet`},
	} {
		a, b, err := tc.state.DiffPair(tc.numbers)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: error %v, want %q", tc.numbers, err, tc.err)
			}
		case err != nil || a.Number != tc.a || b.Number != tc.b:
			t.Errorf("%v: got %v %v %v, want %d and %d", tc.numbers, a, b, err, tc.a, tc.b)
		}
	}
}
