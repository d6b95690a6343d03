package cmd

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/output"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"
)

// testFlags are kubectl's flags for namespace shop, with a kubeconfig that
// points nowhere: the fake clientset takes the client's place.
func testFlags(t *testing.T) *genericclioptions.ConfigFlags {
	t.Helper()
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n" +
		"users: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n"
	if err := os.WriteFile(kc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	f := genericclioptions.NewConfigFlags(false)
	ns := "shop"
	f.KubeConfig, f.Namespace = &kc, &ns
	return f
}

func fakeFactory(c kubernetes.Interface) clientFactory {
	return func(*genericclioptions.ConfigFlags, bool) (*clients, error) { return &clients{kube: c}, nil }
}

func runUndo(t *testing.T, c kubernetes.Interface, set func(*UndoOptions)) (string, error) {
	t.Helper()
	streams, _, out, _ := genericiooptions.NewTestIOStreams()
	o := &UndoOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(c)}, IOStreams: streams,
		printFlags: genericclioptions.NewPrintFlags("rolled back").WithTypeSetter(scheme.Scheme)}
	set(o)
	err := runAll(context.Background(), o, []string{"deploy/steer"})
	return out.String(), err
}

func image(t *testing.T, c kubernetes.Interface) string {
	t.Helper()
	d, err := c.AppsV1().Deployments("shop").Get(context.Background(), "steer", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Spec.Template.Spec.Containers[0].Image
}

func TestUndoCommand(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])

	if _, err := runUndo(t, c, func(*UndoOptions) {}); err == nil || !strings.Contains(err.Error(), "pass --yes") {
		t.Errorf("without a terminal and without --yes: %v", err)
	}
	if _, err := runUndo(t, c, func(o *UndoOptions) { o.Yes, o.ToRevision = true, 5 }); err == nil || err.Error() != "unable to find specified revision 5 in history" {
		t.Errorf("to a missing revision: %v", err)
	}
	out, err := runUndo(t, c, func(o *UndoOptions) { o.dryRun = action.DryRunClient })
	if err != nil || !strings.HasPrefix(out, "deployment.apps/steer will roll back to rev 1 (summer) (dry run)\n") || !strings.Contains(out, "image: summer") {
		t.Errorf("client dry run: %v\n%s", err, out)
	}
	if image(t, c) != "winter" {
		t.Fatalf("refusals and dry runs changed the deployment")
	}
	out, err = runUndo(t, c, func(o *UndoOptions) { o.Yes = true })
	if err != nil || out != "deployment.apps/steer rolled back\n" || image(t, c) != "summer" {
		t.Errorf("undo --yes: %q %v, image %s", out, err, image(t, c))
	}
}

func runHistory(t *testing.T, c kubernetes.Interface, args []string, set func(*HistoryOptions)) (string, error) {
	t.Helper()
	streams, _, out, _ := genericiooptions.NewTestIOStreams()
	o := &HistoryOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(c)}, IOStreams: streams, Color: "auto", printFlags: genericclioptions.NewJSONYamlPrintFlags()}
	set(o)
	err := runAll(context.Background(), o, args)
	return out.String(), err
}

