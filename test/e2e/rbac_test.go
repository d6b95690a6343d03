package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

// The objects of docs/rbac.yaml, by name.
const (
	viewerRole   = "mannequin-viewer"
	operatorRole = "mannequin-operator"
)

// documentedRBAC decodes docs/rbac.yaml, the RBAC the README tells users to
// apply: the tests' restricted users get exactly these objects, so the file
// cannot drift from what the plugin needs without a test failing.
func documentedRBAC(t *testing.T) map[string]*rbacv1.Role {
	t.Helper()
	root, err := framework.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "docs", "rbac.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]*rbacv1.Role{}
	docs := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		js, err := yaml.YAMLToJSON(doc)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if s := strings.TrimSpace(string(js)); s == "null" || s == "" {
			continue // the header comment
		}
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(js, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		switch o := obj.(type) {
		case *rbacv1.Role:
			if o.Namespace != "" {
				t.Fatalf("%s: Role %s names namespace %s; users apply it with -n", file, o.Name, o.Namespace)
			}
			roles[o.Name] = o
		default:
			t.Fatalf("%s: unexpected %T", file, obj)
		}
	}
	if roles[viewerRole] == nil || roles[operatorRole] == nil {
		t.Fatalf("%s lacks the Role %s or %s", file, viewerRole, operatorRole)
	}
	return roles
}

// restrictedKubeconfig writes a kubeconfig for a new ServiceAccount user in
// ns that holds only the documented Roles named, each bound in ns.
func restrictedKubeconfig(t *testing.T, ns, user string, roleNames ...string) string {
	t.Helper()
	documented := documentedRBAC(t)
	var roles []*rbacv1.Role
	for _, name := range roleNames {
		role := documented[name]
		if role == nil {
			t.Fatalf("docs/rbac.yaml has no Role %s", name)
		}
		roles = append(roles, role)
	}
	return restrictedKubeconfigWith(t, ns, user, roles...)
}

