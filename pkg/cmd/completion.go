package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/complete"
)

// shells are the shells `completion` writes scripts for.
var shells = []string{"bash", "zsh", "fish", "powershell"}

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
// It does so without k8s.io/kubectl's completion helpers: they link in most
// of kubectl (twice the binary, 15 MB more resident, 13 ms more start-up).
func addCompletion(root *cobra.Command, configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) {
	kubeconfig := func(names func(raw clientcmdapi.Config) []string) cobra.CompletionFunc {
		return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			raw, err := configFlags.ToRawKubeConfigLoader().RawConfig()
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return complete.WithPrefix(names(raw), toComplete), cobra.ShellCompDirectiveNoFileComp
		}
	}
	flags := map[string]cobra.CompletionFunc{
		"namespace": func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return complete.WithPrefix(clusterNames(configFlags, "namespace"), toComplete), cobra.ShellCompDirectiveNoFileComp
		},
		"context": kubeconfig(func(c clientcmdapi.Config) []string { return complete.Keys(c.Contexts) }),
		"cluster": kubeconfig(func(c clientcmdapi.Config) []string { return complete.Keys(c.Clusters) }),
		"user":    kubeconfig(func(c clientcmdapi.Config) []string { return complete.Keys(c.AuthInfos) }),
	}
	for name, fn := range flags {
		// Only fails for a flag that does not exist: a programming error.
		cobra.CheckErr(root.RegisterFlagCompletionFunc(name, fn))
	}
	root.AddCommand(NewCmdCompletion(streams))
}

// workloadCompletion completes a workload argument with the names in the
// cluster the flags choose.
func workloadCompletion(configFlags *genericclioptions.ConfigFlags) cobra.CompletionFunc {
	return complete.Workloads(func(typ string) []string { return clusterNames(configFlags, typ) })
}

// clusterNames lists the names of namespaces or of a workload type in the
// chosen namespace; nothing when the cluster cannot say.
func clusterNames(configFlags *genericclioptions.ConfigFlags, typ string) []string {
	cs, err := newClients(configFlags, true)
	if err != nil {
		return nil
	}
	ns, _, err := configFlags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil
	}
	return complete.Names(cs.kube, ns, typ)
}
