package watcher

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// crashing is rollout() with the winter pod crash-looping, restarts times.
func crashing(t *testing.T, restarts int32) *fake.Clientset {
	t.Helper()
	objs := rollout()
	for _, o := range objs {
		if p, ok := o.(*corev1.Pod); ok && p.Name == "clerk-squad-winter-x" {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "uniform", Image: "winter", RestartCount: restarts,
				State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
				LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 2}}}}
		}
	}
	return fake.NewClientset(objs...)
}

// The failing container's last words are read in the background, of the
// container before its restart, once per crash, and reach the snapshot
// and its finding.
func TestLastWordsOfACrashLoop(t *testing.T) {
	c := crashing(t, 3)
	var mu sync.Mutex
	var asked []string
	w, _ := startWatch(t, c)
	w.WithLogLookup(func(_ context.Context, ns, pod, container string, previous bool) ([]string, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, strings.Join([]string{ns, pod, container}, "/"))
		if !previous {
			return nil, errors.New("asked for the current container of a crash loop")
		}
		return []string{"panic: scanner has no pocket"}, nil
	})
	w.wake()
	s := eventually(t, w, func(s *snapshot.Snapshot) bool {
		for _, f := range s.Findings {
			if f.Reason == "CrashLoopBackOff" && f.LastWords != nil {
				return true
			}
		}
		return false
	})
	for _, f := range s.Findings {
		if f.Reason == "CrashLoopBackOff" && (f.LastWords.Lines[0] != "panic: scanner has no pocket" || !f.LastWords.Previous || f.LastWords.Container != "uniform") {
			t.Errorf("last words %+v", f.LastWords)
		}
	}
	// Many more looks at the same crash read nothing more.
	for range 5 {
		w.wake()
		w.Snapshot(time.Now(), time.Now())
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 1 || asked[0] != "shop/clerk-squad-winter-x/uniform" {
		t.Errorf("reads %q, want one of shop/clerk-squad-winter-x/uniform", asked)
	}
}

// A user who may not read logs is told once, and the view goes on.
func TestLastWordsForbidden(t *testing.T) {
	c := crashing(t, 1)
	w, _ := startWatch(t, c)
	calls := 0
	var mu sync.Mutex
	w.WithLogLookup(func(context.Context, string, string, string, bool) ([]string, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods/log"}, "clerk-squad-winter-x", errors.New("RBAC says no"))
	})
	w.wake()
	s := eventually(t, w, func(s *snapshot.Snapshot) bool {
		return strings.Contains(strings.Join(s.Problems, "\n"), "cannot read the failing pods' logs in namespace shop: forbidden (needs get on pods/log)")
	})
	if strings.Count(strings.Join(s.Problems, "\n"), "pods/log") != 1 {
		t.Errorf("problems %q", s.Problems)
	}
	for range 5 {
		w.wake()
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 1 {
		t.Errorf("%d reads after a refusal, want 1", calls)
	}
}

// Only the first failing pod of each container of the newest revision is
// read, and no more than maxLogContainers of them: a thousand crashing
// pods of one template crash alike.
func TestLogTargetsAreBounded(t *testing.T) {
	var pods []snapshot.Pod
	for i := range 1000 {
		pods = append(pods, snapshot.Pod{Name: "web-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), State: snapshot.PodFailed,
			Reason: "CrashLoopBackOff", Container: []string{"uniform", "sidecar", "badge", "belt", "hat"}[i%5], Restarts: 2, Exited: true})
	}
	pods = append(pods, snapshot.Pod{Name: "pulling", State: snapshot.PodFailed, Reason: "ImagePullBackOff", Container: "scarf"})
	s := &snapshot.Snapshot{Revisions: []snapshot.Revision{
		{Revision: revision.Revision{Number: 2, Current: true}, Pods: pods},
		{Revision: revision.Revision{Number: 1}, Pods: pods[:10]},
	}}
	targets := logTargets(s)
	if len(targets) != maxLogContainers {
		t.Fatalf("%d targets, want %d", len(targets), maxLogContainers)
	}
	for k := range targets {
		if k.container == "scarf" || !k.previous {
			t.Errorf("target %+v", k)
		}
	}
}
