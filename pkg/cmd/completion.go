package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/util/completion"
)

// shells are the shells `completion` writes scripts for.
var shells = []string{"bash", "zsh", "fish", "powershell"}

// workloadTypes are the resource types that workload arguments complete to.
var workloadTypes = []string{"deployment"}

const completionExample = `  # Complete kubectl-mannequin in the current bash session
  source <(kubectl mannequin completion bash)

  # Complete "kubectl mannequin ..." (kubectl 1.26 or newer): put the
  # kubectl_complete-mannequin script from plugins/completion on your PATH
  install -m 0755 plugins/completion/kubectl_complete-mannequin /usr/local/bin/`

// NewCmdCompletion returns the `completion` subcommand. Its scripts complete
// the kubectl-mannequin binary; `kubectl mannequin` itself is completed by
// kubectl, through the kubectl_complete-mannequin script.
func NewCmdCompletion(streams genericiooptions.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "completion (" + strings.Join(shells, " | ") + ")",
		Short: "Print a shell completion script for kubectl-mannequin",
		Long: `Print a shell completion script for kubectl-mannequin.

kubectl completes "kubectl mannequin ..." itself (kubectl 1.26 or newer) when
the kubectl_complete-mannequin script (in plugins/completion) is on your PATH.`,
		Example:               completionExample,
		ValidArgs:             shells,
		Args:                  cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			// The scripts depend only on the program's name: they ask the
			// program itself (`kubectl-mannequin __complete …`) for candidates.
			bin := &cobra.Command{Use: "kubectl-mannequin"}
			var err error
			switch args[0] {
			case "bash":
				err = bin.GenBashCompletionV2(streams.Out, true)
			case "zsh":
				err = bin.GenZshCompletion(streams.Out)
			case "fish":
				err = bin.GenFishCompletion(streams.Out, true)
			case "powershell":
				err = bin.GenPowerShellCompletionWithDesc(streams.Out)
			}
			if err != nil {
				return fmt.Errorf("write the %s completion script: %w", args[0], err)
			}
			return nil
		},
	}
}

// addCompletion adds the `completion` command and completes kubectl's
// flags that name things in the kubeconfig or the cluster, as kubectl does.
func addCompletion(root *cobra.Command, configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) {
	f := cmdutil.NewFactory(configFlags)
	// kubectl's context, cluster and user completions read the kubeconfig
	// through this factory.
	completion.SetFactoryForCompletion(f)
	flags := map[string]cobra.CompletionFunc{
		"namespace": func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return completion.CompGetResource(f, "namespace", toComplete), cobra.ShellCompDirectiveNoFileComp
		},
		"context": completion.ContextCompletionFunc,
		"cluster": completion.ClusterCompletionFunc,
		"user":    completion.UserCompletionFunc,
	}
	for name, fn := range flags {
		// Only fails for a flag that does not exist: a programming error.
		cobra.CheckErr(root.RegisterFlagCompletionFunc(name, fn))
	}
	root.AddCommand(NewCmdCompletion(streams))
}

// workloadCompletion completes a workload argument as kubectl rollout does:
// a type from workloadTypes, then TYPE/NAME or TYPE NAME with the names of
// that type's workloads in the chosen namespace, read from the cluster.
func workloadCompletion(configFlags *genericclioptions.ConfigFlags) cobra.CompletionFunc {
	return completion.SpecifiedResourceTypeAndNameNoRepeatCompletionFunc(cmdutil.NewFactory(configFlags), workloadTypes)
}
