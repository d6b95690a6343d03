package framework

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
)

// Env is how commands see the test world: the built plugin first on PATH
// and the test cluster's kubeconfig.
type Env struct {
	PluginDir  string
	Kubeconfig string
	Extra      []string // more KEY=VALUE pairs
}

// Result is a finished command.
type Result struct {
	Stdout, Stderr string
	Code           int
}

func (e Env) environ() []string {
	env := []string{}
	for _, kv := range os.Environ() {
		// Our own settings win; the user's kubeconfig must never be touched.
		if strings.HasPrefix(kv, "PATH=") || strings.HasPrefix(kv, "KUBECONFIG=") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "PATH="+e.PluginDir+":"+os.Getenv("PATH"), "KUBECONFIG="+e.Kubeconfig)
	return append(env, e.Extra...)
}

// Command prepares `name args…` in this environment.
func (e Env) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = e.environ()
	return cmd
}

// Run runs a command to completion and captures its output and exit code.
func (e Env) Run(ctx context.Context, stdin string, name string, args ...string) Result {
	cmd := e.Command(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	case err != nil:
		r.Code, r.Stderr = -1, r.Stderr+err.Error()
	}
	return r
}

// Kubectl runs the real kubectl.
func (e Env) Kubectl(ctx context.Context, args ...string) Result {
	return e.Run(ctx, "", "kubectl", args...)
}

// Mannequin runs `kubectl mannequin args…` through the real kubectl.
func (e Env) Mannequin(ctx context.Context, args ...string) Result {
	return e.Kubectl(ctx, append([]string{"mannequin"}, args...)...)
}