func TestHistoryCommand(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1], &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}})
	none := func(*HistoryOptions) {}

	out, err := runHistory(t, c, []string{"deploy/steer"}, none)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 4 || lines[0] != "deployment.apps/steer" || !strings.HasPrefix(lines[1], "REVISION") ||
		!strings.HasPrefix(lines[2], "2 (current)") || !strings.Contains(lines[3], "summer") {
		t.Errorf("table: %v\n%s", err, out)
	}
	out, err = runHistory(t, c, []string{"deployment", "steer"}, func(o *HistoryOptions) { o.Output = "json" })
	var list struct {
		Workload string `json:"workload"`
		Items    []struct {
			Revision int64 `json:"revision"`
			Current  bool  `json:"current"`
		} `json:"items"`
	}
	if err != nil || json.Unmarshal([]byte(out), &list) != nil || list.Workload != "deployment.apps/steer" || len(list.Items) != 2 || !list.Items[0].Current {
		t.Errorf("-o json: %v\n%s", err, out)
	}
	out, err = runHistory(t, c, []string{"deploy/steer"}, func(o *HistoryOptions) { o.Output = "yaml" })
	if err != nil || !strings.HasPrefix(out, "apiVersion: mannequin.kubectl.io/v1alpha1\n") || !strings.Contains(out, "workload: deployment.apps/steer") {
		t.Errorf("-o yaml: %v\n%s", err, out)
	}
	out, err = runHistory(t, c, []string{"deploy/steer"}, func(o *HistoryOptions) { o.Revision, o.revisionSet = 1, true })
	if err != nil || !strings.HasPrefix(out, "deployment.apps/steer with revision #1\n") || !strings.Contains(out, "image: summer") {
		t.Errorf("--revision 1: %v\n%s", err, out)
	}
	out, err = runHistory(t, c, []string{"deploy/steer"}, func(o *HistoryOptions) { o.Revision, o.revisionSet, o.Output = 1, true, "json" })
	var detail struct {
		Kind     string `json:"kind"`
		Revision int64  `json:"revision"`
		Template struct {
			Spec corev1.PodSpec `json:"spec"`
		} `json:"template"`
	}
	if err != nil || json.Unmarshal([]byte(out), &detail) != nil || detail.Kind != "Revision" || detail.Revision != 1 || detail.Template.Spec.Containers[0].Image != "summer" {
		t.Errorf("--revision 1 -o json: %v\n%s", err, out)
	}
	out, err = runHistory(t, c, []string{"deploy/steer"}, func(o *HistoryOptions) { o.Diff = true })
	if err != nil || !strings.Contains(out, "-  - image: summer") || !strings.Contains(out, "+  - image: winter") {
		t.Errorf("--diff: %v\n%s", err, out)
	}
	if _, err := runHistory(t, c, []string{"deploy/steer"}, func(o *HistoryOptions) { o.Output = "wide" }); err == nil || !strings.Contains(err.Error(), "unknown output format") {
		t.Errorf("-o wide: %v", err)
	}
	if _, err := runHistory(t, c, []string{"deploy/nobody"}, none); err == nil || !strings.Contains(err.Error(), `"nobody"`) || strings.Contains(err.Error(), "namespace \"shop\" not found") {
		t.Errorf("a missing deployment: %v", err)
	}
}

// runWatch runs `watch deploy/steer --plain --until-done` on c.
func runWatch(t *testing.T, c kubernetes.Interface) (string, error) {
	t.Helper()
	return runWatchArgs(t, c, "deploy/steer")
}

// runWatchArgs runs `watch ARGS --plain --until-done` on c.
func runWatchArgs(t *testing.T, c kubernetes.Interface, args ...string) (string, error) {
	t.Helper()
	streams, _, out, _ := genericiooptions.NewTestIOStreams()
	o := &WatchOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(c)}, IOStreams: streams,
		Color: "auto", Plain: true, UntilDone: true, Timeout: 20 * time.Second}
	err := runAll(context.Background(), o, args)
	return out.String(), err
}

func TestWatchPlainEndsWhenTheRolloutCompletes(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	d.Status.ObservedGeneration = d.Generation
	out, err := runWatch(t, fake.NewClientset(d, rss[0], rss[1]))
	if err != nil {
		t.Fatalf("a finished rollout ends --until-done with no error, got %v\n%s", err, out)
	}
	if !strings.Contains(out, `deployment "steer" successfully rolled out`) {
		t.Errorf("the last line says so, as kubectl does:\n%s", out)
	}
}

func TestWatchPlainFailsWhenTheProgressDeadlinePasses(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	d.Status.ObservedGeneration = d.Generation
	d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse, Reason: "ProgressDeadlineExceeded"}}
	_, err := runWatch(t, fake.NewClientset(d, rss[0], rss[1]))
	if err == nil || err.Error() != `deployment "steer" exceeded its progress deadline` {
		t.Errorf("want kubectl's failure, got %v", err)
	}
}

func TestWatchSaysAMissingWorkload(t *testing.T) {
	_, err := runWatch(t, fake.NewClientset(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}))
	if err == nil || err.Error() != `deployment "steer" not found in namespace "shop": check the name, or pick the namespace with -n` {
		t.Errorf("got %v", err)
	}
}

// --dry-run reads as kubectl's: a bare one is a client dry run with
// kubectl's warning, and it no longer swallows the next argument.
func TestDryRunFlagIsKubectls(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    action.DryRun
		warning string
		err     string
	}{
		{[]string{"--dry-run", "--kubeconfig", "x"}, action.DryRunClient, "Warning: --dry-run is deprecated and can be replaced with --dry-run=client.\n", ""},
		{[]string{"--dry-run=server"}, action.DryRunServer, "", ""},
		{[]string{"--dry-run=true"}, action.DryRunClient, "Warning: --dry-run=true is deprecated (boolean value) and can be replaced with --dry-run=client.\n", ""},
		{[]string{}, action.DryRunNone, "", ""},
		{[]string{"--dry-run=maybe"}, action.DryRunNone, "", `Invalid dry-run value (maybe). Must be "none", "server", or "client".`},
	} {
		cmd := NewCmdUndo(genericclioptions.NewConfigFlags(false), genericiooptions.NewTestIOStreamsDiscard())
		genericclioptions.NewConfigFlags(false).AddFlags(cmd.Flags())
		if err := cmd.ParseFlags(tc.args); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		var warn strings.Builder
		got, err := output.DryRunOf(cmd, &warn)
		if got != tc.want || warn.String() != tc.warning || (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("%v: %v %q %v", tc.args, got, warn.String(), err)
		}
	}
}

