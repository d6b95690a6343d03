// Package version holds the plugin's build identity, set at link time:
//
//	-ldflags "-X github.com/kubectl-mannequin/kubectl-mannequin/pkg/version.Version=v0.1.0"
package version

// Version is the plugin's release version.
var Version = "v0.0.0-dev"
