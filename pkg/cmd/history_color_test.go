package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
)

// historyPiped runs `history deploy/steer ARGS` through its cobra command,
// flags parsed as a user's are, with stdout a buffer: a pipe.
func historyPiped(t *testing.T, args ...string) []byte {
	t.Helper()
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1], &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}})
	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	o := &HistoryOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(c)}, IOStreams: streams, printFlags: genericclioptions.NewJSONYamlPrintFlags()}
	cmd := historyCommand(o)
	cmd.SetArgs(append([]string{"deploy/steer"}, args...))
	cmd.SetOut(errOut)
	cmd.SetErr(errOut)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("history %v: %v\n%s", args, err, errOut)
	}
	return out.Bytes()
}

// A pipe gets the table as plain as kubectl's, unless --color always asks
// for colour: then the header is in the accent and the current revision is
// highlighted.
func TestHistoryTableColourOnlyWhenAsked(t *testing.T) {
	was := theme.On()
	t.Cleanup(func() { theme.Setup(was) })
	t.Setenv("CI", "")
	t.Setenv("FORCE_COLOR", "3") // pterm would colour pipes from this alone
	t.Setenv("NO_COLOR", "")

	plain := func(what string, out []byte) {
		t.Helper()
		if i := bytes.IndexByte(out, 0x1b); i >= 0 {
			t.Errorf("%s: escape at byte %d:\n%q", what, i, out)
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(lines) != 4 || lines[0] != "deployment.apps/steer" || !strings.HasPrefix(lines[1], "REVISION  ") ||
			!strings.HasPrefix(lines[2], "2 (current)  ") || !strings.HasPrefix(lines[3], "1            ") {
			t.Errorf("%s: want a title, a header and 2 rows in kubectl's columns, got:\n%s", what, out)
		}
		for _, l := range lines {
			if strings.TrimRight(l, " \t") != l || strings.ContainsAny(l, "\t|│─") {
				t.Errorf("%s: %q has trailing blanks, tabs or separators", what, l)
			}
		}
	}
	plain("--color never", historyPiped(t, "--color", "never"))
	plain("--color auto on a pipe", historyPiped(t, "--color", "auto"))
	t.Setenv("NO_COLOR", "1")
	plain("NO_COLOR=1 --color auto", historyPiped(t, "--color", "auto"))

	out := string(historyPiped(t, "--color", "always"))
	lines := strings.Split(out, "\n")
	if len(lines) < 3 || !strings.Contains(lines[1], "\x1b[38;2;95;175;215m") || !strings.Contains(lines[1], "REVISION") {
		t.Fatalf("--color always: the header is not in the accent:\n%q", out)
	}
	if !strings.HasPrefix(lines[2], "\x1b["+theme.Current.Code()+"m2 (current)") {
		t.Errorf("--color always: the current revision is not highlighted: %q", lines[2])
	}
}
