package cmd

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// target is what watch, history and undo share: kubectl's flags, the
// client factory, and the one workload they act on, resolved one way.
type target struct {
	configFlags *genericclioptions.ConfigFlags
	newClient   clientFactory

	args      []string // the workload as typed: TYPE/NAME or TYPE NAME
	namespace string
	name      string
	kind      workload.Kind
	clients   *clients
	client    kubernetes.Interface // clients.kube
}

func newTarget(configFlags *genericclioptions.ConfigFlags) target {
	return target{configFlags: configFlags, newClient: newClients}
}

// completeTarget keeps the arguments that name the workload and reads the
// namespace (-n, or the kubeconfig context's).
func (t *target) completeTarget(args []string) error {
	t.args = args
	ns, err := namespaceOf(t.configFlags)
	if err != nil {
		return err
	}
	t.namespace = ns
	return nil
}

// resolveTarget resolves the workload (what names the command in errors:
// "undo") and builds the clients; quiet drops the API server's warnings.
func (t *target) resolveTarget(what string, quiet bool) error {
	gr, name, err := resolveWorkload(t.configFlags, t.args)
	if err != nil {
		return err
	}
	if t.kind, err = workloadKind(gr, what); err != nil {
		return err
	}
	t.name = name
	if t.clients, err = t.newClient(t.configFlags, quiet); err != nil {
		return err
	}
	t.client = t.clients.kube
	return nil
}

// load reads the workload and its revisions.
func (t *target) load(ctx context.Context) (*history.State, error) {
	return loadWorkload(ctx, t.client, t.kind, t.namespace, t.name)
}

// options is a subcommand's Options, as in kubectl's commands.
type options interface {
	Complete(args []string) error
	Validate() error
	Run(ctx context.Context) error
}

// runOptions is the RunE of every subcommand: Complete, Validate, Run.
func runOptions(o options) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		return runAll(ctx, o, args)
	}
}

// runAll completes, validates and runs o on a command line's arguments.
func runAll(ctx context.Context, o options, args []string) error {
	if err := o.Complete(args); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	return o.Run(ctx)
}
