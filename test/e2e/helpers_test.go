package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

// namespace gives the test its own namespace, deleted when it ends.
func namespace(t *testing.T) string {
	t.Helper()
	name := strings.ToLower(regexp.MustCompile(`[^a-zA-Z0-9]+`).ReplaceAllString(t.Name(), "-"))
	if len(name) > 40 {
		name = name[:40]
	}
	name = fmt.Sprintf("%s-%04x", strings.Trim(name, "-"), rand.IntN(0xffff))
	ctx := context.Background()
	_, err := cluster.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	// Pods need the namespace's default ServiceAccount before they can be created.
	if err := framework.Eventually(30*time.Second, func() (bool, error) {
		_, err := cluster.Client.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, err
	}); err != nil {
		t.Fatalf("default ServiceAccount in %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cluster.Client.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	return name
}

type deployOpts struct {
	replicas         int32
	image            string
	readyDelay       string // pod-ready stage delay, e.g. "2s"
	progressDeadline int32
	maxSurge         int32
	maxUnavailable   int32
}

// deployment builds a Deployment whose pods kwok runs on its fake nodes.
func deployment(name string, o deployOpts) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	ann := map[string]string{}
	if o.readyDelay != "" {
		ann["pod-ready.stage.kwok.x-k8s.io/delay"] = o.readyDelay
	}
	surge, unavail := intstr.FromInt32(o.maxSurge), intstr.FromInt32(o.maxUnavailable)
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &o.replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Strategy: appsv1.DeploymentStrategy{
				Type:          appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavail},
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: ann},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "uniform", Image: o.image}},
					Tolerations: []corev1.Toleration{{
						Key: "kwok.x-k8s.io/node", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule,
					}},
				},
			},
		},
	}
	if o.progressDeadline > 0 {
		d.Spec.ProgressDeadlineSeconds = &o.progressDeadline
	}
	return d
}

func createDeployment(t *testing.T, ns string, d *appsv1.Deployment) *appsv1.Deployment {
	t.Helper()
	out, err := cluster.Client.AppsV1().Deployments(ns).Create(context.Background(), d, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create deployment: %v", err)
	}
	return out
}

// waitRolledOut waits until the Deployment's current generation is fully rolled out.
func waitRolledOut(t *testing.T, ns, name string, timeout time.Duration) *appsv1.Deployment {
	t.Helper()
	var d *appsv1.Deployment
	err := framework.Eventually(timeout, func() (bool, error) {
		var err error
		d, err = cluster.Client.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		want := *d.Spec.Replicas
		st := d.Status
		return st.ObservedGeneration >= d.Generation && st.UpdatedReplicas == want && st.Replicas == want && st.AvailableReplicas == want, nil
	})
	if err != nil {
		t.Fatalf("deployment %s/%s did not roll out: %v (status %+v)", ns, name, err, d.Status)
	}
	return d
}

// setImage runs the real `kubectl set image`, as a user would.
func setImage(t *testing.T, ns, name, image string) {
	t.Helper()
	r := env.Kubectl(context.Background(), "-n", ns, "set", "image", "deploy/"+name, "uniform="+image)
	if r.Code != 0 {
		t.Fatalf("kubectl set image: %d %s", r.Code, r.Stderr)
	}
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// shown is a screen for a failure message: CI keeps only the tail of a
// log, so the blank rows below the last drawn one are left out.
func shown(screen []string) string {
	end := len(screen)
	for end > 0 && strings.TrimSpace(screen[end-1]) == "" {
		end--
	}
	return strings.Join(screen[:end], "\n")
}

// answer types key at a question that has just appeared on screen, as a
// person who read it would: keys within terminal.AnswerDelay of the
// question are ignored, so that no key confirms what was not seen.
func answer(term *framework.Terminal, key string) {
	time.Sleep(terminal.AnswerDelay + 150*time.Millisecond)
	_ = term.Send(key)
}

// asked reports whether the screen shows question q followed by [y/N]: on
// one row, wrapped by the view onto two, or cut by the terminal's width,
// and with whatever the registry's check adds between them.
func asked(screen []string, q string) bool {
	rows := make([]string, len(screen))
	for i, r := range screen {
		rows[i] = strings.TrimSpace(r)
	}
	for _, sep := range []string{" ", ""} {
		all := strings.Join(rows, sep)
		if i := strings.Index(all, q); i >= 0 && strings.Contains(all[i:], "[y/N]") {
			return true
		}
	}
	return false
}
