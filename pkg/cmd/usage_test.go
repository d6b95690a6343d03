package cmd

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/version"
)

// run executes the command tree as `kubectl mannequin args…` would, with an
// empty kubeconfig so nothing reaches for a cluster.
func run(t *testing.T, args ...string) (stdout string, err error) {
	t.Helper()
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kubeconfig)
	var out, errOut bytes.Buffer
	root := NewCmdMannequin(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	root.SetArgs(args)
	err = root.Execute()
	return out.String(), err
}

func TestArgumentErrorsAreOneLineWithAPointerToHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"foo"}, `unknown command "foo" for "kubectl mannequin"; see 'kubectl mannequin --help'`},
		{[]string{"wtach"}, `unknown command "wtach" for "kubectl mannequin" (did you mean "watch"?); see 'kubectl mannequin --help'`},
		{[]string{"version", "foo"}, `unknown command "foo" for "kubectl mannequin version"; see 'kubectl mannequin version --help'`},
		{[]string{"completion", "tcsh"}, `invalid argument "tcsh" for "kubectl mannequin completion"; see 'kubectl mannequin completion --help'`},
		{[]string{"watch", "--bogus"}, `unknown flag: --bogus; see 'kubectl mannequin watch --help'`},
	} {
		_, err := run(t, tc.args...)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v: got error %v\nwant %s", tc.args, err, tc.want)
		}
	}
}

func TestVersionPrintsJSONAndYAMLWithTheSameKeys(t *testing.T) {
	for _, format := range []string{"json", "yaml"} {
		out, err := run(t, "version", "--client", "-o", format)
		if err != nil {
			t.Fatalf("-o %s: %v", format, err)
		}
		var got map[string]string
		if err := yaml.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("-o %s: %v\n%s", format, err, out)
		}
		// No server here, so no serverVersion.
		keys := slices.Sorted(maps.Keys(got))
		if !slices.Equal(keys, []string{"clientVersion", "goVersion", "platform"}) || got["clientVersion"] != version.Version {
			t.Errorf("-o %s: want clientVersion %s, goVersion and platform:\n%s", format, version.Version, out)
		}
	}
	if _, err := run(t, "version", "-o", "xml"); err == nil || !strings.Contains(err.Error(), "allowed formats are: json") {
		t.Errorf("-o xml: want kubectl's error naming the allowed formats, got %v", err)
	}
}

// A server that cannot be reached is an error (exit 1) after the client
// facts, as with kubectl version, and every command's error names the
// server and the context it tried.
func TestUnreachableServerIsNamedWithItsContext(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := `apiVersion: v1
kind: Config
clusters: [{name: far, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: me, user: {token: x}}]
contexts: [{name: far-away, context: {cluster: far, user: me}}]
current-context: far-away
`
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	want := `error: cannot reach the Kubernetes API server at https://127.0.0.1:1 (connection refused) with context "far-away": check --kubeconfig, --context and that the cluster is running` + "\n"
	for _, args := range [][]string{{"version"}, {"watch", "deploy/x"}, {"watch", "-l", "app=x"}, {"history", "deploy/x"}, {"undo", "deploy/x", "--yes"}} {
		var out, errOut bytes.Buffer
		code := execute(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, append(args, "--kubeconfig", kubeconfig))
		if code != 1 || errOut.String() != want {
			t.Errorf("%v: exit %d, stderr %q\nwant %q", args, code, errOut.String(), want)
		}
		if args[0] == "version" && !strings.Contains(out.String(), "Client Version: ") {
			t.Errorf("version prints the client facts first:\n%s", out.String())
		}
	}
}

func TestCompletionScriptsCompleteTheBinary(t *testing.T) {
	for _, shell := range shells {
		out, err := run(t, "completion", shell)
		if err != nil {
			t.Fatalf("%s: %v", shell, err)
		}
		// Each script asks the binary itself for candidates.
		if !strings.Contains(out, "kubectl-mannequin") || !strings.Contains(out, "__complete") {
			t.Errorf("%s: the script does not complete kubectl-mannequin:\n%.300s", shell, out)
		}
	}
}

func TestFlagsAndArgumentsComplete(t *testing.T) {
	out, err := run(t, "__complete", "watch", "dep")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "deployment\n") {
		t.Errorf("watch dep<TAB>: got %q, want deployment", out)
	}
	out, err = run(t, "__complete", "completion", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "bash\nzsh\nfish\npowershell\n") {
		t.Errorf("completion <TAB>: got %q", out)
	}
	for _, flag := range []string{"--namespace", "--context", "--cluster", "--user"} {
		if _, ok := NewCmdMannequin(genericiooptions.NewTestIOStreamsDiscard()).GetFlagCompletionFunc(flag[2:]); !ok {
			t.Errorf("%s has no completion", flag)
		}
	}
}

// --registry, --registry-auth and --registry-insecure are checked before
// anything is read, in every command that has them.
func TestRegistryFlagsAreChecked(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"watch", "deploy/x", "--registry=maybe"}, `error: invalid --registry "maybe": use on or off`},
		{[]string{"history", "deploy/x", "--registry=maybe"}, `error: invalid --registry "maybe": use on or off`},
		{[]string{"undo", "deploy/x", "--yes", "--registry=maybe"}, `error: invalid --registry "maybe": use on or off`},
		{[]string{"watch", "deploy/x", "--registry-auth=everything"}, `error: invalid --registry-auth "everything": use none or pull-secrets`},
		{[]string{"watch", "deploy/x", "--registry-auth=pull-secrets", "--registry=off"}, "error: --registry-auth=pull-secrets asks the registry, which --registry=off forbids: drop one of them"},
		{[]string{"history", "deploy/x", "--layers", "--registry=off"}, "error: --layers asks the image registry, which --registry=off forbids: drop one of them"},
		{[]string{"watch", "deploy/x", "--registry-insecure=http://registry.lan:5000"}, `error: invalid --registry-insecure "http://registry.lan:5000": name a registry as HOST or HOST:PORT, as images name it (e.g. registry.lan:5000)`},
		{[]string{"history", "deploy/x", "--registry-insecure=registry.lan", "--registry-insecure=registry.lan/team"}, `error: invalid --registry-insecure "registry.lan/team": name a registry as HOST or HOST:PORT, as images name it (e.g. registry.lan:5000)`},
		{[]string{"undo", "deploy/x", "--yes", "--registry-insecure=registry lan"}, `error: invalid --registry-insecure "registry lan": name a registry as HOST or HOST:PORT, as images name it (e.g. registry.lan:5000)`},
	} {
		var out, errOut bytes.Buffer
		code := execute(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, c.args)
		if code != 2 || strings.TrimSpace(errOut.String()) != c.want {
			t.Errorf("%v: exit %d, %q, want 2 and %q", c.args, code, errOut.String(), c.want)
		}
	}
}
