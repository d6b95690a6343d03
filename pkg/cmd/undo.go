package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/output"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
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
	Yes        bool
	// Force rolls back even to images the registry no longer holds.
	Force    bool
	Registry string
	// RegistryInsecure is --registry-insecure.
	RegistryInsecure []string
	// images asks the registry; tests replace it.
	images registry.Lookup

	printFlags *genericclioptions.PrintFlags
	dryRun     action.DryRun
	ask        bool
}

// NewCmdUndo returns the `undo` subcommand.
func NewCmdUndo(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	o := &UndoOptions{target: newTarget(configFlags), IOStreams: streams,
		printFlags: genericclioptions.NewPrintFlags("rolled back").WithTypeSetter(scheme.Scheme)}
	cmd := &cobra.Command{
		Use:   "undo (TYPE/NAME | TYPE NAME)",
		Short: "Roll back to a previous revision, like kubectl rollout undo",
		Long: `Roll a workload back to its previous revision, or to --to-revision, with the
rules of 'kubectl rollout undo'. On a terminal it asks first, naming both
revisions; elsewhere it needs --yes. The rollback is sent with preconditions:
if someone changes the pod template after it was read, nothing is changed and
the error says what the workload has become.

--dry-run=client prints the target without asking the server, --dry-run=server
has the server check the change without persisting it, and -o name|json|yaml
prints the workload as kubectl does.

` + exitCodesHelp,
		Example: undoExample,
		// Completes deployment, deploy/NAME and the names after a type.
		ValidArgsFunction: workloadCompletion(configFlags),
		// kubectl's own reading of --dry-run, a bare one included.
		PreRunE: func(cmd *cobra.Command, _ []string) (err error) {
			o.dryRun, err = output.DryRunOf(cmd, o.ErrOut)
			return usageError(err)
		},
		RunE: runOptions(o),
	}
	cmd.Flags().Int64Var(&o.ToRevision, "to-revision", 0, "The revision to roll back to; 0 means the previous one")
	output.AddDryRunFlag(cmd)
	o.printFlags.AddFlags(cmd)
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "Do not ask for confirmation")
	cmd.Flags().BoolVar(&o.Force, "force", false, "Without a terminal, roll back even when the registry no longer holds the target's images")
	addRegistryFlag(cmd, &o.Registry)
	addRegistryInsecureFlag(cmd, &o.RegistryInsecure)
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
	// A bad -o is refused before anything is read.
	if _, err := o.printer("rolled back"); err != nil {
		return usageError(err)
	}
	if err := validRegistry(o.Registry, o.RegistryInsecure); err != nil {
		return err
	}
	if o.Registry == registryOn && o.images == nil {
		o.images = registry.New(registryTimeout).WithInsecure(o.RegistryInsecure).ImageFor
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
		return o.printClientDryRun(plan)
	}
	if err != nil {
		return err
	}
	if skip != "" {
		return o.print(skip, st.Object.(runtime.Object))
	}
	if !o.ask && !o.Yes && o.dryRun == action.DryRunNone {
		return errors.New("cannot ask for confirmation: standard input and standard error must be a terminal; pass --yes to roll back without asking")
	}
	// The registry is asked before the question, so that the question can
	// say what it holds; an unreachable registry never blocks a rollback,
	// an image certainly gone blocks only an unattended one.
	if o.images != nil && o.dryRun == action.DryRunNone {
		plan.CheckImages(ctx, o.client, o.images)
		if err := plan.Preflight.GoneError(plan); err != nil && !o.ask && !o.Force {
			return err
		}

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
	dryRun := action.DryRunNone
	if o.dryRun == action.DryRunServer {
		dryRun = action.DryRunServer
	}
	result, err := action.Undo(ctx, o.client, plan, dryRun)
	if err != nil {
		return err
	}
	// Unattended, nobody read a question: what the registry warned of
	// (an image gone, under --force; a tag pushed again) goes to the log
	// with the undo it concerns.
	if pf := plan.Preflight; !o.ask && pf != nil && len(pf.Gone)+len(pf.Repushed) > 0 {
		fmt.Fprintf(o.ErrOut, "registry: %s\n", pf.Say())
	}
	return o.print(result, plan.Applied)
}

// printClientDryRun shows what the undo would do without asking the
// server: the target and its template, or with -o the workload as the
// undo would leave it.
func (o *UndoOptions) printClientDryRun(plan *action.Plan) error {
	if o.printFlags.OutputFormat != nil && *o.printFlags.OutputFormat != "" {
		preview, err := plan.Preview()
		if err != nil {
			return err
		}
		return o.print("rolled back", preview)
	}
	tpl, err := history.TemplateYAML(plan.Target.Template)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "%s will roll back to %s (dry run)\n%s", workload.ObjectName(o.kind, o.name), plan.Target.Label(), tpl)
	return nil
}

// printer is kubectl's for -o, saying operation ("rolled back") by default.
func (o *UndoOptions) printer(operation string) (printers.ResourcePrinter, error) {
	o.printFlags.NamePrintFlags.Operation = output.Operation(operation, o.dryRun)
	return o.printFlags.ToPrinter()
}

// print shows obj as -o asks, or its name and what was done. The object
// comes from the cluster: its text is escaped for the terminal, the data
// kept, as history -o does.
func (o *UndoOptions) print(operation string, obj runtime.Object) error {
	p, err := o.printer(operation)
	if err != nil {
		return err
	}
	return output.PrintEscaped(o.Out, p, *o.printFlags.OutputFormat, obj)
}
