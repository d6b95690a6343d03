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

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
)

// A stuck rollout changes nothing in the cluster: the plain view must still
// look again when --fail-after runs out.
func TestFailAfterEndsAPlainWatchWithNothingChanging(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
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
