package track

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/diagnose"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// stuckAt is a snapshot as the watcher makes it, diagnosed.
func stuckAt(now time.Time, current bool, reason, message string) *snapshot.Snapshot {
	s := &snapshot.Snapshot{
		Now:      now,
		Workload: snapshot.Workload{Kind: "Deployment", Short: "deploy", Namespace: "shop", Name: "steer"},
		Revisions: []snapshot.Revision{{
			Revision: revision.Revision{Number: 2, Current: current},
			Images:   []string{"uniform:nope"},
			Pods: []snapshot.Pod{{Name: "steer-2-a", State: snapshot.PodFailed, Reason: reason, Message: message,
				Container: "uniform", Image: "uniform:nope"}},
		}},
	}
	diagnose.Diagnose(s)
	return s
}

func TestFailAfterEndsOnlyHopelessWaits(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	notFound := "failed to resolve reference: not found"
	f := &FailFast{After: 2 * time.Minute}
	if err := f.Check(stuckAt(t0, true, "ImagePullBackOff", notFound)); err != nil {
		t.Fatalf("at first sight: %v", err)
	}
	if err := f.Check(stuckAt(t0.Add(119*time.Second), true, "ErrImagePull", notFound)); err != nil {
		t.Fatalf("before the time (the kubelet alternates the two reasons): %v", err)
	}
	if w := f.Wait(t0.Add(119 * time.Second)); w != time.Second {
		t.Errorf("a view with nothing changing should look again in 1s, not %s", w)
	}
	err := f.Check(stuckAt(t0.Add(2*time.Minute), true, "ImagePullBackOff", notFound))
	if err == nil || !strings.HasPrefix(err.Error(), "rollout cannot finish: rev 2: ImagePullBackOff: pod steer-2-a, stuck for 2m0s (--fail-after 2m0s): image uniform:nope does not exist") {
		t.Fatalf("after the time: %v", err)
	}

	// A pod that recovers starts the count again.
	f = &FailFast{After: time.Minute}
	_ = f.Check(stuckAt(t0, true, "CrashLoopBackOff", ""))
	healthy := stuckAt(t0.Add(30*time.Second), true, "", "")
	healthy.Revisions[0].Pods[0].State = snapshot.PodReady
	_ = f.Check(healthy)
	if err := f.Check(stuckAt(t0.Add(70*time.Second), true, "CrashLoopBackOff", "")); err != nil {
		t.Errorf("the count did not restart after a recovery: %v", err)
	}

	// Between two crashes the pod runs, unready, for a while (a kubelet's
	// back-off, kwok's stages): the loop goes on, and so does the count.
	f = &FailFast{After: time.Minute}
	_ = f.Check(stuckAt(t0, true, "CrashLoopBackOff", ""))
	running := stuckAt(t0.Add(30*time.Second), true, "", "")
	running.Revisions[0].Pods[0].State = snapshot.PodRunning
	_ = f.Check(running)
	if err := f.Check(stuckAt(t0.Add(70*time.Second), true, "CrashLoopBackOff", "")); err == nil || !strings.Contains(err.Error(), "stuck for 1m10s") {
		t.Errorf("a crash loop that runs between its crashes: %v", err)
	}

	for _, tc := range []struct {
		name            string
		current         bool
		reason, message string
	}{
		{"a network error may heal", true, "ImagePullBackOff", "dial tcp: i/o timeout"},
		{"an old revision's pod", false, "CrashLoopBackOff", ""},
		{"not a hopeless reason", true, "OOMKilled", ""},
	} {
		f := &FailFast{After: time.Minute}
		_ = f.Check(stuckAt(t0, tc.current, tc.reason, tc.message))
		if err := f.Check(stuckAt(t0.Add(time.Hour), tc.current, tc.reason, tc.message)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if err := (&FailFast{}).Check(stuckAt(t0, true, "CrashLoopBackOff", "")); err != nil {
		t.Errorf("off by default: %v", err)
	}
}
