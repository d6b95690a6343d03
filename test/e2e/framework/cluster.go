// Package framework runs the plugin against a real local control plane:
// it starts and stops the cluster through the project's hack/ scripts, runs
// `kubectl mannequin …` through the real kubectl, and drives it inside a
// pseudo-terminal whose screen it can read back.
package framework

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// Cluster is a running local control plane.
type Cluster struct {
	Root       string // repository root
	Dir        string // state directory given to hack/cluster-up.sh
	Kubeconfig string
	Client     kubernetes.Interface
	// Registry is the warehouse's address (host:port), from cluster-up's
	// "export REGISTRY=" line.
	Registry string
}

// RepoRoot finds the repository root from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "hack", "cluster-up.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("repository root not found above the working directory")
		}
		dir = parent
	}
}

// StartCluster brings up a fresh cluster in dir with the given number of fake nodes.
func StartCluster(ctx context.Context, root, dir string, nodes int, extraEnv ...string) (*Cluster, error) {
	c := &Cluster{Root: root, Dir: dir, Kubeconfig: filepath.Join(dir, "kubeconfig")}
	cmd := exec.CommandContext(ctx, filepath.Join(root, "hack", "cluster-up.sh"))
	cmd.Env = append(os.Environ(), "CLUSTER_DIR="+dir, fmt.Sprintf("CLUSTER_NODES=%d", nodes))
	cmd.Env = append(cmd.Env, extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return c, fmt.Errorf("cluster-up: %w\n%s", err, out.String())
	}
	fmt.Fprint(os.Stderr, out.String())
	for _, line := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "export REGISTRY="); ok {
			c.Registry = strings.TrimSpace(v)
		}
	}
	if c.Registry == "" {
		return c, fmt.Errorf("cluster-up did not say where the registry is:\n%s", out.String())
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", c.Kubeconfig)
	if err != nil {
		return c, fmt.Errorf("load kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = 200, 400
	if c.Client, err = kubernetes.NewForConfig(cfg); err != nil {
		return c, err
	}
	return c, nil
}

// Stop ends every component process and waits for them.
func (c *Cluster) Stop() error {
	cmd := exec.Command(filepath.Join(c.Root, "hack", "cluster-down.sh"))
	cmd.Env = append(os.Environ(), "CLUSTER_DIR="+c.Dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("cluster-down: %w: %s", err, out)
	}
	return nil
}

// Alive lists component PIDs that are still running.
func (c *Cluster) Alive() []string {
	cmd := exec.Command(filepath.Join(c.Root, "hack", "cluster-down.sh"), "--check")
	cmd.Env = append(os.Environ(), "CLUSTER_DIR="+c.Dir)
	out, _ := cmd.Output()
	return strings.Fields(string(out))
}

// BuildPlugin compiles the plugin into dir/kubectl-mannequin.
func BuildPlugin(ctx context.Context, root, dir, version string) error {
	// Built as `make build` and the release archives build it: static, so
	// that memory figures are the ones users get.
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(dir, "kubectl-mannequin"),
		"-ldflags", "-s -w -X github.com/kubectl-mannequin/kubectl-mannequin/pkg/version.Version="+version,
		"./cmd/kubectl-mannequin")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("build plugin: %w\n%s", err, out)
	}
	return nil
}

// Eventually polls cond until it returns true or the timeout passes.
func Eventually(timeout time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		last = err
		if time.Now().After(deadline) {
			if last != nil {
				return fmt.Errorf("timed out after %s: %w", timeout, last)
			}
			return fmt.Errorf("timed out after %s", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// PinnedVersion reads a version that hack/versions.sh pins (name is the
// variable: K8S_VERSION, K8S_SKEW_VERSION), so that tests know which
// control plane they are on from the same line the build reads.
func PinnedVersion(root, name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "hack", "versions.sh"))
	if err != nil {
		return "", fmt.Errorf("read the pinned versions: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("hack/versions.sh pins no %s", name)
}
