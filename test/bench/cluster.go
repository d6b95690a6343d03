package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/retry"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

// bench is the world every measurement runs in.
type bench struct {
	tmp     string
	cluster *framework.Cluster
	env     framework.Env // kubectl with the built plugin first on PATH
	plugin  string        // the built plugin binary

	profileDir string // where -profile runs write their profiles, or ""
	profiled   string // the profiling build, named kubectl-mannequin
	restCfg    *rest.Config
	client     kubernetes.Interface
}

// benchVersion is linked into the measured plugin.
const benchVersion = "v0.0.0-bench"

// setUp builds the plugin and starts a cluster of its own in tmp. The
// cluster is returned even on failure so that the caller can stop it.
func setUp(ctx context.Context, root, tmp, profileDir string) (*bench, error) {
	b := &bench{tmp: tmp, profileDir: profileDir}
	binDir := filepath.Join(tmp, "bin")
	b.plugin = filepath.Join(binDir, "kubectl-mannequin")
	logf("building the plugin")
	if err := buildPlugin(ctx, root, b.plugin, "./cmd/kubectl-mannequin"); err != nil {
		return nil, err
	}
	if profileDir != "" {
		b.profiled = filepath.Join(tmp, "profiled", "kubectl-mannequin")
		if err := buildPlugin(ctx, root, b.profiled, "./test/bench/profiled"); err != nil {
			return nil, err
		}
	}
	logf("starting a cluster in %s", filepath.Join(tmp, "cluster"))
	c, err := framework.StartCluster(ctx, root, filepath.Join(tmp, "cluster"), 3)
	b.cluster = c
	if err != nil {
		return b, err
	}
	// A discovery cache of our own: never the user's ~/.kube/cache.
	b.env = framework.Env{PluginDir: binDir, Kubeconfig: c.Kubeconfig,
		Extra: []string{"KUBECACHEDIR=" + filepath.Join(tmp, "kubecache")}}
	if b.restCfg, err = clientcmd.BuildConfigFromFlags("", c.Kubeconfig); err != nil {
		return b, fmt.Errorf("load kubeconfig: %w", err)
	}
	// The harness creates thousands of objects: no client-side throttling,
	// and protobuf to keep its own cost out of the measurements.
	cfg := rest.CopyConfig(b.restCfg)
	cfg.QPS, cfg.Burst = 5000, 10000
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cfg.UserAgent = "mannequin-bench"
	if b.client, err = kubernetes.NewForConfig(cfg); err != nil {
		return b, fmt.Errorf("create client: %w", err)
	}
	return b, nil
}

// buildPlugin builds pkg as the release does (make build): static, without
// cgo, stripped. The flags matter to memory: with cgo, the "plugin" package
// (linked in through kustomize) makes the linker export every symbol, and
// the dynamic loader touches far more of the binary.
func buildPlugin(ctx context.Context, root, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath",
		"-ldflags", "-s -w -X github.com/kubectl-mannequin/kubectl-mannequin/pkg/version.Version="+benchVersion,
		"-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %w\n%s", pkg, err, out)
	}
	return nil
}

func (b *bench) serverVersion(ctx context.Context) string {
	v, err := b.client.Discovery().ServerVersion()
	if err != nil {
		return "unknown"
	}
	return v.GitVersion
}

// namespace creates ns and waits for its default ServiceAccount, without
// which pods cannot be created.
func (b *bench) namespace(ctx context.Context, ns string) error {
	_, err := b.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", ns, err)
	}
	return poll(ctx, 30*time.Second, "default ServiceAccount in "+ns, func() (bool, error) {
		_, err := b.client.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	})
}

// manualReady is the kwok annotation value that keeps pods from becoming
// ready on their own, so that the harness decides when they do and can
// timestamp the write.
const manualReady = "24h"

// deployment is a Deployment whose pods kwok runs on its fake nodes. With
// readyDelay set, kwok waits that long before marking a pod ready.
func deployment(name string, replicas int32, image, readyDelay string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	ann := map[string]string{}
	if readyDelay != "" {
		ann["pod-ready.stage.kwok.x-k8s.io/delay"] = readyDelay
	}
	quarter := intstr.FromString("25%")
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Strategy: appsv1.DeploymentStrategy{
				Type:          appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &quarter, MaxUnavailable: &quarter},
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: ann},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "uniform", Image: image}},
					Tolerations: []corev1.Toleration{{
						Key: "kwok.x-k8s.io/node", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule,
					}},
				},
			},
		},
	}
}

func (b *bench) createDeployment(ctx context.Context, ns string, d *appsv1.Deployment) error {
	if _, err := b.client.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create deployment %s/%s: %w", ns, d.Name, err)
	}
	return nil
}