// restrictedKubeconfigWith writes a kubeconfig for a new ServiceAccount
// user in ns that holds only roles, each bound in ns.
func restrictedKubeconfigWith(t *testing.T, ns, user string, roles ...*rbacv1.Role) string {
	t.Helper()
	ctx := context.Background()
	c := cluster.Client
	if _, err := c.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: user}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, role := range roles {
		name := role.Name
		if _, err := c.RbacV1().Roles(ns).Create(ctx, role.DeepCopy(), metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
		rb := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: user + "-" + name},
			Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: user, Namespace: ns}},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: name},
		}
		if _, err := c.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tok := env.Kubectl(ctx, "create", "token", user, "-n", ns, "--duration=1h")
	if tok.Code != 0 {
		t.Fatalf("create token: %s", tok.Stderr)
	}
	admin, err := clientcmd.LoadFromFile(cluster.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cur := admin.Contexts[admin.CurrentContext]
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["test"] = admin.Clusters[cur.Cluster]
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: strings.TrimSpace(tok.Stdout)}
	cfg.Contexts[user] = &clientcmdapi.Context{Cluster: "test", AuthInfo: user, Namespace: ns}
	cfg.CurrentContext = user
	path := filepath.Join(t.TempDir(), user+".kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// readOnlyKubeconfig writes a kubeconfig for a user with only the
// documented read-only Role in ns.
func readOnlyKubeconfig(t *testing.T, ns string) string {
	t.Helper()
	return restrictedKubeconfig(t, ns, "viewer", viewerRole)
}

// A user with only the documented Roles sees everything the views and the
// diagnosis read: the revisions of every kind, and why a pod is stuck down
// to its pull Secret and Warning events. Anything missing from the viewer
// Role shows here as an error or as a silent gap in the output.
func TestViewerRoleCoversWhatTheViewsRead(t *testing.T) {
	ns := namespace(t)
	createStatefulSet(t, ns, "depot", 2, 0, summer, "")
	createDaemonSet(t, ns, "patrol", summer, "")
	waitKind(t, ns, "sts/depot")
	waitKind(t, ns, "ds/patrol")
	d := deployment("vip", deployOpts{replicas: 1, image: "private.registry.example/uniform:winter-2024", maxSurge: 1})
	d.Spec.Template.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "regcred"}}
	createDeployment(t, ns, d)
	kc := readOnlyKubeconfig(t, ns)
	ctx := ctxFor(t, 2*time.Minute)

	for _, ref := range []string{"sts/depot", "ds/patrol"} {
		if h := env.Mannequin(ctx, "history", ref, "--kubeconfig", kc); h.Code != 0 || !strings.Contains(h.Stdout, "1 (current)") {
			t.Errorf("history %s as the viewer: exit %d\n%s%s", ref, h.Code, h.Stdout, h.Stderr)
		}
		if w := env.Mannequin(ctx, "watch", ref, "--kubeconfig", kc, "--until-done", "--timeout", "20s"); w.Code != 0 {
			t.Errorf("watch %s as the viewer: exit %d\n%s%s", ref, w.Code, w.Stdout, w.Stderr)
		}
	}

	// Saying that the Secret does not exist needs `get` on secrets; the
	// event line needs events.
	w := env.Mannequin(ctx, "watch", "deploy/vip", "--kubeconfig", kc, "--until-done", "--timeout", "20s")
	// A progress deadline fails it (1); otherwise the timeout ends it (3).
	if w.Code != 1 && w.Code != 3 {
		t.Fatalf("a stuck rollout should end in exit 1 or 3, got %d (%s)", w.Code, w.Stderr)
	}
	requireAll(t, w.Stdout, `imagePullSecrets names Secret "regcred", which does not exist in namespace `+ns, "event ×", "Failed Pod/vip-")
	if strings.Contains(w.Stdout+w.Stderr, "forbidden") {
		t.Errorf("the viewer was refused something:\n%s%s", w.Stdout, w.Stderr)
	}

	// The last words of a crash loop need get on pods/log.
	crashLogs(t, ns, []string{"panic: scanner has no pocket"}, nil)
	createDeployment(t, ns, deployment("pocketless", deployOpts{replicas: 1, image: "registry.example/crash:v1", maxSurge: 1}))
	crash := env.Mannequin(ctx, "watch", "deploy/pocketless", "--kubeconfig", kc, "--until-done", "--fail-after", "5s", "--timeout", "40s")
	requireAll(t, crash.Stdout, "why: rev 1: CrashLoopBackOff", "  | panic: scanner has no pocket")
	if crash.Code != 1 || strings.Contains(crash.Stdout+crash.Stderr, "forbidden") {
		t.Errorf("a crash loop as the viewer: exit %d\n%s%s", crash.Code, crash.Stdout, crash.Stderr)
	}

	// No ClusterRole: in a namespace where the user holds no Role, the
	// answer is a one-line refusal naming that namespace, as the README says.
	missing := ns + "-typo"
	h := env.Mannequin(ctx, "history", "deploy/vip", "-n", missing, "--kubeconfig", kc)
	msg := strings.TrimSpace(h.Stderr)
	if h.Code == 0 || strings.Contains(msg, "\n") || !strings.Contains(msg, "forbidden") || !strings.Contains(msg, `"`+missing+`"`) {
		t.Errorf("history in a namespace without a Role: want one forbidden line naming %s, got exit %d %q", missing, h.Code, msg)
	}
}

