package cmd

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
)

// clientFactory makes the clientset from kubectl's flags. Commands hold
// one, newClient unless a test puts a fake clientset in its place.
type clientFactory func(*genericclioptions.ConfigFlags) (kubernetes.Interface, error)

// newClient builds a clientset from the standard kubectl flags.
func newClient(f *genericclioptions.ConfigFlags) (kubernetes.Interface, error) {
	cfg, err := f.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("read kubeconfig: %w", err)
	}
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
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

// colorOn decides --color: always, never, or auto (a terminal, and no NO_COLOR).
func colorOn(flag string, tty bool) bool {
	return flag == "always" || flag == "auto" && tty && os.Getenv("NO_COLOR") == ""
}

// validColor checks --color.
func validColor(flag string) error {
	switch flag {
	case "auto", "always", "never":
		return nil
	}
	return fmt.Errorf("invalid --color %q: use auto, always or never", flag)
}