// waitRolledOut waits until the Deployment's latest generation is fully
// rolled out and no old pod is left.
// setImage starts a rolling update of the Deployment to image.
func (b *bench) setImage(ctx context.Context, ns, name, image string) error {
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, err := b.client.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		d.Spec.Template.Spec.Containers[0].Image = image
		_, err = b.client.AppsV1().Deployments(ns).Update(ctx, d, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return fmt.Errorf("set the image of %s/%s: %w", ns, name, err)
	}
	return nil
}

func (b *bench) waitRolledOut(ctx context.Context, ns, name string, timeout time.Duration) error {
	return poll(ctx, timeout, fmt.Sprintf("deployment %s/%s rolled out", ns, name), func() (bool, error) {
		d, err := b.client.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		want, st := *d.Spec.Replicas, d.Status
		return st.ObservedGeneration >= d.Generation && st.UpdatedReplicas == want &&
			st.Replicas == want && st.AvailableReplicas == want, nil
	})
}

// pods lists the pods of the Deployment name (label app=name).
func (b *bench) pods(ctx context.Context, ns, name string) ([]corev1.Pod, error) {
	l, err := b.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
	if err != nil {
		return nil, fmt.Errorf("list pods of %s/%s: %w", ns, name, err)
	}
	return l.Items, nil
}

// waitStarted waits until n pods of the Deployment run their containers
// (kwok's pod-start stage), which is when readiness can be flipped.
func (b *bench) waitStarted(ctx context.Context, ns, name string, n int) ([]corev1.Pod, error) {
	var pods []corev1.Pod
	err := poll(ctx, 2*time.Minute, fmt.Sprintf("%d running pods of %s/%s", n, ns, name), func() (bool, error) {
		all, err := b.pods(ctx, ns, name)
		if err != nil {
			return false, err
		}
		pods = pods[:0]
		for _, p := range all {
			if p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning && len(p.Status.ContainerStatuses) > 0 {
				pods = append(pods, p)
			}
		}
		return len(pods) == n, nil
	})
	return pods, err
}

// setReady writes the pod's readiness as a kubelet would: the Ready and
// ContainersReady conditions and each container's ready flag (what
// `kubectl get pods` counts). It returns the time just before the write
// that succeeded, and the pod as written.
func (b *bench) setReady(ctx context.Context, p *corev1.Pod, ready bool) (*corev1.Pod, time.Time, error) {
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	for attempt := 0; ; attempt++ {
		q := p.DeepCopy()
		now := metav1.Now()
		for _, t := range []corev1.PodConditionType{corev1.PodReady, corev1.ContainersReady} {
			found := false
			for i := range q.Status.Conditions {
				if c := &q.Status.Conditions[i]; c.Type == t {
					c.Status, c.LastTransitionTime, c.Reason, c.Message = status, now, "", ""
					found = true
				}
			}
			if !found {
				q.Status.Conditions = append(q.Status.Conditions, corev1.PodCondition{Type: t, Status: status, LastTransitionTime: now})
			}
		}
		for i := range q.Status.ContainerStatuses {
			q.Status.ContainerStatuses[i].Ready = ready
		}
		at := time.Now()
		out, err := b.client.CoreV1().Pods(q.Namespace).UpdateStatus(ctx, q, metav1.UpdateOptions{})
		if err == nil {
			return out, at, nil
		}
		if !apierrors.IsConflict(err) || attempt == 5 {
			return nil, at, fmt.Errorf("set pod %s ready=%v: %w", p.Name, ready, err)
		}
		if p, err = b.client.CoreV1().Pods(p.Namespace).Get(ctx, p.Name, metav1.GetOptions{}); err != nil {
			return nil, at, fmt.Errorf("re-read pod %s: %w", p.Name, err)
		}
	}
}

// readyDeployment creates a Deployment whose pods only the harness makes
// ready, makes them all ready and waits for the rollout to complete.
func (b *bench) readyDeployment(ctx context.Context, ns, name string, replicas int) ([]*corev1.Pod, error) {
	if err := b.createDeployment(ctx, ns, deployment(name, int32(replicas), "uniform:summer-2023", manualReady)); err != nil {
		return nil, err
	}
	started, err := b.waitStarted(ctx, ns, name, replicas)
	if err != nil {
		return nil, err
	}
	out := make([]*corev1.Pod, len(started))
	errs := make(chan error, len(started))
	for i := range started {
		go func() {
			var err error
			out[i], _, err = b.setReady(ctx, &started[i], true)
			errs <- err
		}()
	}
	for range started {
		if err := <-errs; err != nil {
			return nil, err
		}
	}
	return out, b.waitRolledOut(ctx, ns, name, time.Minute)
}

// poll checks cond every 200 ms until it holds, fails or timeout passes.
func poll(ctx context.Context, timeout time.Duration, what string, cond func() (bool, error)) error {
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(context.Context) (bool, error) {
		return cond()
	})
	if err != nil {
		return fmt.Errorf("waiting for %s: %w", what, err)
	}
	return nil
}
