package cmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

const (
	registryOn  = "on"
	registryOff = "off"

	registryAuthNone        = "none"
	registryAuthPullSecrets = "pull-secrets"
)

// registryTimeout bounds each registry lookup: a registry that hangs must
// hang neither the view nor the history.
const registryTimeout = 10 * time.Second

// addRegistryFlag adds --registry: air-gapped clusters, and users who do
// not want a registry contacted, turn every lookup off.
func addRegistryFlag(cmd *cobra.Command, v *string) {
	cmd.Flags().StringVar(v, "registry", registryOn, "Ask image registries about images (credentials from ~/.docker/config.json and its helpers, else anonymous): on or off")
}

// validRegistry checks --registry. Options built without flags (tests)
// leave it empty, which asks no registry.
func validRegistry(v string) error {
	if v == registryOn || v == registryOff || v == "" {
		return nil
	}
	return usageError(fmt.Errorf("invalid --registry %q: use on or off", v))
}
