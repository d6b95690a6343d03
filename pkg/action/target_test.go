package action_test

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// named is rev with the identity of an object of its own.
func named(r revision.Revision, name string) revision.Revision {
	r.Name, r.UID = name, types.UID("uid-"+name)
	return r
}

// The history's u goes to the row selected, the object itself: not to
// whichever revision carries its number (two may, as the number is an
// annotation anyone who may edit the revisions writes), nor to "the
// previous one" when the row has no number (0).
func TestUndoGoesToTheSelectedRevisionItself(t *testing.T) {
	revs := []revision.Revision{
		named(rev(3, "winter", true, nil), "depot-c"),
		named(rev(2, "summer", false, nil), "depot-b"),
		named(rev(2, "autumn", false, nil), "depot-x"), // a forged number
		named(rev(0, "spring", false, nil), "depot-a"), // no number
	}
	shown := statefulSet("winter", 7, 2)
	for _, pick := range []int{1, 2, 3} {
		c := fake.NewClientset(shown.DeepCopy())
		target := revs[pick]
		p, skip, err := action.PlanForTarget(workload.StatefulSet, shown, revs, &target)
		if err != nil || skip != "" {
			t.Fatalf("plan to %s: %q %v", target.Name, skip, err)
		}
		if !strings.Contains(p.Question(), target.Containers[0].Image) {
			t.Errorf("the question for %s does not name its image: %q", target.Name, p.Question())
		}
		if _, err := action.Undo(context.Background(), c, p, action.DryRunNone); err != nil {
			t.Fatal(err)
		}
		if got := getSTS(t, c).Spec.Template.Spec.Containers[0].Image; got != target.Containers[0].Image {
			t.Errorf("selected %s (rev %d, %s): the undo applied %s", target.Name, target.Number, target.Containers[0].Image, got)
		}
	}
	// A number two revisions carry says nothing: --to-revision 2 refuses,
	// naming both.
	if _, _, err := action.PlanFor(workload.StatefulSet, shown, revs, 2); err == nil || !strings.Contains(err.Error(), "depot-b and depot-x") {
		t.Errorf("--to-revision 2, carried by two: %v", err)
	}
	// A row gone from the history since it was shown.
	gone := named(rev(1, "summer", false, nil), "depot-gone")
	if _, _, err := action.PlanForTarget(workload.StatefulSet, shown, revs, &gone); err == nil || !strings.Contains(err.Error(), "no longer in the history") {
		t.Errorf("a revision gone: %v", err)
	}
}

// When both ends' images share the short name the question prints, it
// names enough of each to tell them apart.
func TestQuestionTellsImagesWithOneShortNameApart(t *testing.T) {
	revs := []revision.Revision{
		named(rev(2, "registry.example/team-a/uniform:summer", true, nil), "depot-b"),
		named(rev(1, "mirror.example/team-b/uniform:summer", false, nil), "depot-a"),
	}
	shown := statefulSet("registry.example/team-a/uniform:summer", 7, 2)
	p, _, err := action.PlanForTarget(workload.StatefulSet, shown, revs, &revs[1])
	if err != nil {
		t.Fatal(err)
	}
	q := p.Question()
	for _, want := range []string{"rev 2 (registry.example/team-a/uniform:summer)", "rev 1 (mirror.example/team-b/uniform:summer)"} {
		if !strings.Contains(q, want) {
			t.Errorf("the question %q does not say %q", q, want)
		}
	}
	// Images that differ in the short name keep it short.
	revs[1] = named(rev(1, "registry.example/team-a/uniform:winter", false, nil), "depot-a")
	p, _, _ = action.PlanForTarget(workload.StatefulSet, shown, revs, &revs[1])
	if q := p.Question(); !strings.Contains(q, "from rev 2 (uniform:summer) to rev 1 (uniform:winter)?") {
		t.Errorf("question: %q", q)
	}
}