func TestUndoPrintsAsKubectlDoes(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	for _, tc := range []struct {
		output string
		dryRun action.DryRun
		check  func(out string) bool
	}{
		{"name", action.DryRunNone, func(out string) bool { return out == "deployment.apps/steer\n" }},
		{"json", action.DryRunNone, func(out string) bool {
			var got appsv1.Deployment
			return json.Unmarshal([]byte(out), &got) == nil && got.Kind == "Deployment" && got.Spec.Template.Spec.Containers[0].Image == "summer"
		}},
		{"yaml", action.DryRunClient, func(out string) bool {
			var got appsv1.Deployment
			return yaml.Unmarshal([]byte(out), &got) == nil && got.Name == "steer" && got.Spec.Template.Spec.Containers[0].Image == "summer"
		}},
	} {
		c := fake.NewClientset(d.DeepCopy(), rss[0].DeepCopy(), rss[1].DeepCopy())
		out, err := runUndo(t, c, func(o *UndoOptions) {
			o.Yes, o.dryRun = true, tc.dryRun
			*o.printFlags.OutputFormat = tc.output
		})
		if err != nil || !tc.check(out) {
			t.Errorf("-o %s: %v\n%s", tc.output, err, out)
		}
		if want := map[bool]string{true: "winter", false: "summer"}[tc.dryRun == action.DryRunClient]; image(t, c) != want {
			t.Errorf("-o %s: image %s, want %s", tc.output, image(t, c), want)
		}
	}
	c := fake.NewClientset(d, rss[0], rss[1])
	if _, err := runUndo(t, c, func(o *UndoOptions) { *o.printFlags.OutputFormat = "xml" }); err == nil || !strings.Contains(err.Error(), `unable to match a printer suitable for the output format "xml"`) {
		t.Errorf("-o xml: %v", err)
	}
}

// --diff reads as a user types it, and the header lines say what was
// compared.
func TestHistoryDiffForms(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	third := rss[1].DeepCopy()
	third.Name, third.UID, third.Annotations = "steer-autumn", "rs-autumn", map[string]string{"deployment.kubernetes.io/revision": "3"}
	third.Spec.Template.Spec.Containers[0].Image = "autumn"
	d.Spec.Template = third.Spec.Template
	c := fake.NewClientset(d, rss[0], rss[1], third)
	for _, tc := range []struct {
		args     []string
		from, to string
	}{
		{[]string{"--diff"}, "revision 2 (winter)", "revision 3 (current, autumn)"},
		{[]string{"--diff", "1"}, "revision 1 (summer)", "revision 3 (current, autumn)"},
		{[]string{"--diff=1"}, "revision 1 (summer)", "revision 3 (current, autumn)"},
		{[]string{"--diff", "1", "2"}, "revision 1 (summer)", "revision 2 (winter)"},
		{[]string{"--diff", "1,2"}, "revision 1 (summer)", "revision 2 (winter)"},
		{[]string{"--diff=2,1"}, "revision 2 (winter)", "revision 1 (summer)"},
	} {
		streams, _, out, _ := genericiooptions.NewTestIOStreams()
		o := &HistoryOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(c)}, IOStreams: streams, Color: "never", printFlags: genericclioptions.NewJSONYamlPrintFlags()}
		cmd := historyCommand(o)
		cmd.SetArgs(append([]string{"deploy/steer"}, tc.args...))
		cmd.SetOut(io.Discard)
		err := cmd.Execute()
		lines := strings.SplitN(out.String(), "\n", 3)
		if err != nil || len(lines) < 3 || lines[0] != "--- "+tc.from || lines[1] != "+++ "+tc.to {
			t.Errorf("%v: %v\n%s", tc.args, err, out.String())
		}
	}
	for _, bad := range [][]string{{"--diff", "1", "2", "3"}, {"--diff=x"}, {"--diff", "1,"}} {
		cmd := historyCommand(&HistoryOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(c)}, IOStreams: genericiooptions.NewTestIOStreamsDiscard(), Color: "never", printFlags: genericclioptions.NewJSONYamlPrintFlags()})
		cmd.SetArgs(append([]string{"deploy/steer"}, bad...))
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		if err := cmd.Execute(); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
