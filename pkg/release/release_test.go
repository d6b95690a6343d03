package release

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/track"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

const mall = "app.kubernetes.io/instance=mall"

// labelled is a Deployment of the release "mall", rolled out, with its
// ReplicaSets.
func labelled(name string) []runtime.Object {
	d, rss := fixtures.Renamed(name)
	d.Labels = map[string]string{"app.kubernetes.io/instance": "mall"}
	d.Status.ObservedGeneration = d.Generation
	return []runtime.Object{d, rss[0], rss[1]}
}

// selection is the release mall in namespace shop of c, its members
// watched from its shared informers.
func selection(ctx context.Context, c *fake.Clientset) *Selection {
	shared := watcher.NewShared(ctx, c)
	return &Selection{
		Client: c, Shared: shared, Namespace: "shop", Selector: mall,
		Follow: func(ctx context.Context, m Member) (*Followed, error) {
			return Follow(ctx, m, watcher.New(c, m.Kind, m.Namespace, m.Name).WithShared(shared, "shop", mall), 0)
		},
		Refused: func(k workload.Kind, err error) error {
			if apierrors.IsForbidden(err) {
				return errors.New("listing " + k.Resource() + " is forbidden")
			}
			return nil
		},
	}
}

// A release selected by -l lists what matches, sorted, then reports a
// workload labelled into it as joining and one deleted as leaving.
func TestSelectionFollowsJoinsAndLeaves(t *testing.T) {
	var objs []runtime.Object
	for _, name := range []string{"till", "hall"} {
		objs = append(objs, labelled(name)...)
	}
	c := fake.NewClientset(objs...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := &Roster{}
	s := selection(ctx, c)
	members, changes, adopt, err := s.Start(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	var who []string
	for _, m := range members {
		who = append(who, m.Who(false))
	}
	if strings.Join(who, " ") != "deployment/hall deployment/till" {
		t.Fatalf("members %q, want hall and till, sorted", who)
	}
	for _, m := range members {
		f, err := s.Follow(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		adopt(f)
		r.Add(f)
	}
	next := func() Change {
		t.Helper()
		select {
		case c := <-changes:
			return c
		case <-ctx.Done():
			t.Fatal("no change came")
		}
		return Change{}
	}
	for _, obj := range labelled("wall") {
		if err := c.Tracker().Add(obj); err != nil {
			t.Fatal(err)
		}
	}
	if got := next(); got.Add == nil || got.Add.Name != "wall" || got.Say != "deployment/wall joined the release" {
		t.Fatalf("after labelling wall: %+v", got)
	}
	if n := len(r.List()); n != 3 {
		t.Errorf("the roster holds %d members, want 3", n)
	}
	for _, f := range r.List() {
		f.Step(time.Now(), time.Now()) // seen, as the view sees each member
	}
	if err := c.AppsV1().Deployments("shop").Delete(ctx, "hall", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := next()
	if got.Remove == nil || got.Remove.Name != "hall" || got.Say != "deployment/hall left the release: deleted" {
		t.Fatalf("after deleting hall: %+v", got)
	}
	// It had rolled out before it left: the first end is kept, and its
	// watch stops.
	got.Remove.Leave(got.Say)
	if got.Remove.Track.Outcome() != track.Complete {
		t.Errorf("a member that rolled out and left is %s", got.Remove.Track.Outcome())
	}
	select {
	case <-got.Remove.W.Done():
	case <-time.After(5 * time.Second):
		t.Errorf("the watch of a member that left goes on")
	}
}

// A kind the user may not list ends the start with the refusal, instead
// of waiting for a list that never comes.
func TestSelectionRefusedAKind(t *testing.T) {
	c := fake.NewClientset()
	c.PrependReactor("list", "statefulsets", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: "statefulsets"}, "", errors.New("RBAC says no"))
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _, _, err := selection(ctx, c).Start(ctx, &Roster{})
	if err == nil || err.Error() != "listing statefulsets is forbidden" || ctx.Err() != nil {
		t.Fatalf("want the refusal before the timeout, got %v", err)
	}
}

// The release ends when each member has, and fails naming those that
// failed or were deleted.
func TestFollowedEnds(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	at := func(name string, phase snapshot.Phase, msg string) *snapshot.Snapshot {
		return &snapshot.Snapshot{Now: t0, Phase: phase, Message: msg, Workload: snapshot.Workload{Kind: "Deployment", Namespace: "shop", Name: name}}
	}
	m := func(name string) *Followed {
		return &Followed{Member: Member{Kind: workload.Deployment, Namespace: "shop", Name: name}, Track: track.New(0)}
	}
	a, b, c, d := m("a"), m("b"), m("c"), m("d")
	a.Track.Note(at("a", snapshot.PhaseComplete, ""))
	b.Track.Note(at("b", snapshot.PhaseFailed, "progress deadline exceeded"))
	c.Track.Note(at("c", snapshot.PhaseDeleted, ""))
	d.Track.Note(at("d", snapshot.PhaseAvailability, ""))
	all := []*Followed{a, b, c, d}
	if AllDone(all) || !AllDone(all[:3]) {
		t.Errorf("AllDone: only d goes on")
	}
	if got := Failures(all, true); strings.Join(got, "; ") != "shop/deployment/b: progress deadline exceeded; shop/deployment/c: deleted while being watched" {
		t.Errorf("failures %q", got)
	}
	if got := Pending(all, false); len(got) != 1 || got[0] != "deployment/d" {
		t.Errorf("pending %q", got)
	}
}

// What the builder found becomes the release's members: our kinds, once
// each, sorted; the rest counted.
func TestFromInfos(t *testing.T) {
	info := func(group, res, ns, name string) *resource.Info {
		return &resource.Info{Namespace: ns, Name: name, Mapping: &meta.RESTMapping{Resource: schema.GroupVersionResource{Group: group, Version: "v1", Resource: res}}}
	}
	members, ignored := FromInfos([]*resource.Info{
		info("apps", "statefulsets", "shop", "depot"),
		info("", "services", "shop", "front"),
		info("apps", "deployments", "shop", "hall"),
		info("apps", "deployments", "shop", "hall"), // -f and -l may both name it
		info("apps", "deployments", "back", "till"),
	})
	var got []string
	for _, m := range members {
		got = append(got, m.Who(true))
	}
	if strings.Join(got, " ") != "back/deployment/till shop/deployment/hall shop/statefulset/depot" || ignored != 1 {
		t.Errorf("members %q, ignored %d", got, ignored)
	}
}
