package cmd

import (
	"encoding/json"
	"fmt"
	goruntime "runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/discovery"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/explain"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/output"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/version"
)

// VersionOptions prints the plugin's version and, when reachable, the server's.
type VersionOptions struct {
	configFlags *genericclioptions.ConfigFlags
	genericiooptions.IOStreams

	Output     string
	Client     bool
	serverErr  error // the server could not be asked: exit 1 after the client facts
	printFlags *genericclioptions.JSONYamlPrintFlags
	printer    printers.ResourcePrinter
	info       versionInfo
}

type versionInfo struct {
	ClientVersion string `json:"clientVersion"`
	GoVersion     string `json:"goVersion"`
	Platform      string `json:"platform"`
	ServerVersion string `json:"serverVersion,omitempty"`
}

const versionExample = `  # Print the plugin's version, and the server's when it is reachable
  kubectl mannequin version

  # The same as YAML (or JSON, with -o json), for scripts
  kubectl mannequin version -o yaml`

// NewCmdVersion returns the `version` subcommand.
func NewCmdVersion(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	o := &VersionOptions{configFlags: configFlags, IOStreams: streams, printFlags: genericclioptions.NewJSONYamlPrintFlags()}
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the plugin version (and the server's, when reachable)",
		Example: versionExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run()
		},
	}
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "Output format. One of: ("+strings.Join(o.printFlags.AllowedFormats(), ", ")+").")
	cmd.Flags().BoolVar(&o.Client, "client", false, "If true, shows client version only (no server required).")
	return cmd
}

// Complete gathers the client facts and asks the server for its version.
func (o *VersionOptions) Complete() error {
	o.info = versionInfo{
		ClientVersion: version.Version,
		GoVersion:     goruntime.Version(),
		Platform:      goruntime.GOOS + "/" + goruntime.GOARCH,
	}
	if o.Client {
		return nil
	}
	// As kubectl version: the client facts are printed in any case, and a
	// server that cannot be asked is an error (exit 1) after them.
	cfg, err := o.configFlags.ToRESTConfig()
	if err != nil {
		o.serverErr = fmt.Errorf("read kubeconfig: %w; pass --client for the client version alone", err)
		return nil
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		o.serverErr = fmt.Errorf("create client: %w", err)
		return nil
	}
	sv, err := dc.ServerVersion()
	if err != nil {
		o.serverErr = explain.Conn(err)
		return nil
	}
	o.info.ServerVersion = sv.GitVersion
	return nil
}

// Validate checks the output format.
func (o *VersionOptions) Validate() error {
	if o.Output == "" {
		return nil
	}
	var err error
	o.printer, err = o.printFlags.ToPrinter(o.Output)
	return usageError(err)
}

// Run prints the version.
func (o *VersionOptions) Run() error {
	if o.printer != nil {
		// kubectl's printers take API objects: an Unknown carrying the JSON
		// prints the keys as they are, with no apiVersion or kind added.
		raw, err := json.Marshal(o.info)
		if err != nil {
			return fmt.Errorf("encode the version: %w", err)
		}
		// The server's version is the server's (or a proxy's) words: kept
		// exact, as escapes a terminal does not act on.
		if err := output.PrintEscaped(o.Out, o.printer, o.Output, &runtime.Unknown{Raw: raw, ContentType: runtime.ContentTypeJSON}); err != nil {
			return fmt.Errorf("print the version: %w", err)
		}
		return o.serverErr
	}
	fmt.Fprintf(o.Out, "Client Version: %s\nGo Version: %s\nPlatform: %s\n", o.info.ClientVersion, o.info.GoVersion, o.info.Platform)
	if o.info.ServerVersion != "" {
		// Whatever answers at the kubeconfig's address chose this text.
		fmt.Fprintf(o.Out, "Server Version: %s\n", sanitize.Text(o.info.ServerVersion))
	}
	return o.serverErr
}
