package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// plainWatch runs the watch through a pipe until the timeout and returns
// what it printed: each finding is printed once, with its hint.
func plainWatch(t *testing.T, ns, name string, timeout string) string {
	t.Helper()
	r := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "deploy/"+name, "-n", ns, "--until-done", "--timeout", timeout)
	// A progress deadline fails it (1); otherwise the timeout ends it (3).
	if r.Code != 1 && r.Code != 3 {
		t.Fatalf("a stuck rollout should end in exit 1 or 3, got %d (%s)", r.Code, r.Stderr)
	}
	return r.Stdout
}

// flat joins the screen's lines as one text, so that a hint wrapped across
// lines still reads as one sentence.
func flat(screen []string) string {
	return strings.Join(strings.Fields(strings.Join(screen, " ")), " ")
}

func requireAll(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestWhyPrivateRegistryWithoutPullSecret(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("vip", deployOpts{replicas: 2, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "vip", time.Minute)
	term, err := env.StartTerminal(ctxFor(t, 2*time.Minute), 120, 40, "mannequin", "watch", "deploy/vip", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	setImage(t, ns, "vip", "private.registry.example/uniform:winter-2024")
	s, err := term.WaitForScreen(30*time.Second, func(s []string) bool {
		f := flat(s)
		return strings.Contains(f, "ImagePullBackOff") && strings.Contains(f, "registry private.registry.example refused the pull") && strings.Contains(f, "no imagePullSecrets")
	})
	if err != nil {
		t.Fatalf("no imagePullSecrets hint on screen: %v\n%s", err, shown(s))
	}
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)

	// The pod names a Secret that does not exist: say so.
	d := deployment("vip-missing", deployOpts{replicas: 1, image: "private.registry.example/uniform:winter-2024", maxSurge: 1})
	d.Spec.Template.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "regcred"}}
	createDeployment(t, ns, d)
	out := plainWatch(t, ns, "vip-missing", "20s")
	requireAll(t, out, `imagePullSecrets names Secret "regcred", which does not exist in namespace `+ns, "kubectl create secret docker-registry regcred --docker-server=private.registry.example")

	// With the registry's pass the same image pulls and the rollout completes.
	key := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "warehouse-key"},
		Type:       corev1.SecretTypeDockerConfigJson,
		Data:       map[string][]byte{corev1.DockerConfigJsonKey: []byte(`{"auths":{"private.registry.example":{"auth":"bWFuYWdlcjprZXk="}}}`)},
	}
	if _, err := cluster.Client.CoreV1().Secrets(ns).Create(context.Background(), key, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ok := deployment("vip-pass", deployOpts{replicas: 1, image: "private.registry.example/uniform:winter-2024", maxSurge: 1})
	ok.Spec.Template.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "warehouse-key"}}
	createDeployment(t, ns, ok)
	if r := env.Mannequin(ctxFor(t, time.Minute), "watch", "deploy/vip-pass", "-n", ns, "--until-done", "--timeout", "30s"); r.Code != 0 {
		t.Errorf("with the pass the rollout should complete: exit %d %s", r.Code, r.Stderr)
	}
}

func TestWhyTagNotFoundAndEventsCounted(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("typo", deployOpts{replicas: 3, image: summer, maxSurge: 3}))
	waitRolledOut(t, ns, "typo", time.Minute)
	term, err := env.StartTerminal(ctxFor(t, 2*time.Minute), 140, 40, "mannequin", "watch", "deploy/typo", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	setImage(t, ns, "typo", "registry.example/uniform:nonexistent")
	counted := regexp.MustCompile(`×([2-9]|\d\d+) Failed Pod/typo-`)
	s, err := term.WaitForScreen(40*time.Second, func(s []string) bool {
		f := flat(s)
		return strings.Contains(f, "registry.example/uniform:nonexistent does not exist") &&
			strings.Contains(f, "the previous revision runs registry.example/uniform:summer-2023") &&
			counted.MatchString(f)
	})
	if err != nil {
		t.Fatalf("no not-found hint with both images, or no merged event count: %v\n%s", err, shown(s))
	}
	if n := strings.Count(shown(s), "Failed Pod/typo-"); n != 1 {
		t.Errorf("identical Warning events should be one line, found %d", n)
	}
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)
}

func TestWhyCrashLoop(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("crashy", deployOpts{replicas: 1, image: "registry.example/crash:v1", maxSurge: 1}))
	out := plainWatch(t, ns, "crashy", "12s")
	requireAll(t, out, "CrashLoopBackOff", "keeps exiting with exit code 1", "restarts)", "kubectl logs --previous crashy-")
	if n := strings.Count(out, "why: rev 1: CrashLoopBackOff"); n != 1 {
		t.Errorf("the finding should be printed once, got %d times", n)
	}
}

func TestWhyUnschedulable(t *testing.T) {
	ns := namespace(t)
	d := deployment("picky", deployOpts{replicas: 1, image: summer, maxSurge: 1})
	d.Spec.Template.Spec.NodeSelector = map[string]string{"disk": "ssd"}
	createDeployment(t, ns, d)
	out := plainWatch(t, ns, "picky", "10s")
	// The scheduler's own words, counting every node the test cluster has.
	nodes, err := cluster.Client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	requireAll(t, out, "Unschedulable", fmt.Sprintf("0/%d nodes are available", len(nodes.Items)), "node affinity/selector", "no node can take the pod")
}

func TestWhyQuotaForbidsPods(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("capped", deployOpts{replicas: 2, image: summer, maxSurge: 1}))
	waitRolledOut(t, ns, "capped", time.Minute)
	q := &corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Name: "pod-cap"},
		Spec:       corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("2")}},
	}
	if _, err := cluster.Client.CoreV1().ResourceQuotas(ns).Create(context.Background(), q, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // let the quota controller count the pods
	setImage(t, ns, "capped", winter)
	out := plainWatch(t, ns, "capped", "20s")
	requireAll(t, out, "ReplicaFailure: FailedCreate", "exceeded quota: pod-cap", "a ResourceQuota forbids new pods")
}
