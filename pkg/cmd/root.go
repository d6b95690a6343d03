// Package cmd holds the `kubectl mannequin` command tree. Each subcommand is
// an Options struct with Complete, Validate and Run, as in kubectl itself.
package cmd

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/klog/v2"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/explain"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
)

const rootExample = `  # Watch a Deployment's rollout live
  kubectl mannequin watch deploy/clerk-squad -n shop

  # List its revisions, then roll back to the previous one
  kubectl mannequin history deploy/clerk-squad -n shop
  kubectl mannequin undo deploy/clerk-squad -n shop`

// NewCmdMannequin returns the root command with every standard kubectl flag.
func NewCmdMannequin(streams genericiooptions.IOStreams) *cobra.Command {
	root, _ := newRoot(streams)
	return root
}

// newRoot is NewCmdMannequin with the flags every subcommand reads.
func newRoot(streams genericiooptions.IOStreams) (*cobra.Command, *genericclioptions.ConfigFlags) {
	configFlags := genericclioptions.NewConfigFlags(true)
	root := &cobra.Command{
		Use:   "mannequin",
		Short: "See and steer Kubernetes rollouts",
		Long: `kubectl mannequin draws every pod of a workload as a mannequin, grouped by
revision, and redraws the moment the cluster changes.`,
		Example: rootExample,
		Annotations: map[string]string{
			cobra.CommandDisplayNameAnnotation: "kubectl mannequin",
		},
		SilenceUsage:  true,
		SilenceErrors: true,
		// Subcommands do the work; the bare command only helps.
		Run: func(cmd *cobra.Command, _ []string) { _ = cmd.Help() },
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	configFlags.AddFlags(root.PersistentFlags())
	addVerbosityFlag(root.PersistentFlags())
	// client-go logs retries and discovery failures through klog; a user
	// gets one error line from us instead, unless they asked for -v.
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) {
		if f := cmd.Flags().Lookup("v"); f == nil || f.Value.String() == "0" || drawsOnTerminal(cmd, streams.Out) {
			// Even with -v: log lines would scribble over a live drawing.
			klog.LogToStderr(false)
			_ = klogFlags.Set("stderrthreshold", "FATAL")
			klog.SetOutput(io.Discard)
		}
	}

	root.AddCommand(NewCmdVersion(configFlags, streams))
	root.AddCommand(NewCmdWatch(configFlags, streams))
	root.AddCommand(NewCmdHistory(configFlags, streams))
	root.AddCommand(NewCmdUndo(configFlags, streams))
	// kubectl's own `options` command and help templates: the global flags
	// are listed once, by `kubectl mannequin options`, not under every
	// subcommand.
	root.AddCommand(newCmdOptions(streams.Out))
	addCompletion(root, configFlags, streams)
	templates.ActsAsRootCommand(root, []string{"options"})
	kubectlStyleHelp(root)
	root.SetFlagErrorFunc(flagError) // ActsAsRootCommand sets a two-line one
	kubectlStyleArgErrors(root)
	return root, configFlags
}

// newCmdOptions lists the global flags with kubectl's options template, as
// `kubectl options` does. It is not k8s.io/kubectl/pkg/cmd/options: that
// package's init loads kubectl's translations, 25 ms and 4 MB at every
// start of every command.
func newCmdOptions(out io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "options",
		Short:   "Print the list of flags inherited by all commands",
		Example: "  # Print the flags every command takes\n  kubectl mannequin options",
		Run:     func(cmd *cobra.Command, _ []string) { _ = cmd.Usage() },
	}
	// Usage goes to stderr unless told otherwise; this is the output.
	cmd.SetOut(out)
	cmd.SetErr(out)
	templates.UseOptionsTemplates(cmd)
	return cmd
}

// flagError is one line pointing to the command's help, a usage error.
func flagError(c *cobra.Command, err error) error {
	return usageError(fmt.Errorf("%w; see '%s --help'", err, c.CommandPath()))
}

// kubectlStyleHelp fixes the one line of kubectl's help template that names
// the root by its cobra name ("mannequin <command> --help"): a plugin is
// run as "kubectl mannequin".
func kubectlStyleHelp(root *cobra.Command) {
	help := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		out := c.OutOrStdout()
		var buf bytes.Buffer
		c.SetOut(&buf)
		help(c, args)
		c.SetOut(out)
		_, _ = io.WriteString(out, strings.ReplaceAll(buf.String(), `Use "mannequin `, `Use "kubectl mannequin `))
	})
}

// annotationDraws marks a command that draws on the terminal unless told
// --plain.
const annotationDraws = "mannequin.kubectl.io/draws"

// drawsOnTerminal reports whether cmd is about to draw on out, a terminal.
func drawsOnTerminal(cmd *cobra.Command, out io.Writer) bool {
	if cmd.Annotations[annotationDraws] != "true" || !terminal.IsTerminal(out) {
		return false
	}
	plain := cmd.Flags().Lookup("plain")
	return plain == nil || plain.Value.String() != "true"
}

// addVerbosityFlag exposes klog's -v, and only that: its other flags are
// noise to a plugin user.
func addVerbosityFlag(fs *pflag.FlagSet) {
	klogFlags = flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(klogFlags)
	fs.AddGoFlag(klogFlags.Lookup("v"))
}

var klogFlags *flag.FlagSet

// Execute runs the plugin and returns its exit code. Errors are printed as one
// line, never as a stack trace.
func Execute() int {
	// A watch keeps its pods in memory and builds a snapshot per frame, up
	// to 20 a second: collecting sooner keeps the peak near the live heap,
	// for a little CPU (the short commands do not notice). GOGC, when set,
	// still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	serveProfiles()
	watcher.PreferListAndWatch()
	return execute(genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}, os.Args[1:])
}

// execute runs the command line args and returns the exit code.
func execute(streams genericiooptions.IOStreams, args []string) int {
	root, configFlags := newRoot(streams)
	root.SetArgs(args)
	// Nothing is styled until a command decides on colour for its output.
	theme.Setup(false)
	if err := root.Execute(); err != nil {
		var u *explain.Unreachable
		if errors.As(err, &u) {
			at(u, configFlags)
		}
		var ex *ExitError
		if errors.As(err, &ex) {
			if ex.Err != nil {
				fmt.Fprintln(streams.ErrOut, "error: "+oneLine(ex.Err.Error()))
			}
			return ex.Code
		}
		fmt.Fprintln(streams.ErrOut, "error: "+oneLine(err.Error()))
		return 1
	}
	return 0
}

// ExitError carries a specific exit code; a nil Err prints nothing.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// oneLine makes an error fit the one line kubectl users expect; errors
// carry text from the API server, so what remains is sanitized.
func oneLine(s string) string {
	return sanitize.Text(strings.Join(strings.Fields(s), " "))
}

// at fills in where the flags point: the server's URL and the context used.
func at(u *explain.Unreachable, f *genericclioptions.ConfigFlags) {
	if cfg, err := f.ToRESTConfig(); err == nil {
		u.Server = cfg.Host
	}
	if raw, err := f.ToRawKubeConfigLoader().RawConfig(); err == nil {
		u.Context = raw.CurrentContext
	}
	if f.Context != nil && *f.Context != "" {
		u.Context = *f.Context
	}
}
