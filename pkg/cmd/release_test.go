package cmd

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	k8stesting "k8s.io/client-go/testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/release"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// A release of workloads that have all rolled out ends --until-done at
// once, with a summary line each; many members whose watches report at
// once must not stall the one loop that writes the log.
func TestReleaseOfFinishedWorkloadsEnds(t *testing.T) {
	var objs []runtime.Object
	var members []release.Member
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		d, rss := fixtures.TwoRevisions()
		d.Name, d.UID, d.Status.ObservedGeneration = name, types.UID(name), d.Generation
		for _, rs := range rss {
			rs.Name, rs.UID = name+"-"+rs.Name, types.UID(name+"-"+string(rs.UID))
			rs.OwnerReferences[0].Name, rs.OwnerReferences[0].UID = name, d.UID
		}
		objs = append(objs, d, rss[0], rss[1])
		members = append(members, release.Member{Kind: workload.Deployment, Namespace: "shop", Name: name})
	}
	theme.Setup(false) // a pipe
	streams, _, out, _ := genericiooptions.NewTestIOStreams()
	o := &WatchOptions{IOStreams: streams, UntilDone: true, release: true, members: members}
	o.client = fake.NewClientset(objs...)
	o.clients = &clients{kube: o.client}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- o.runRelease(ctx, nil) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("a finished release: %v\n%s", err, out)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the release view never ended:\n%s", out)
	}
	for _, m := range members {
		if !strings.Contains(out.String(), "deployment/"+m.Name+" SUCCESS: rolled out") {
			t.Errorf("no summary for %s:\n%s", m.Name, out)
		}
	}
}

// A release selected by -l follows what the selector selects: a workload
// labelled into it joins, one deleted leaves, each with a line saying so;
// all of it from one informer per kind, shared by the members.
func TestReleaseBySelectorFollowsJoinsAndLeaves(t *testing.T) {
	labelled := func(name string) []runtime.Object {
		d, rss := fixtures.Renamed(name)
		d.Labels = map[string]string{"app.kubernetes.io/instance": "mall"}
		d.Status.ObservedGeneration = d.Generation
		return []runtime.Object{d, rss[0], rss[1]}
	}
	var objs []runtime.Object
	for _, name := range []string{"hall", "till"} {
		objs = append(objs, labelled(name)...)
	}
	c := fake.NewClientset(objs...)
	theme.Setup(false)
	out := &fixtures.Buffer{}
	o := &WatchOptions{IOStreams: genericiooptions.IOStreams{Out: out, ErrOut: out}, release: true, Selector: "app.kubernetes.io/instance=mall"}
	o.namespace, o.client, o.clients = "shop", c, &clients{kube: c}
	ctx, cancel := context.WithTimeoutCause(context.Background(), 20*time.Second, errTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- o.runRelease(ctx, nil) }()
	waitFor := func(what string) { t.Helper(); out.WaitFor(t, what) }
	waitFor("deployment/till")
	for _, obj := range labelled("wall") {
		if err := c.Tracker().Add(obj); err != nil {
			t.Fatal(err)
		}
	}
	waitFor("deployment/wall joined the release")
	if err := c.AppsV1().Deployments("shop").Delete(ctx, "hall", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor("deployment/hall left the release: deleted")
	cancel()
	<-done
}

// A release by -l that may not list one of the kinds ends with the
// server's words, instead of waiting for ever for a list that never comes.
func TestReleaseBySelectorRefusedAKind(t *testing.T) {
	c := fake.NewClientset()
	c.PrependReactor("list", "statefulsets", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: "statefulsets"}, "", errors.New("RBAC says no"))
	})
	out := &fixtures.Buffer{}
	o := &WatchOptions{IOStreams: genericiooptions.IOStreams{Out: out, ErrOut: out}, release: true, Selector: "app.kubernetes.io/instance=mall"}
	o.namespace, o.client, o.clients = "shop", c, &clients{kube: c}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := o.runRelease(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "listing statefulsets is forbidden") || ctx.Err() != nil {
		t.Fatalf("want the refusal said before the timeout, got %v", err)
	}
}
