package cmd

import (
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// whereOf is how the user reached the cluster, as plain data: the
// connection flags as given, for the commands the view's hints print.
// Options built without flags (tests) reach it with none.
func whereOf(f *genericclioptions.ConfigFlags) snapshot.Where {
	if f == nil {
		return snapshot.Where{}
	}
	value := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return snapshot.Where{
		Kubeconfig: value(f.KubeConfig),
		Context:    value(f.Context),
		Cluster:    value(f.ClusterName),
		User:       value(f.AuthInfoName),
	}
}
