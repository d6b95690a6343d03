package cmd

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"
)

// hostileVersion is what a proxy in front of the API server (or an endpoint
// that only pretends to be one) may answer for /version: an OSC 52 sequence
// that would write the clipboard, and a right-to-left override.
const hostileVersion = "v1.31.0\x1b]52;c;cm0gLXJmIH4=\x07\u202e1.0.13v\u200b"

// runVersion runs `version` (with args) against a server answering /version
// with gitVersion.
func runVersion(t *testing.T, gitVersion string, args ...string) string {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/version" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"gitVersion": gitVersion, "major": "1", "minor": "31"})
	}))
	t.Cleanup(server.Close)
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: '" + server.URL + "'}}]\n" +
		"users: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n"
	if err := os.WriteFile(kc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	f := genericclioptions.NewConfigFlags(false)
	f.KubeConfig = &kc
	streams, _, out, _ := genericiooptions.NewTestIOStreams()
	cmd := NewCmdVersion(f, streams)
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("version %v: %v", args, err)
	}
	return out.String()
}

// A server's version is text from the network: on the terminal it shows as
// inert escapes, never as the control it spells.
func TestVersionPrintsTheServersVersionAsInertText(t *testing.T) {
	out := runVersion(t, hostileVersion)
	want := `Server Version: v1.31.0\x1b]52;c;cm0gLXJmIH4=\x07\u202e1.0.13v\u200b` + "\n"
	if !strings.HasSuffix(out, want) {
		t.Errorf("version printed\n%q\nwant it to end in\n%q", out, want)
	}
	for _, r := range "\x1b\x07\u202e\u200b" {
		if strings.ContainsRune(out, r) {
			t.Errorf("version printed %U raw:\n%q", r, out)
		}
	}
}

// -o json and -o yaml keep the server's words exact (a script reads what the
// server said) but written as escapes that a terminal does not act on.
func TestVersionDataKeepsTheServersVersionExactAndInert(t *testing.T) {
	for _, format := range []string{"json", "yaml"} {
		out := runVersion(t, hostileVersion, "-o", format)
		for _, r := range "\x1b\x07\u202e\u200b" {
			if strings.ContainsRune(out, r) {
				t.Errorf("-o %s printed %U raw:\n%q", format, r, out)
			}
		}
		var got versionInfo
		if err := yaml.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("-o %s: %v\n%s", format, err, out)
		}
		if got.ServerVersion != hostileVersion {
			t.Errorf("-o %s reads back as serverVersion %q, want %q", format, got.ServerVersion, hostileVersion)
		}
	}
}