// A user with the documented viewer and operator Roles, and nothing else,
// rolls back every kind and pauses, resumes and restarts in the live view.
func TestOperatorRoleRollsBackPausesAndRestarts(t *testing.T) {
	ns := namespace(t)
	withHistory(t, ns, "steer", summer, winter)
	createStatefulSet(t, ns, "depot", 2, 0, summer, "")
	createDaemonSet(t, ns, "patrol", summer, "")
	ctx := ctxFor(t, 4*time.Minute)
	for _, ref := range []string{"sts/depot", "ds/patrol"} {
		waitKind(t, ns, ref)
		if r := env.Kubectl(ctx, "-n", ns, "set", "image", ref, "uniform="+winter); r.Code != 0 {
			t.Fatal(r.Stderr)
		}
		waitKind(t, ns, ref)
	}
	kc := restrictedKubeconfig(t, ns, "operator", viewerRole, operatorRole)

	for _, ref := range []string{"deploy/steer", "sts/depot", "ds/patrol"} {
		u := env.Mannequin(ctx, "undo", ref, "--kubeconfig", kc, "--yes")
		if u.Code != 0 || !strings.Contains(u.Stdout, "rolled back") {
			t.Errorf("undo %s as the operator: exit %d %q %q", ref, u.Code, u.Stdout, u.Stderr)
			continue
		}
		kind, name, _ := strings.Cut(ref, "/")
		var img string
		if kind == "deploy" {
			img = getDeployment(t, ns, name).Spec.Template.Spec.Containers[0].Image
		} else {
			img = templateOf(t, ns, kind, name).Spec.Containers[0].Image
		}
		if img != summer {
			t.Errorf("undo %s: template runs %s, want %s", ref, img, summer)
		}
	}
	waitRolledOut(t, ns, "steer", time.Minute)

	term, err := env.StartTerminal(ctx, 120, 30, "mannequin", "watch", "deploy/steer", "--kubeconfig", kc)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "successfully rolled out") }); err != nil {
		t.Fatalf("no view: %v\n%s", err, shown(s))
	}
	act := func(key, question string, done func(*appsv1.Deployment) bool) {
		t.Helper()
		_ = term.Send(key)
		if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, question) }); err != nil {
			t.Fatalf("%s: no question %q: %v\n%s", key, question, err, shown(s))
		}
		answer(term, "y")
		if err := framework.Eventually(10*time.Second, func() (bool, error) { return done(getDeployment(t, ns, "steer")), nil }); err != nil {
			t.Fatalf("%s y as the operator changed nothing: %v\n%s", key, err, shown(term.Screen()))
		}
	}
	act("p", "Pause the rollout of deployment/steer? [y/N]", func(d *appsv1.Deployment) bool { return d.Spec.Paused })
	act("p", "Resume the rollout of deployment/steer? [y/N]", func(d *appsv1.Deployment) bool { return !d.Spec.Paused })
	act("r", "Restart every pod of deployment/steer? [y/N]", func(d *appsv1.Deployment) bool {
		return d.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] != ""
	})
	if s := shown(term.Screen()); strings.Contains(s, "forbidden") {
		t.Errorf("the operator was refused something:\n%s", s)
	}
	_ = term.Send("q")
	if code, _ := term.Wait(10 * time.Second); code != 0 {
		t.Errorf("q: exit %d", code)
	}
}

// A user whose Role lacks pods/log is told once that the logs may not be
// read, and the view explains the crash loop without them.
func TestLogsForbiddenSaidOnce(t *testing.T) {
	ns := namespace(t)
	crashLogs(t, ns, []string{"panic: scanner has no pocket"}, nil)
	createDeployment(t, ns, deployment("pocketless", deployOpts{replicas: 1, image: "registry.example/crash:v1", maxSurge: 1}))
	viewer := documentedRBAC(t)[viewerRole].DeepCopy()
	viewer.Name = "viewer-without-logs"
	var rules []rbacv1.PolicyRule
	for _, r := range viewer.Rules {
		if !slices.Contains(r.Resources, "pods/log") {
			rules = append(rules, r)
		}
	}
	if len(rules) == len(viewer.Rules) {
		t.Fatalf("docs/rbac.yaml's %s grants no pods/log", viewerRole)
	}
	viewer.Rules = rules
	kc := restrictedKubeconfigWith(t, ns, "nologs", viewer)
	w := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "deploy/pocketless", "--kubeconfig", kc, "--until-done", "--fail-after", "5s", "--timeout", "40s")
	if w.Code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", w.Code, w.Stdout, w.Stderr)
	}
	requireAll(t, w.Stdout, "why: rev 1: CrashLoopBackOff")
	if n := strings.Count(w.Stdout, "cannot read the failing pods' logs in namespace "+ns+": forbidden (needs get on pods/log)"); n != 1 {
		t.Errorf("the refusal said %d times, want once:\n%s", n, w.Stdout)
	}
	if strings.Contains(w.Stdout, "scanner") {
		t.Errorf("a log was quoted without pods/log:\n%s", w.Stdout)
	}
}
