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

// builtinSpellings are what kubectl accepts for the kinds we follow, resolved
// without the RESTMapper.
var builtinSpellings = func() map[string]schema.GroupResource {
	m := map[string]schema.GroupResource{}
	for gr, short := range map[schema.GroupResource]string{
		{Group: "apps", Resource: "deployments"}:  "deploy",
		{Group: "apps", Resource: "statefulsets"}: "sts",
		{Group: "apps", Resource: "daemonsets"}:   "ds",
	} {
		singular := gr.Resource[:len(gr.Resource)-1]
		for _, s := range []string{short, singular, gr.Resource} {
			m[s], m[s+".apps"] = gr, gr
		}
		m[gr.Resource+".v1.apps"], m[singular+".v1.apps"] = gr, gr
	}
	return m
}()

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
	return lower(k) + ".apps/" + name
}
