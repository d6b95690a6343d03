package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// mall is a release of three Deployments, a StatefulSet and a DaemonSet
// labelled app.kubernetes.io/instance=mall, all rolled out.
var mall = []string{"deployment/hall", "deployment/till", "deployment/wall", "statefulset/stall", "daemonset/stand"}

func createMall(t *testing.T, ns string) { createMallPaced(t, ns, "1s") }

// createMallPaced is the mall with pods that take readyDelay to be ready.
func createMallPaced(t *testing.T, ns, readyDelay string) {
	t.Helper()
	for _, name := range []string{"hall", "till", "wall"} {
		createDeployment(t, ns, deployment(name, deployOpts{replicas: 2, image: summer, readyDelay: readyDelay, maxSurge: 1, progressDeadline: 20}))
	}
	createStatefulSet(t, ns, "stall", 2, 0, summer, readyDelay)
	createDaemonSet(t, ns, "stand", summer, readyDelay)
	ctx := ctxFor(t, time.Minute)
	for _, ref := range mall {
		if r := env.Kubectl(ctx, "-n", ns, "label", ref, "app.kubernetes.io/instance=mall"); r.Code != 0 {
			t.Fatalf("label %s: %s", ref, r.Stderr)
		}
	}
	for _, ref := range mall {
		waitKind(t, ns, ref)
	}
}

// updateMall sets every workload of the mall to winter, but those in odd
// to image.
func updateMall(t *testing.T, ns string, odd map[string]string) {
	t.Helper()
	ctx := ctxFor(t, time.Minute)
	for _, ref := range mall {
		image := winter
		if img, ok := odd[ref]; ok {
			image = img
		}
		if r := env.Kubectl(ctx, "-n", ns, "set", "image", ref, "uniform="+image); r.Code != 0 {
			t.Fatalf("set image %s: %s", ref, r.Stderr)
		}
	}
}

// TestReleaseUntilDone: a release watched by its label, in a CI log. Every
// line says which workload it is about, every workload completes, and the
// summary lists each.
func TestReleaseUntilDone(t *testing.T) {
	ns := namespace(t)
	createMall(t, ns)
	updateMall(t, ns, nil)
	r := env.Mannequin(ctxFor(t, 3*time.Minute), "watch", "-l", "app.kubernetes.io/instance=mall", "-n", ns, "--until-done", "--timeout", "150s")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s\n%s", r.Code, r.Stderr, r.Stdout)
	}
	stamp := regexp.MustCompile(`^\d\d:\d\d:\d\d (deployment|statefulset|daemonset)/[a-z]+ `)
	for _, l := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		if !stamp.MatchString(l) {
			t.Errorf("a line that does not say its workload: %q", l)
		}
	}
	for _, ref := range mall {
		if !strings.Contains(r.Stdout, ref+" SUCCESS: rolled out rev 2") {
			t.Errorf("the summary does not say %s completed:\n%s", ref, r.Stdout)
		}
	}
	for _, ref := range mall {
		waitKind(t, ns, ref) // the plugin ended when the cluster agreed
	}
}

// TestReleaseWithOneFailure: one workload's new image does not exist. The
// watch follows the others to their end, then fails naming that one.
func TestReleaseWithOneFailure(t *testing.T) {
	ns := namespace(t)
	createMall(t, ns)
	updateMall(t, ns, map[string]string{"deployment/till": "registry.example/uniform:nonexistent"})
	r := env.Mannequin(ctxFor(t, 3*time.Minute), "watch", "deploy/hall", "deploy/till", "deploy/wall", "sts/stall", "ds/stand", "-n", ns, "--until-done", "--timeout", "150s")
	if r.Code != 1 || !strings.Contains(r.Stderr, "1 of 5 workloads failed: deployment/till: ") {
		t.Fatalf("want exit 1 naming deployment/till: exit %d, %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	for _, ref := range mall {
		if ref == "deployment/till" {
			continue
		}
		if !strings.Contains(r.Stdout, ref+" SUCCESS: rolled out rev 2") {
			t.Errorf("%s should have completed:\n%s", ref, r.Stdout)
		}
	}
	if !strings.Contains(r.Stdout, "deployment/till ERROR: failed after") {
		t.Errorf("the summary should say deployment/till failed:\n%s", r.Stdout)
	}
}

// TestReleaseFromManifests: -f reads the workloads of a multi-document
// file (a Service and a ConfigMap in it are ignored, and said so), and -f -
// reads them from stdin.
func TestReleaseFromManifests(t *testing.T) {
	ns := namespace(t)
	createMall(t, ns)
	manifest := `apiVersion: v1
kind: Service
metadata: {name: hall}
spec: {ports: [{port: 80}], selector: {app: hall}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: signs}
data: {open: "9-18"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: hall}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: stall}
`
	file := filepath.Join(t.TempDir(), "mall.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := ctxFor(t, 2*time.Minute)
	r := env.Mannequin(ctx, "watch", "-f", file, "-n", ns, "--until-done", "--timeout", "60s")
	if r.Code != 0 || !strings.Contains(r.Stderr, "2 objects ignored") {
		t.Fatalf("-f: exit %d, %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	for _, want := range []string{"deployment/hall ", "statefulset/stall "} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("-f: no lines for %s:\n%s", want, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout, "deployment/till") {
		t.Errorf("-f watched a workload the file does not name:\n%s", r.Stdout)
	}
	r = env.Run(ctx, manifest, "kubectl", "mannequin", "watch", "-f", "-", "-n", ns, "--until-done", "--timeout", "60s")
	if r.Code != 0 || !strings.Contains(r.Stdout, "statefulset/stall SUCCESS: ") {
		t.Fatalf("-f -: exit %d, %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
}
