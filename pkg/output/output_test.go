package output

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
)

func TestDryRunOfReadsKubectlsValues(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    action.DryRun
		warning string
		fails   bool
	}{
		{[]string{"--dry-run=client"}, action.DryRunClient, "", false},
		{[]string{"--dry-run=none"}, action.DryRunNone, "", false},
		{[]string{"--dry-run=false"}, action.DryRunNone, "Warning: --dry-run=false is deprecated (boolean value) and can be replaced with --dry-run=none.\n", false},
		{[]string{"--dry-run"}, action.DryRunClient, "Warning: --dry-run is deprecated and can be replaced with --dry-run=client.\n", false},
		{[]string{"--dry-run=later"}, action.DryRunNone, "", true},
	} {
		cmd := &cobra.Command{}
		AddDryRunFlag(cmd)
		if err := cmd.ParseFlags(tc.args); err != nil {
			t.Fatal(err)
		}
		var warn strings.Builder
		got, err := DryRunOf(cmd, &warn)
		if got != tc.want || warn.String() != tc.warning || (err != nil) != tc.fails {
			t.Errorf("%v: %v %q %v", tc.args, got, warn.String(), err)
		}
	}
	if got := Operation("rolled back", action.DryRunServer); got != "rolled back (server dry run)" {
		t.Errorf("server: %q", got)
	}
	if got := Operation("rolled back", action.DryRunClient); got != "rolled back (dry run)" {
		t.Errorf("client: %q", got)
	}
	if got := Operation("rolled back", action.DryRunNone); got != "rolled back" {
		t.Errorf("none: %q", got)
	}
}

// Text from the cluster keeps its data but cannot act on a terminal, in
// every format.
func TestPrintEscapedKeepsTheDataInert(t *testing.T) {
	obj := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{Kind: "ConfigMap", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{Name: "evil\x1b[2J"}, Data: map[string]string{"k": "\u202eright-to-left\x1b]0;title\a"}}
	for _, format := range []string{"json", "yaml", "name"} {
		flags := genericclioptions.NewPrintFlags("printed").WithTypeSetter(nil)
		flags.OutputFormat = &format
		p, err := flags.ToPrinter()
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := PrintEscaped(&out, p, format, obj); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if s := out.String(); strings.ContainsAny(s, "\x1b\a\u202e") || !strings.Contains(s, "evil") {
			t.Errorf("%s: %q", format, s)
		}
	}
}
