package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// userKubeconfig writes a kubeconfig for the test cluster whose one user is
// auth, as a user of EKS, GKE, AKS or an OIDC login would have it.
func userKubeconfig(t *testing.T, ns string, auth *clientcmdapi.AuthInfo) string {
	t.Helper()
	admin, err := clientcmd.LoadFromFile(cluster.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["test"] = admin.Clusters[admin.Contexts[admin.CurrentContext].Cluster]
	cfg.AuthInfos["someone"] = auth
	cfg.Contexts["someone"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "someone", Namespace: ns}
	cfg.CurrentContext = "someone"
	path := filepath.Join(t.TempDir(), "someone.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// viewerToken is a short-lived token of the read-only ServiceAccount that
// readOnlyKubeconfig sets up in ns.
func viewerToken(t *testing.T, ns string) string {
	t.Helper()
	tok := env.Kubectl(context.Background(), "create", "token", "viewer", "-n", ns, "--duration=10m")
	if tok.Code != 0 {
		t.Fatalf("create token: %s", tok.Stderr)
	}
	return strings.TrimSpace(tok.Stdout)
}

// execPlugin writes a credential plugin that prints token as an
// ExecCredential expiring after lifetime, and counts its calls in the
// file it returns. With otp, it first asks for a one-time code on the
// terminal and refuses anything but 424242, as an MFA login would.
func execPlugin(t *testing.T, token string, lifetime time.Duration, otp bool) (script, calls string) {
	t.Helper()
	dir := t.TempDir()
	calls = filepath.Join(dir, "calls")
	ask := ""
	if otp {
		ask = `printf 'one-time code: ' >&2
read -r code
[ "$code" = 424242 ] || { echo "wrong code" >&2; exit 1; }
`
	}
	body := fmt.Sprintf(`#!/bin/sh
echo call >> %q
%sexp=$(date -u -d "@$(( $(date +%%s) + %d ))" +%%Y-%%m-%%dT%%H:%%M:%%SZ)
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%%s","expirationTimestamp":"%%s"}}\n' %q "$exp"
`, calls, ask, int(lifetime.Seconds()), token)
	script = filepath.Join(dir, "credential-plugin")
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, calls
}

func callsOf(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "call")
}

// viewsAsRBACSays runs what a read-only user may and may not do with the
// kubeconfig kc: history and watch work, undo is refused by RBAC.
func viewsAsRBACSays(t *testing.T, ns, kc string) {
	t.Helper()
	ctx := ctxFor(t, time.Minute)
	h := env.Mannequin(ctx, "history", "deploy/guarded", "--kubeconfig", kc)
	if h.Code != 0 || !strings.Contains(h.Stdout, "2 (current)") {
		t.Fatalf("history: exit %d\n%s%s", h.Code, h.Stdout, h.Stderr)
	}
	w := env.Mannequin(ctx, "watch", "deploy/guarded", "--kubeconfig", kc, "--until-done", "--timeout", "30s")
	if w.Code != 0 || !strings.Contains(w.Stdout, "successfully rolled out") {
		t.Fatalf("watch: exit %d\n%s%s", w.Code, w.Stdout, w.Stderr)
	}
	before := getDeployment(t, ns, "guarded")
	u := env.Mannequin(ctx, "undo", "deploy/guarded", "--kubeconfig", kc, "--yes")
	if u.Code == 0 || !strings.Contains(u.Stderr, "forbidden: you may not patch deployments") {
		t.Fatalf("undo as a read-only user: exit %d, %q", u.Code, u.Stderr)
	}
	// The generation: the controller may still write the last rollout's status.
	if after := getDeployment(t, ns, "guarded"); after.Generation != before.Generation {
		t.Errorf("a forbidden undo changed the deployment")
	}
}

// An exec credential plugin (EKS, GKE, AKS, kubelogin, teleport) gives a
// token that expires after a few seconds: client-go calls the plugin again
// for the requests after that, and the watch goes on.
func TestExecCredentialPlugin(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "guarded", summer, winter)
	readOnlyKubeconfig(t, ns)
	script, calls := execPlugin(t, viewerToken(t, ns), 3*time.Second, false)
	kc := userKubeconfig(t, ns, &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
		APIVersion: "client.authentication.k8s.io/v1", Command: script, InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}})
	viewsAsRBACSays(t, ns, kc)

	// A plain watch that outlives its credential: a stuck pod then makes
	// the watcher list Warning events, a new request, for which client-go
	// calls the plugin again; the events show that the request went through.
	before := callsOf(t, calls)
	ctx := ctxFor(t, 2*time.Minute)
	cmd := env.Command(ctx, "kubectl", "mannequin", "watch", "deploy/guarded", "--kubeconfig", kc, "--plain")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	waitFor := func(what string, timeout time.Duration, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(timeout); !ok(); time.Sleep(200 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s within %s; plugin calls %d; output:\n%s", what, timeout, callsOf(t, calls)-before, out.String())
			}
		}
	}
	waitFor("no first picture", 20*time.Second, func() bool { return strings.Contains(out.String(), "successfully rolled out") })
	time.Sleep(4 * time.Second) // the credential has expired
	setImage(t, ns, "guarded", "registry.example/uniform:nonexistent")
	waitFor("no Warning event read with a renewed credential", 45*time.Second, func() bool {
		return strings.Contains(out.String(), "event ×") && strings.Contains(out.String(), "Failed Pod/guarded-")
	})
	if n := callsOf(t, calls) - before; n < 2 {
		t.Errorf("the plugin was called %d times in a watch that outlived its credential; want it called again", n)
	}
	if strings.Contains(out.String(), "Unauthorized") {
		t.Errorf("a request went out with an expired credential:\n%s", out.String())
	}
}

