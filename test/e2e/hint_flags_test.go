package e2e

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// hintsContext is the context the user names with --context: not the
// kubeconfig's current one, and with a space, so that a hint must quote it.
const hintsContext = "e2e hints"

// elsewhereKubeconfig writes a kubeconfig whose current context points at
// a server nobody listens on, and whose context hintsContext is the test
// cluster's, with no namespace of its own: a command reaches the cluster
// only with --kubeconfig, --context and -n.
func elsewhereKubeconfig(t *testing.T) string {
	t.Helper()
	admin, err := clientcmd.LoadFromFile(cluster.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cur := admin.Contexts[admin.CurrentContext]
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["test"] = admin.Clusters[cur.Cluster]
	cfg.AuthInfos["admin"] = admin.AuthInfos[cur.AuthInfo]
	cfg.Clusters["nowhere"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:1"}
	cfg.AuthInfos["nobody"] = &clientcmdapi.AuthInfo{Token: "none"}
	cfg.Contexts[hintsContext] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "admin"}
	cfg.Contexts["elsewhere"] = &clientcmdapi.Context{Cluster: "nowhere", AuthInfo: "nobody"}
	cfg.CurrentContext = "elsewhere"
	path := filepath.Join(t.TempDir(), "two-contexts.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHintCommandsActWhereTheUserIs: a watch given --kubeconfig and
// --context prints hints whose commands carry both (the context quoted,
// as it holds a space) and the namespace, in the log and on a screen of
// 120×40 whole, although the namespace and the kubeconfig's path are
// long; pasted into a shell as printed, they act on the watched cluster.
// Without --context the same command goes to the kubeconfig's current
// context, which is elsewhere.
func TestHintCommandsActWhereTheUserIs(t *testing.T) {
	ns := namespace(t)
	kc := elsewhereKubeconfig(t)
	createDeployment(t, ns, deployment("vip", deployOpts{replicas: 1, image: "private.registry.example/uniform:winter-2024", maxSurge: 1}))
	on := "-n " + ns + " --kubeconfig " + kc + " --context '" + hintsContext + "'"

	// The log's hints, which no screen cuts, carry them too.
	r := env.Mannequin(ctxFor(t, time.Minute), "watch", "deploy/vip", "-n", ns, "--kubeconfig", kc, "--context", hintsContext, "--until-done", "--timeout", "10s")
	if r.Code != 3 {
		t.Errorf("a stuck rollout should time out (3), got %d: %s", r.Code, r.Stderr)
	}
	command := regexp.MustCompile("`(kubectl [^`]*)`")
	logged := 0
	for _, line := range strings.Split(r.Stdout, "\n") {
		if !strings.Contains(line, "why: ") {
			continue
		}
		for _, m := range command.FindAllStringSubmatch(line, -1) {
			logged++
			if !strings.Contains(m[1], on) {
				t.Errorf("the log's command %q lacks %q", m[1], on)
			}
		}
	}
	if logged == 0 {
		t.Errorf("no hint with a command in the log:\n%s", r.Stdout)
	}

	term, err := env.StartTerminal(ctxFor(t, 2*time.Minute), 120, 40, "mannequin", "watch", "deploy/vip", "-n", ns, "--kubeconfig", kc, "--context", hintsContext)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()

	// The ServiceAccount's hint: a pull Secret to create, and the
	// ServiceAccount to patch with it, each a command between backticks.
	create := regexp.MustCompile("`(kubectl create secret docker-registry regcred [^`]*)`")
	patch := regexp.MustCompile("`(kubectl patch serviceaccount default [^`]*)`")
	s, err := term.WaitForScreen(40*time.Second, func(s []string) bool {
		f := flat(s)
		return create.MatchString(f) && patch.MatchString(f)
	})
	if err != nil {
		t.Fatalf("no whole hint with both commands at 120x40: %v\n%s", err, shown(s))
	}
	f := flat(s)
	commands := []string{create.FindStringSubmatch(f)[1], patch.FindStringSubmatch(f)[1]}
	for _, c := range commands {
		t.Logf("hint's command: %s", c)
		if !strings.Contains(c, on) {
			t.Errorf("command %q lacks %q", c, on)
		}
	}
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); code != 0 || err != nil {
		t.Errorf("q: exit %d (%v)", code, err)
	}
	if t.Failed() {
		t.FailNow()
	}

	ctx := ctxFor(t, time.Minute)
	// The control: without --context, the command goes to the current
	// context, where nothing answers.
	without := strings.Replace(commands[0], " --context '"+hintsContext+"'", "", 1)
	if r := env.Run(ctx, "", "sh", "-c", without); r.Code == 0 || !strings.Contains(r.Stderr, "127.0.0.1:1") {
		t.Errorf("%s: exit %d, want it refused by the current context's server:\n%s", without, r.Code, r.Stderr)
	}
	// As printed: the Secret is created, and the ServiceAccount lists it.
	for _, c := range commands {
		if r := env.Run(ctx, "", "sh", "-c", c); r.Code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", c, r.Code, r.Stdout, r.Stderr)
		}
	}
	if _, err := cluster.Client.CoreV1().Secrets(ns).Get(context.Background(), "regcred", metav1.GetOptions{}); err != nil {
		t.Errorf("the pasted create did not make the Secret on the watched cluster: %v", err)
	}
	sa, err := cluster.Client.CoreV1().ServiceAccounts(ns).Get(context.Background(), "default", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range sa.ImagePullSecrets {
		names = append(names, r.Name)
	}
	if !slices.Contains(names, "regcred") {
		t.Errorf("the pasted patch left the ServiceAccount's pull Secrets at %q", names)
	}
}
