package view

import (
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/release"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// A release's log names the workload on every line, says who joins, and
// with untilDone ends once every member has.
func TestReleaseLogEndsWhenEveryMemberHas(t *testing.T) {
	var objs []runtime.Object
	for _, name := range []string{"hall", "till", "wall"} {
		d, rss := fixtures.Renamed(name)
		d.Status.ObservedGeneration = d.Generation
		objs = append(objs, d, rss[0], rss[1])
	}
	c := fake.NewClientset(objs...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	follow := func(name string) *release.Followed {
		m := release.Member{Kind: workload.Deployment, Namespace: "shop", Name: name}
		f, err := release.Follow(ctx, m, watcher.New(c, m.Kind, m.Namespace, m.Name), 0)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	r := &release.Roster{}
	r.Add(follow("hall"))
	r.Add(follow("till"))
	changes := make(chan release.Change, 1)
	wall := follow("wall")
	r.Add(wall)
	changes <- release.Change{Add: wall, Say: "deployment/wall joined the release"}
	theme.Setup(false)
	out := &fixtures.Buffer{}
	if err := ReleaseLog(ctx, out, r, changes, time.Now(), true, false); err != nil || ctx.Err() != nil {
		t.Fatalf("the log of a finished release: %v, %v\n%s", err, ctx.Err(), out)
	}
	for _, want := range []string{"deployment/hall", "deployment/till", "deployment/wall joined the release"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in the log:\n%s", want, out)
		}
	}
}