// A plugin that needs the terminal (interactiveMode: IfAvailable), as an
// MFA prompt does, gets it before the live view takes the screen.
func TestInteractiveExecPluginBeforeTheScreen(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "guarded", summer, winter)
	readOnlyKubeconfig(t, ns)
	script, _ := execPlugin(t, viewerToken(t, ns), 10*time.Minute, true)
	kc := userKubeconfig(t, ns, &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
		APIVersion: "client.authentication.k8s.io/v1", Command: script, InteractiveMode: clientcmdapi.IfAvailableExecInteractiveMode,
	}})
	term, err := env.StartTerminal(ctxFor(t, time.Minute), 100, 30, "mannequin", "watch", "deploy/guarded", "--kubeconfig", kc)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if s, err := term.WaitForScreen(20*time.Second, func(s []string) bool { return contains(s, "one-time code:") }); err != nil {
		t.Fatalf("no prompt from the plugin: %v\n%s", err, shown(s))
	}
	_ = term.Send("424242\r")
	if s, err := term.WaitForScreen(20*time.Second, func(s []string) bool {
		return contains(s, "deployment/guarded") || contains(s, "guarded") && term.AltScreen()
	}); err != nil {
		t.Fatalf("no live view after the code: %v\n%s", err, shown(s))
	}
	_ = term.Send("q")
	if code, _ := term.Wait(10 * time.Second); code != 0 {
		t.Errorf("q: exit %d\n%s", code, term.Raw())
	}
}

// An oidc auth-provider entry, as kubectl accepts it: client-go sends its
// id-token (here a ServiceAccount's, which is a JWT) while it has not
// expired, without asking the issuer.
func TestOIDCAuthProvider(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "guarded", summer, winter)
	readOnlyKubeconfig(t, ns)
	kc := userKubeconfig(t, ns, &clientcmdapi.AuthInfo{AuthProvider: &clientcmdapi.AuthProviderConfig{
		Name: "oidc",
		Config: map[string]string{
			"client-id":      "mannequin",
			"idp-issuer-url": "https://issuer.invalid",
			"id-token":       viewerToken(t, ns),
		},
	}})
	viewsAsRBACSays(t, ns, kc)
}

// lockedBuffer is written by a command while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
