package cmd

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

func stuckAt(now time.Time, current bool, reason, message string) *snapshot.Snapshot {
	return &snapshot.Snapshot{
		Now:      now,
		Workload: snapshot.Workload{Kind: "Deployment", Short: "deploy", Namespace: "shop", Name: "steer"},
		Revisions: []snapshot.Revision{{
			Revision: revision.Revision{Number: 2, Current: current},
			Images:   []string{"uniform:nope"},
			Pods: []snapshot.Pod{{Name: "steer-2-a", State: snapshot.PodFailed, Reason: reason, Message: message,
				Container: "uniform", Image: "uniform:nope"}},
		}},
	}
}

func TestFailAfterEndsOnlyHopelessWaits(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	notFound := "failed to resolve reference: not found"
	f := &failFast{after: 2 * time.Minute}
	if err := f.check(stuckAt(t0, true, "ImagePullBackOff", notFound)); err != nil {
		t.Fatalf("at first sight: %v", err)
	}
	if err := f.check(stuckAt(t0.Add(119*time.Second), true, "ErrImagePull", notFound)); err != nil {
		t.Fatalf("before the time (the kubelet alternates the two reasons): %v", err)
	}
	if w := f.wait(t0.Add(119 * time.Second)); w != time.Second {
		t.Errorf("a view with nothing changing should look again in 1s, not %s", w)
	}
	err := f.check(stuckAt(t0.Add(2*time.Minute), true, "ImagePullBackOff", notFound))
	if err == nil || !strings.HasPrefix(err.Error(), "rollout cannot finish: rev 2: ImagePullBackOff: pod steer-2-a, stuck for 2m0s (--fail-after 2m0s): image uniform:nope does not exist") {
		t.Fatalf("after the time: %v", err)
	}

	// A pod that recovers starts the count again.
	f = &failFast{after: time.Minute}
	_ = f.check(stuckAt(t0, true, "CrashLoopBackOff", ""))
	healthy := stuckAt(t0.Add(30*time.Second), true, "", "")
	healthy.Revisions[0].Pods[0].State = snapshot.PodReady
	_ = f.check(healthy)
	if err := f.check(stuckAt(t0.Add(70*time.Second), true, "CrashLoopBackOff", "")); err != nil {
		t.Errorf("the count did not restart after a recovery: %v", err)
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
		f := &failFast{after: time.Minute}
		_ = f.check(stuckAt(t0, tc.current, tc.reason, tc.message))
		if err := f.check(stuckAt(t0.Add(time.Hour), tc.current, tc.reason, tc.message)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if err := (&failFast{}).check(stuckAt(t0, true, "CrashLoopBackOff", "")); err != nil {
		t.Errorf("off by default: %v", err)
	}
}

// A stuck rollout changes nothing in the cluster: the plain view must still
// look again when --fail-after runs out.
func TestFailAfterEndsAPlainWatchWithNothingChanging(t *testing.T) {
	d, rss := twoRevisions()
	d.Status.ObservedGeneration = d.Generation
	one := int32(1)
	d.Spec.Replicas, rss[1].Spec.Replicas = &one, &one
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "steer-winter-a", Namespace: "shop", Labels: rss[1].Labels,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(rss[1], appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))}},
		Spec: corev1.PodSpec{NodeName: "node-1", Containers: []corev1.Container{{Name: "uniform", Image: "winter"}}},
		Status: corev1.PodStatus{Phase: corev1.PodPending, ContainerStatuses: []corev1.ContainerStatus{{
			Name: "uniform", Image: "winter",
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: `Back-off pulling image "winter": not found`}},
		}}},
	}
	streams, _, _, _ := genericiooptions.NewTestIOStreams()
	o := &WatchOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(fake.NewClientset(d, rss[0], rss[1], pod))}, IOStreams: streams,
		Color: "auto", Plain: true, UntilDone: true, FailAfter: time.Second, Timeout: 20 * time.Second}
	start := time.Now()
	err := runAll(context.Background(), o, []string{"deploy/steer"})
	if err == nil || !strings.Contains(err.Error(), "rollout cannot finish: rev 2: ImagePullBackOff: pod steer-winter-a") || time.Since(start) > 10*time.Second {
		t.Errorf("after %s: %v", time.Since(start), err)
	}
}
