package cmd

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

const historyExample = `  # List the revisions; on a terminal, pick one and press u to roll back to it
  kubectl mannequin history deploy/clerk-squad

  # Show revision 3's pod template
  kubectl mannequin history deploy/clerk-squad --revision 3

  # What changed between revisions 1 and 3 (default: previous against current)
  kubectl mannequin history deploy/clerk-squad --diff 1 3

  # The revisions as JSON
  kubectl mannequin history deploy/clerk-squad -o json`

// diffPrevious is the value of a bare --diff: the previous revision
// against the current one.
const diffPrevious = "previous"

// HistoryOptions lists a workload's revisions and, on a terminal, lets the
// user diff them and roll back to one.
type HistoryOptions struct {
	target
	genericiooptions.IOStreams

	Limit    int
	Revision int64
	// Diff: --diff was given; diffFlag is its value (diffPrevious when bare).
	Diff     bool
	diffFlag string
	Output   string
	Color    string
	// Layers: ask the registry what each revision's images hold.
	Layers   bool
	Registry string
	// RegistryInsecure is --registry-insecure.
	RegistryInsecure []string
	// registry is where --layers and the undo's preflight ask; tests
	// replace it.
	registry       func() *registry.Client
	registryClient *registry.Client

	printFlags *genericclioptions.JSONYamlPrintFlags
	printer    printers.ResourcePrinter

	revisionSet bool
	diffRevs    []int64
	interactive bool
	color       bool
}

// NewCmdHistory returns the `history` subcommand.
func NewCmdHistory(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	return historyCommand(&HistoryOptions{target: newTarget(configFlags), IOStreams: streams, printFlags: genericclioptions.NewJSONYamlPrintFlags(),
		registry: func() *registry.Client { return registry.New(registryTimeout) }})
}

// historyCommand is the `history` command around o.
func historyCommand(o *HistoryOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "history (TYPE/NAME | TYPE NAME) [--diff [A [B]]]",
		Short: "List revisions, diff them, and roll back to one",
		Long: `List a workload's revisions as 'kubectl rollout history' finds them, newest
first, with their images, change-cause, age and pods. On a terminal the list
is interactive: Enter or d shows the diff against the current revision, and u
rolls back to the selected one after a confirmation that names both ends.

--revision N prints a revision's pod template, --diff compares two, and
-o json|yaml prints the revisions in a documented schema.

` + exitCodesHelp,
		Example: historyExample,
		// Completes deployment, deploy/NAME and the names after a type.
		ValidArgsFunction: workloadCompletion(o.configFlags),
		PreRun: func(cmd *cobra.Command, _ []string) {
			o.revisionSet = cmd.Flags().Changed("revision")
			o.Diff = cmd.Flags().Changed("diff")
		},
		RunE: runOptions(o),
	}
	cmd.Flags().IntVar(&o.Limit, "limit", 0, "Show only the newest N revisions")
	cmd.Flags().Int64Var(&o.Revision, "revision", 0, "Print the pod template of this revision")
	cmd.Flags().StringVar(&o.diffFlag, "diff", "", "Print a unified diff of two revisions' pod templates: --diff A B (or A,B) compares A with B, --diff A compares A with the current one, a bare --diff the previous one with the current one")
	// A bare --diff takes no value, so that `--diff 3` and `--diff 2 3`
	// read as a user types them: the numbers follow as arguments.
	cmd.Flags().Lookup("diff").NoOptDefVal = diffPrevious
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "Output format. One of: ("+strings.Join(o.printFlags.AllowedFormats(), ", ")+").")
	cmd.Flags().StringVar(&o.Color, "color", "auto", "Colour output: auto, always or never (NO_COLOR is honoured)")
	addRegistryFlag(cmd, &o.Registry)
	addRegistryInsecureFlag(cmd, &o.RegistryInsecure)
	cmd.Flags().BoolVar(&o.Layers, "layers", false, "Ask the image registry what each revision's images hold: digest, platform, size, and each layer with what made it and whether the revision it replaced has it already (credentials from ~/.docker/config.json)")
	return cmd
}

