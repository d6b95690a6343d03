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

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/release"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// A stuck rollout changes nothing in the cluster: the plain view must still
// look again when --fail-after runs out.
func TestFailAfterEndsAPlainWatchWithNothingChanging(t *testing.T) {
	streams, _, _, _ := genericiooptions.NewTestIOStreams()
	o := &WatchOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(fake.NewClientset(stuckSteer()...))}, IOStreams: streams,
		Color: "auto", Plain: true, UntilDone: true, FailAfter: time.Second, Timeout: 20 * time.Second}
	start := time.Now()
	err := runAll(context.Background(), o, []string{"deploy/steer"})
	if err == nil || !strings.Contains(err.Error(), "rollout cannot finish: rev 2: ImagePullBackOff: pod steer-winter-a") || time.Since(start) > 10*time.Second {
		t.Errorf("after %s: %v", time.Since(start), err)
	}
}

// A release's members each follow --fail-after: the hopeless one fails,
// the others end as they do, and the release fails naming it.
func TestFailAfterEndsAReleasesHopelessMember(t *testing.T) {
	hall, hallRSs := fixtures.Renamed("hall")
	hall.Status.ObservedGeneration = hall.Generation
	objs := append(stuckSteer(), hall, hallRSs[0], hallRSs[1])
	theme.Setup(false)
	streams, _, out, _ := genericiooptions.NewTestIOStreams()
	o := &WatchOptions{IOStreams: streams, UntilDone: true, FailAfter: time.Second, release: true, members: []release.Member{
		{Kind: workload.Deployment, Namespace: "shop", Name: "hall"},
		{Kind: workload.Deployment, Namespace: "shop", Name: "steer"},
	}}
	o.client = fake.NewClientset(objs...)
	o.clients = &clients{kube: o.client}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	err := o.runRelease(ctx, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "1 of 2 workloads failed: deployment/steer: rollout cannot finish: rev 2: ImagePullBackOff: pod steer-winter-a") || time.Since(start) > 10*time.Second {
		t.Fatalf("after %s: %v\n%s", time.Since(start), err, out)
	}
	for _, want := range []string{"deployment/hall SUCCESS: rolled out rev 2", "deployment/steer ERROR: failed after"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in the summary:\n%s", want, out)
		}
	}
}

// stuckSteer is deploy/steer with its one new pod stuck on a pull of an
// image that does not exist: nothing changes until --fail-after runs out.
func stuckSteer() []runtime.Object {
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
	return []runtime.Object{d, rss[0], rss[1], pod}
}
