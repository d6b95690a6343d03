package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

func TestPluginIsListedByKubectl(t *testing.T) {
	r := env.Kubectl(ctxFor(t, time.Minute), "plugin", "list")
	if r.Code != 0 {
		t.Fatalf("kubectl plugin list: exit %d: %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stdout, env.PluginDir+"/kubectl-mannequin") {
		t.Fatalf("kubectl plugin list does not list our build:\n%s", r.Stdout)
	}
}

func TestVersionShowsClientAndServer(t *testing.T) {
	r := env.Mannequin(ctxFor(t, time.Minute), "version")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	for _, want := range []string{"Client Version: " + pluginVersion, "Server Version: " + serverVersion, "Go Version: go1."} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("missing %q in:\n%s", want, r.Stdout)
		}
	}
	j := env.Mannequin(ctxFor(t, time.Minute), "version", "-o", "json")
	if j.Code != 0 || !strings.Contains(j.Stdout, `"clientVersion": "`+pluginVersion+`"`) || !strings.Contains(j.Stdout, `"serverVersion": "`+serverVersion+`"`) {
		t.Fatalf("version -o json: exit %d\n%s%s", j.Code, j.Stdout, j.Stderr)
	}
}

func TestRollingUpdateCompletesOnTheCluster(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("squad", deployOpts{replicas: 4, image: "registry.example/uniform:summer-2023", maxSurge: 1}))
	waitRolledOut(t, ns, "squad", 60*time.Second)
	setImage(t, ns, "squad", "registry.example/uniform:winter-2024")
	d := waitRolledOut(t, ns, "squad", 90*time.Second)

	rss, err := cluster.Client.AppsV1().ReplicaSets(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=squad"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rss.Items) != 2 {
		t.Fatalf("want 2 ReplicaSets, got %d", len(rss.Items))
	}
	for _, rs := range rss.Items {
		img := rs.Spec.Template.Spec.Containers[0].Image
		switch img {
		case "registry.example/uniform:winter-2024":
			if *rs.Spec.Replicas != 4 || rs.Status.ReadyReplicas != 4 {
				t.Errorf("new ReplicaSet: want 4/4 ready, got %d/%d", rs.Status.ReadyReplicas, *rs.Spec.Replicas)
			}
		default:
			if *rs.Spec.Replicas != 0 {
				t.Errorf("old ReplicaSet %s still wants %d replicas", img, *rs.Spec.Replicas)
			}
		}
	}
	if d.Status.AvailableReplicas != 4 {
		t.Fatalf("want 4 available, got %d", d.Status.AvailableReplicas)
	}
}

func TestNonexistentImageGetsStuck(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("stuck", deployOpts{replicas: 2, image: "registry.example/uniform:summer-2023", maxSurge: 1, progressDeadline: 10}))
	waitRolledOut(t, ns, "stuck", 60*time.Second)
	setImage(t, ns, "stuck", "registry.example/uniform:nonexistent")

	ctx := context.Background()
	err := framework.Eventually(60*time.Second, func() (bool, error) {
		pods, err := cluster.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=stuck"})
		if err != nil {
			return false, err
		}
		for _, p := range pods.Items {
			if p.Spec.Containers[0].Image != "registry.example/uniform:nonexistent" {
				continue
			}
			for _, cs := range p.Status.ContainerStatuses {
				if w := cs.State.Waiting; w != nil && w.Reason == "ImagePullBackOff" && strings.Contains(w.Message, "not found") {
					return true, nil
				}
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("no pod in ImagePullBackOff (not found): %v", err)
	}
	err = framework.Eventually(60*time.Second, func() (bool, error) {
		d, err := cluster.Client.AppsV1().Deployments(ns).Get(ctx, "stuck", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, c := range d.Status.Conditions {
			if c.Type == "Progressing" && c.Reason == "ProgressDeadlineExceeded" && c.Status == corev1.ConditionFalse {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("deployment never reported ProgressDeadlineExceeded: %v", err)
	}
}
