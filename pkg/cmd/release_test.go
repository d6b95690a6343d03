package cmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// A release of workloads that have all rolled out ends --until-done at
// once, with a summary line each; many members whose watches report at
// once must not stall the one loop that writes the log.
func TestReleaseOfFinishedWorkloadsEnds(t *testing.T) {
	var objs []runtime.Object
	var members []member
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		d, rss := twoRevisions()
		d.Name, d.UID, d.Status.ObservedGeneration = name, types.UID(name), d.Generation
		for _, rs := range rss {
			rs.Name, rs.UID = name+"-"+rs.Name, types.UID(name+"-"+string(rs.UID))
			rs.OwnerReferences[0].Name, rs.OwnerReferences[0].UID = name, d.UID
		}
		objs = append(objs, d, rss[0], rss[1])
		members = append(members, member{kind: workload.Deployment, namespace: "shop", name: name})
	}
	theme.Setup(false) // a pipe
	streams, _, out, _ := genericiooptions.NewTestIOStreams()
	o := &WatchOptions{IOStreams: streams, UntilDone: true, release: true, members: members}
	o.client = fake.NewClientset(objs...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- o.runRelease(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("a finished release: %v\n%s", err, out)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the release view never ended:\n%s", out)
	}
	for _, m := range members {
		if !strings.Contains(out.String(), "deployment/"+m.name+" SUCCESS: rolled out") {
			t.Errorf("no summary for %s:\n%s", m.name, out)
		}
	}
}
