// Package e2e tests the plugin through the real kubectl against a real
// control plane (kube-apiserver, etcd, kube-controller-manager,
// kube-scheduler) with kwok simulating nodes and pods.
package e2e

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

// pluginVersion is linked into the binary under test so tests can see that
// kubectl really ran this build.
const pluginVersion = "v0.0.0-e2e"

var (
	cluster *framework.Cluster
	env     framework.Env
	// serverVersion is the control plane's version as hack/versions.sh
	// pins it: K8S_VERSION, or K8S_SKEW_VERSION when the suite runs on the
	// older control plane (CLUSTER_CONTROL_PLANE=skew, make e2e-skew).
	serverVersion string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	root, err := framework.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "mannequin-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()

	binDir := filepath.Join(tmp, "bin")
	if err := framework.BuildPlugin(ctx, root, binDir, pluginVersion); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	pin := "K8S_VERSION"
	if os.Getenv("CLUSTER_CONTROL_PLANE") == "skew" {
		pin = "K8S_SKEW_VERSION"
	}
	if serverVersion, err = framework.PinnedVersion(root, pin); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	start := time.Now()
	cluster, err = framework.StartCluster(ctx, root, filepath.Join(tmp, "cluster"), 3,
		"KWOK_EXTRA_CONFIG="+filepath.Join(root, "test", "e2e", "testdata", "kwokctl-short-watches.yaml"))
	// Stop the cluster on every way out, Ctrl-C included: its processes are
	// detached and would outlive us.
	stopCluster := func() {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		if alive := cluster.Alive(); len(alive) > 0 {
			fmt.Fprintf(os.Stderr, "leaked cluster processes: %v\n", alive)
		}
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		stopCluster()
		os.Exit(130)
	}()
	defer stopCluster()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "e2e: cluster (%s) ready in %s\n", serverVersion, time.Since(start).Round(100*time.Millisecond))
	env = framework.Env{PluginDir: binDir, Kubeconfig: cluster.Kubeconfig}
	return m.Run()
}
