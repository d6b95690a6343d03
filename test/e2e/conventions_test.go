package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

// undo's flags and output as kubectl rollout undo has them.
func TestUndoFlagsAndOutputAsKubectl(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "conv", summer, winter)
	ctx := ctxFor(t, time.Minute)
	before := getDeployment(t, ns, "conv")

	// A bare --dry-run no longer swallows the next argument: -n reaches us.
	r := env.Mannequin(ctx, "undo", "deploy/conv", "--dry-run", "-n", ns)
	if r.Code != 0 || !strings.Contains(r.Stdout, "will roll back to rev 1") ||
		!strings.Contains(r.Stderr, "Warning: --dry-run is deprecated and can be replaced with --dry-run=client.") {
		t.Errorf("bare --dry-run: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r = env.Mannequin(ctx, "undo", "deploy/conv", "-n", ns, "--dry-run=server", "-o", "json")
	var preview appsv1.Deployment
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &preview) != nil || preview.Spec.Template.Spec.Containers[0].Image != summer {
		t.Errorf("--dry-run=server -o json: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if after := getDeployment(t, ns, "conv"); after.Generation != before.Generation {
		t.Fatalf("a dry run changed the deployment")
	}
	r = env.Mannequin(ctx, "undo", "deploy/conv", "-n", ns, "--yes", "-o", "name")
	if r.Code != 0 || r.Stdout != "deployment.apps/conv\n" {
		t.Errorf("-o name: exit %d %q %q", r.Code, r.Stdout, r.Stderr)
	}
	if img := getDeployment(t, ns, "conv").Spec.Template.Spec.Containers[0].Image; img != summer {
		t.Errorf("undo -o name did not roll back: %s", img)
	}
	if r := env.Mannequin(ctx, "undo", "deploy/conv", "-n", ns, "--yes", "-o", "xml"); r.Code != 2 {
		t.Errorf("-o xml is a usage error: exit %d %q", r.Code, r.Stderr)
	}
}

// history --revision N -o yaml is an item of the documented schema, and
// --diff takes the forms a user types.
func TestHistoryRevisionOutputAndDiffForms(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "forms", summer, winter, autumn)
	ctx := ctxFor(t, time.Minute)

	r := env.Mannequin(ctx, "history", "deploy/forms", "-n", ns, "--revision", "1", "-o", "yaml")
	var item struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Revision   int64  `json:"revision"`
		Workload   string `json:"workload"`
		Template   struct {
			Spec struct {
				Containers []struct {
					Image string `json:"image"`
				} `json:"containers"`
			} `json:"spec"`
		} `json:"template"`
	}
	if r.Code != 0 || yaml.Unmarshal([]byte(r.Stdout), &item) != nil || item.APIVersion != "mannequin.kubectl.io/v1alpha1" ||
		item.Kind != "Revision" || item.Revision != 1 || item.Workload != "deployment.apps/forms" || item.Template.Spec.Containers[0].Image != summer {
		t.Errorf("--revision 1 -o yaml: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, tc := range []struct {
		args     []string
		from, to string
	}{
		{[]string{"--diff"}, "--- revision 2 (uniform:winter-2024)", "+++ revision 3 (current, uniform:autumn-2024)"},
		{[]string{"--diff", "1"}, "--- revision 1 (uniform:summer-2023)", "+++ revision 3 (current, uniform:autumn-2024)"},
		{[]string{"--diff=1,2"}, "--- revision 1 (uniform:summer-2023)", "+++ revision 2 (uniform:winter-2024)"},
	} {
		r := env.Mannequin(ctx, append([]string{"history", "deploy/forms", "-n", ns}, tc.args...)...)
		if r.Code != 0 || !strings.HasPrefix(r.Stdout, tc.from+"\n"+tc.to+"\n") {
			t.Errorf("%v: exit %d\n%s%s", tc.args, r.Code, r.Stdout, r.Stderr)
		}
	}
	if r := env.Mannequin(ctx, "history", "deploy/forms", "-n", ns, "--diff", "1", "2", "3"); r.Code != 2 {
		t.Errorf("three revisions is a usage error: exit %d %q", r.Code, r.Stderr)
	}
}

// --fail-after ends --until-done when the new revision's pods stay stuck on
// a reason that does not heal, instead of waiting for the progress deadline.
func TestFailAfterEndsAHopelessRollout(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "hopeless", summer)
	setImage(t, ns, "hopeless", "registry.example/uniform:nonexistent")
	start := time.Now()
	r := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "deploy/hopeless", "-n", ns, "--until-done", "--fail-after", "5s", "--timeout", "90s")
	took := time.Since(start)
	if r.Code != 1 || !strings.Contains(r.Stderr, "error: rollout cannot finish: rev 2: ImagePullBackOff") ||
		!strings.Contains(r.Stderr, "does not exist") || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
		t.Fatalf("exit %d after %s, stderr %q", r.Code, took, r.Stderr)
	}
	if took > 60*time.Second {
		t.Errorf("took %s: --fail-after 5s should end the wait long before the timeout", took)
	}
	if r := env.Mannequin(ctxFor(t, time.Minute), "watch", "deploy/hopeless", "-n", ns, "--fail-after", "5s"); r.Code != 2 {
		t.Errorf("--fail-after without --until-done is a usage error: exit %d %q", r.Code, r.Stderr)
	}
}
