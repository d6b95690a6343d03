package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
)

const undoExample = `  # Roll back to the previous revision (asks first on a terminal)
  kubectl mannequin undo deploy/clerk-squad

  # Roll back to revision 3 without asking, e.g. in a script
  kubectl mannequin undo deploy/clerk-squad --to-revision 3 --yes

  # See what would change, without changing anything
  kubectl mannequin undo deploy/clerk-squad --dry-run=server`

// UndoOptions rolls a workload back with kubectl's semantics, after a
// confirmation, and never over someone else's newer change.
type UndoOptions struct {
	target
	genericiooptions.IOStreams

	ToRevision int64
	DryRunFlag string
	Yes        bool

	dryRun action.DryRun
	ask    bool
}

// NewCmdUndo returns the `undo` subcommand.
func NewCmdUndo(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	o := &UndoOptions{target: newTarget(configFlags), IOStreams: streams}
	cmd := &cobra.Command{
		Use:     "undo (TYPE/NAME | TYPE NAME)",
		Short:   "Roll back to a previous revision, like kubectl rollout undo",
		Example: undoExample,
		// Completes deployment, deploy/NAME and the names after a type.
		ValidArgsFunction: workloadCompletion(configFlags),
		RunE:              runOptions(o),
	}
	cmd.Flags().Int64Var(&o.ToRevision, "to-revision", 0, "The revision to roll back to; 0 means the previous one")
	cmd.Flags().StringVar(&o.DryRunFlag, "dry-run", "none", `Must be "none", "server", or "client": client prints the target, server asks the API server to check the change without persisting it`)
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "Do not ask for confirmation")
	return cmd
}

// Complete reads the namespace and decides whether to ask.
func (o *UndoOptions) Complete(args []string) error {
	if err := o.completeTarget(args); err != nil {
		return err
	}
	// Ask whenever someone can read the question (on stderr) and answer it
	// (on stdin), wherever stdout goes: `undo … | tee log` still asks.
	// Without a terminal, -y is required (Confirm says so).
	o.ask = !o.Yes && terminal.IsTerminal(o.ErrOut) && isTerminalInput(o.In)
	return nil
}

// Validate checks flags and resolves the workload.
func (o *UndoOptions) Validate() error {
	switch o.DryRunFlag {
	case "none", "":
		o.dryRun = action.DryRunNone
	case "client":
		o.dryRun = action.DryRunClient
	case "server":
		o.dryRun = action.DryRunServer
	default:
		return fmt.Errorf(`invalid dry-run value (%s); must be "none", "server", or "client"`, o.DryRunFlag)
	}
	return o.resolveTarget("undo", false)
}

// Run plans the rollback, asks, and applies it.
func (o *UndoOptions) Run(ctx context.Context) error {
	st, err := o.load(ctx)
	if err != nil {
		return err
	}
	if _, ok := st.Object.GetAnnotations()[corev1.LastAppliedConfigAnnotation]; ok {
		fmt.Fprintf(o.ErrOut, "Warning: resource %s/%s was previously managed with 'kubectl apply'. Rolling back will not update the %s annotation, which may cause unexpected behavior on future 'kubectl apply' operations. Consider using 'kubectl apply' with your previous configuration file instead.\n", o.kind.Resource(), o.name, corev1.LastAppliedConfigAnnotation)
	}
	plan, skip, err := action.PlanFor(st.Kind, st.Object, st.Revisions, o.ToRevision)
	// kubectl prints the target of a client dry run before any refusal.
	if o.dryRun == action.DryRunClient && plan != nil {
		tpl, terr := history.TemplateYAML(plan.Target.Template)
		if terr != nil {
			return terr
		}
		fmt.Fprintf(o.Out, "%s will roll back to %s (dry run)\n%s", objectName(o.kind, o.name), plan.Target.Label(), tpl)
		return nil
	}
	if err != nil {
		return err
	}
	if skip != "" {
		fmt.Fprintf(o.Out, "%s %s\n", objectName(o.kind, o.name), skip)
		return nil
	}
	if !o.ask && !o.Yes && o.dryRun == action.DryRunNone {
		return errors.New("cannot ask for confirmation: standard input and standard error must be a terminal; pass --yes to roll back without asking")
	}
	if o.ask && o.dryRun == action.DryRunNone {
		yes, err := terminal.Confirm(o.In, o.ErrOut, plan.Question())
		if errors.Is(err, terminal.ErrInterrupted) {
			return &ExitError{Code: 130, Err: errors.New("interrupted: nothing was changed")}
		}
		if err != nil {
			return err
		}
		if !yes {
			fmt.Fprintln(o.ErrOut, "Cancelled: nothing was changed.")
			return nil
		}
	}
	result, err := action.Undo(ctx, o.client, plan, o.dryRun)
	if err != nil {
		return err
	}
	suffix := ""
	if o.dryRun == action.DryRunServer {
		suffix = " (server dry run)"
	}
	fmt.Fprintf(o.Out, "%s %s%s\n", objectName(o.kind, o.name), result, suffix)
	return nil
}
