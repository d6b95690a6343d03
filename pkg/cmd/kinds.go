package cmd

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
)

const supportedKinds = "deployment (deploy), statefulset (sts), daemonset (ds)"

var workloadKinds = map[schema.GroupResource]watcher.Kind{
	{Group: "apps", Resource: "deployments"}:  watcher.DeploymentKind,
	{Group: "apps", Resource: "statefulsets"}: watcher.StatefulSetKind,
	{Group: "apps", Resource: "daemonsets"}:   watcher.DaemonSetKind,
}

// workloadKind maps a resolved resource to a kind we can follow.
func workloadKind(gr schema.GroupResource, verb string) (watcher.Kind, error) {
	k, ok := workloadKinds[gr]
	if !ok {
		return 0, fmt.Errorf("%s of %s is not supported; supported kinds: %s", verb, gr.String(), supportedKinds)
	}
	return k, nil
}

// objectName is how kubectl names an object in its output: "deployment.apps/clerk-squad".
func objectName(k watcher.Kind, name string) string {
	return map[watcher.Kind]string{
		watcher.DeploymentKind:  "deployment.apps/",
		watcher.StatefulSetKind: "statefulset.apps/",
		watcher.DaemonSetKind:   "daemonset.apps/",
	}[k] + name
}