// Complete separates the workload from the revision numbers of --diff.
// revisionList is what may follow the workload: revision numbers, alone
// or comma-separated (--diff 1 3, --diff 1,3).
var revisionList = regexp.MustCompile(`^[0-9, ]*$`)

func (o *HistoryOptions) Complete(args []string) error {
	n := 1
	if len(args) > 0 && !strings.Contains(args[0], "/") {
		n = 2
	}
	if len(args) < n {
		n = len(args)
	}
	if err := o.completeTarget(args[:n]); err != nil {
		return err
	}
	if o.Diff && o.diffFlag != diffPrevious && o.diffFlag != "" {
		// --diff=A[,B]: the numbers come before any that follow.
		args = append(args[:n:n], append([]string{o.diffFlag}, args[n:]...)...)
	}
	for _, a := range args[n:] {
		switch {
		case o.Diff:
		case !revisionList.MatchString(a):
			// A second workload: a release is watched together, but its
			// history is read one workload at a time.
			return usageError(fmt.Errorf("history reads one workload at a time, and %q is another: run it once for each workload", a))
		default:
			return usageError(fmt.Errorf("unexpected argument %q: revision numbers go with --diff", a))
		}
		for _, part := range strings.Split(a, ",") {
			v, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil || v <= 0 {
				return usageError(fmt.Errorf("invalid revision %q for --diff: use positive revision numbers, e.g. --diff 3, --diff 1 3 or --diff 1,3", part))
			}
			o.diffRevs = append(o.diffRevs, v)
		}
	}
	tty := terminal.IsTerminal(o.Out)
	o.color = colorOn(o.Color, tty)
	o.interactive = tty && isTerminalInput(o.In) && o.Output == "" && !o.Diff && !o.revisionSet && !o.Layers
	return nil
}

// Validate checks flags and resolves the workload.
func (o *HistoryOptions) Validate() error {
	if err := validColor(o.Color); err != nil {
		return err
	}
	if err := validRegistry(o.Registry, o.RegistryInsecure); err != nil {
		return err
	}
	switch {
	case o.revisionSet && o.Revision <= 0:
		return usageError(errors.New("revision must be a positive integer"))
	case o.Layers && o.Registry == registryOff:
		return usageError(errors.New("--layers asks the image registry, which --registry=off forbids: drop one of them"))
	case o.Layers && (o.Diff || o.revisionSet):
		return usageError(errors.New("--layers goes with the list of revisions: drop --diff and --revision"))
	case len(o.diffRevs) > 2:
		return usageError(errors.New("--diff compares two revisions at most: --diff A B, or --diff A for A against the current one"))
	case o.Limit < 0:
		return usageError(fmt.Errorf("invalid --limit %d: use a positive number", o.Limit))
	}
	if o.Output != "" {
		var err error
		if o.printer, err = o.printFlags.ToPrinter(o.Output); err != nil {
			return usageError(fmt.Errorf("unknown output format %q: use -o %s", o.Output, strings.Join(o.printFlags.AllowedFormats(), " or -o ")))
		}
	}
	return o.resolveTarget("history", false)
}

// Run prints or shows the history.
func (o *HistoryOptions) Run(ctx context.Context) error {
	st, err := o.load(ctx)
	if err != nil {
		return err
	}
	for _, w := range st.Warnings {
		fmt.Fprintln(o.ErrOut, "Warning: "+w)
	}
	switch {
	case o.revisionSet:
		r, ok := revision.Find(st.Revisions, o.Revision)
		if !ok {
			return errors.New("unable to find the specified revision")
		}
		if o.printer != nil {
			return o.print(history.Detail(o.namespace, workload.ObjectName(o.kind, o.name), r))
		}
		tpl, err := history.TemplateYAML(r.Template)
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Out, "%s with revision #%d\n%s", workload.ObjectName(o.kind, o.name), r.Number, tpl)
		return nil
	case o.Diff:
		return o.printDiff(st)
	case o.Layers:
		return o.printLayers(ctx, st)
	case o.Output != "":
		return o.printList(st)
	case o.interactive:
		return o.runInteractive(ctx, st)
	}
	return o.printTable(st)
}
