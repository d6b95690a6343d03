package watcher

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// member is rollout() under another name, its objects and pods labelled
// tier=mall besides their own app label.
func member(name string) []kruntime.Object {
	labels := map[string]string{"app": name, "tier": "mall"}
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}}
	var out []kruntime.Object
	uid := func(u types.UID) types.UID { return types.UID(name + "-" + string(u)) }
	for _, obj := range rollout() {
		switch o := obj.(type) {
		case *appsv1.Deployment:
			o.Name, o.UID, o.Labels = name, uid(o.UID), labels
			o.Spec.Selector, o.Spec.Template.Labels = sel, labels
		case *appsv1.ReplicaSet:
			o.Name, o.UID, o.Labels = name+"-"+o.Name, uid(o.UID), labels
			o.Spec.Selector, o.Spec.Template.Labels = sel, labels
			o.OwnerReferences[0].Name, o.OwnerReferences[0].UID = name, types.UID(name+"-d1")
		case *corev1.Pod:
			if o.Name == "stranger" {
				continue
			}
			o.OwnerReferences[0].Name = name + "-" + o.OwnerReferences[0].Name
			o.OwnerReferences[0].UID = uid(o.OwnerReferences[0].UID)
			o.Name, o.UID, o.Labels = name+"-"+o.Name, uid(o.UID), labels
		}
		out = append(out, obj)
	}
	return out
}

// Watchers of one release share one informer per resource: the pods are
// listed once for both, and each snapshot holds its own pods only.
func TestSharedInformersServeEachWorkloadItsOwn(t *testing.T) {
	c := fake.NewClientset(append(member("hall"), member("till")...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	shared := NewShared(ctx, c)
	shared.Prime("shop", "tier=mall", workload.Kinds, func(workload.Kind, error) {})
	var ws []*Workload
	for _, name := range []string{"hall", "till"} {
		w := New(c, workload.Deployment, "shop", name).WithShared(shared, "shop", "tier=mall")
		if err := w.Start(ctx); err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
	}
	for i, w := range ws {
		s := eventually(t, w, func(s *snapshot.Snapshot) bool { return len(s.Revisions) == 2 })
		for _, r := range s.Revisions {
			for _, p := range r.Pods {
				if p.Name[:4] != w.Name() {
					t.Errorf("%s shows pod %s", w.Name(), p.Name)
				}
			}
			if len(r.Pods) != 1 {
				t.Errorf("%s rev %d: %d pods, want 1", w.Name(), r.Number, len(r.Pods))
			}
		}
		if s.Workload.Name != []string{"hall", "till"}[i] {
			t.Errorf("snapshot of %s names %s", w.Name(), s.Workload.Name)
		}
	}
	lists := map[string]int{}
	for _, a := range c.Actions() {
		if a.GetVerb() == "list" || a.GetVerb() == "get" {
			lists[a.GetVerb()+" "+a.GetResource().Resource]++
		}
	}
	for _, what := range []string{"list pods", "list replicasets", "list deployments"} {
		if lists[what] != 1 {
			t.Errorf("%s: %d times for two workloads, want once (all: %v)", what, lists[what], lists)
		}
	}
	if lists["get deployments"] != 0 {
		t.Errorf("a shared watcher read its workload from the server (%v)", lists)
	}
	// Deleting one workload is seen by its watcher only.
	if err := c.AppsV1().Deployments("shop").Delete(ctx, "hall", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, ws[0], func(s *snapshot.Snapshot) bool { return s.Phase == snapshot.PhaseDeleted })
	if s := ws[1].Snapshot(time.Now(), time.Now()); s.Phase == snapshot.PhaseDeleted {
		t.Errorf("till is shown deleted with hall")
	}
}

// goroutinesSettle waits for the number of goroutines to come down to at
// most want (they end a moment after their context), and returns the last
// count it saw.
func goroutinesSettle(want int) int {
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(10 * time.Second); n > want && time.Now().Before(deadline); n = runtime.NumGoroutine() {
		time.Sleep(20 * time.Millisecond)
	}
	return n
}

// errorHearers counts the watch-error callbacks the shared informers hold.
func errorHearers(s *Shared) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, si := range s.informers {
		si.mu.Lock()
		n += len(si.onError)
		si.mu.Unlock()
	}
	return n
}

func connectionListeners(c *Connection) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.onChange) + len(c.onWatch)
}

// A -l release gains and loses members for as long as it runs. A member
// that leaves takes its handlers off the shared informers and its
// listeners off the connection: 200 joins and leaves end with the
// goroutines, handlers and listeners the release had before them, and no
// event wakes a member that left.
func TestMembersThatLeaveLeaveNothingBehind(t *testing.T) {
	c := fake.NewClientset(append(member("hall"), member("till")...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn := &Connection{}
	shared := NewShared(ctx, c)
	shared.Prime("shop", "tier=mall", workload.Kinds, func(workload.Kind, error) {})
	join := func(name string) (*Workload, context.CancelFunc) {
		t.Helper()
		mctx, leave := context.WithCancel(ctx)
		w := New(c, workload.Deployment, "shop", name).WithShared(shared, "shop", "tier=mall").WithConnection(conn)
		if err := w.Start(mctx); err != nil {
			t.Fatal(err)
		}
		return w, leave
	}
	stay, _ := join("till")
	// till's stuck pod starts the shared events informer, which then runs
	// for the whole release; the count starts once it does.
	for !stay.events.HasSynced() {
		if ctx.Err() != nil {
			t.Fatal("the events informer never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	goroutines, hearers, listeners := runtime.NumGoroutine(), errorHearers(shared), connectionListeners(conn)

	const rounds = 200
	left := make([]*Workload, 0, rounds)
	for range rounds {
		w, leave := join("hall")
		leave()
		left = append(left, w)
	}
	got := goroutinesSettle(goroutines)
	if got > goroutines {
		t.Errorf("goroutines: %d before %d joins and leaves, %d after", goroutines, rounds, got)
	}
	t.Logf("goroutines %d → %d over %d joins and leaves", goroutines, got, rounds)
	if got := errorHearers(shared); got != hearers {
		t.Errorf("watch-error callbacks on the shared informers: %d before, %d after", hearers, got)
	}
	if got := connectionListeners(conn); got != listeners {
		t.Errorf("connection listeners: %d before, %d after", listeners, got)
	}

	// Nothing said after the leaves reaches those who left: not a change
	// of the workload they watched, not the connection going down.
	for _, w := range left {
		select {
		case <-w.Changes():
		default:
		}
	}
	back, _ := join("hall")
	select {
	case <-back.Changes():
	default:
	}
	d, err := c.AppsV1().Deployments("shop").Get(ctx, "hall", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d.Status.ReadyReplicas++
	if _, err := c.AppsV1().Deployments("shop").UpdateStatus(ctx, d, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-back.Changes():
	case <-ctx.Done():
		t.Fatal("the member that is back never heard of its change")
	}
	conn.observe(errors.New("connection refused"))
	time.Sleep(200 * time.Millisecond)
	woken := 0
	for _, w := range left {
		select {
		case <-w.Changes():
			woken++
		default:
		}
	}
	if woken > 0 {
		t.Errorf("%d of %d members that left were woken by a change and the connection going down", woken, rounds)
	}
}
