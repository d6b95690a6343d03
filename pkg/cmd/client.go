package cmd

import (
	"fmt"
	"io"

	"golang.org/x/term"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/pullsecret"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"

	// The auth-provider entries kubectl accepts (oidc; azure and gcp say
	// which exec plugin replaced them), as kubectl registers them.
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
	_ "k8s.io/client-go/plugin/pkg/client/auth"
	"k8s.io/client-go/rest"
)

// clients are what a command talks to the cluster with.
type clients struct {
	kube kubernetes.Interface
	// secrets reads Secrets (their existence, and pull Secrets' data with
	// --registry-auth=pull-secrets) without logging their bodies at any
	// -v; nil in tests that do not need it.
	secrets *pullsecret.Reader
	// conn follows the health of the connection; nil in tests.
	conn *watcher.Connection
}

// clientFactory makes the clients from kubectl's flags. Commands hold one,
// newClients unless a test puts fake clientsets in its place. quiet drops
// the API server's warnings, which would scribble over a drawing.
type clientFactory func(f *genericclioptions.ConfigFlags, quiet bool) (*clients, error)

// newClients builds the clients from the standard kubectl flags.
func newClients(f *genericclioptions.ConfigFlags, quiet bool) (*clients, error) {
	cfg, err := f.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("read kubeconfig: %w", err)
	}
	if quiet {
		cfg.WarningHandler = rest.NoWarnings{}
	}
	// client-go's default rate limit (5 a second, bursts of 10) would hold
	// back the opening requests of a release (a list and a watch per
	// resource type) by 200 ms each beyond the tenth; what we send is a
	// handful of lists and long watches, never a stream of writes.
	if cfg.QPS == 0 && cfg.Burst == 0 {
		cfg.QPS, cfg.Burst = 50, 100
	}
	c := &clients{conn: &watcher.Connection{}}
	cfg.Wrap(c.conn.Wrap)
	// The typed client reads protobuf, as kube-controller-manager does:
	// decoding the first lists of a release's pods in JSON took longer
	// than the round trip that brought them.
	typed := rest.CopyConfig(cfg)
	typed.ContentType = "application/vnd.kubernetes.protobuf"
	typed.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	if c.kube, err = kubernetes.NewForConfig(typed); err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	if c.secrets, err = pullsecret.NewReader(cfg); err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	return c, nil
}

// isTerminalInput reports whether keys can be read from in.
func isTerminalInput(in io.Reader) bool {
	f, ok := in.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// namespaceOf is -n, or the kubeconfig context's namespace, or "default".
func namespaceOf(f *genericclioptions.ConfigFlags) (string, error) {
	ns, _, err := f.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return "", fmt.Errorf("read kubeconfig: %w", err)
	}
	return ns, nil
}

// colorOn decides --color (always, never, or auto: a terminal, no NO_COLOR,
// no TERM=dumb) and tells pterm, once, so that nothing it draws disagrees.
func colorOn(flag string, tty bool) bool {
	on := flag == "always" || flag == "auto" && theme.Auto(tty)
	theme.Setup(on)
	return on
}

// validColor checks --color.
func validColor(flag string) error {
	switch flag {
	case "auto", "always", "never":
		return nil
	}
	return usageError(fmt.Errorf("invalid --color %q: use auto, always or never", flag))
}
