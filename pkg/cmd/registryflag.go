package cmd

import (
	"fmt"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
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

// addRegistryInsecureFlag adds --registry-insecure: the registries that
// may be asked over plain HTTP, credentials included. Any other registry is
// asked over HTTPS only (loopback aside), whatever its address looks like.
func addRegistryInsecureFlag(cmd *cobra.Command, v *[]string) {
	cmd.Flags().StringSliceVar(v, "registry-insecure", nil, "Let this registry (HOST or HOST:PORT, as images name it; repeatable) be asked over plain HTTP, credentials included; others are asked over HTTPS only, but loopback")
}

// validRegistry checks --registry and --registry-insecure. Options built
// without flags (tests) leave --registry empty, which asks no registry.
func validRegistry(v string, insecure []string) error {
	for _, h := range insecure {
		if _, err := name.NewRegistry(h, name.StrictValidation); err != nil {
			return usageError(fmt.Errorf("invalid --registry-insecure %q: name a registry as HOST or HOST:PORT, as images name it (e.g. registry.lan:5000)", h))
		}
	}
	if v == registryOn || v == registryOff || v == "" {
		return nil
	}
	return usageError(fmt.Errorf("invalid --registry %q: use on or off", v))
}
