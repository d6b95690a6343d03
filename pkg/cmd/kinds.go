package cmd

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// supportedKinds lists the kinds for messages: "deployment (deploy), …".
var supportedKinds = func() string {
	var parts []string
	for _, k := range workload.Kinds {
		parts = append(parts, fmt.Sprintf("%s (%s)", workload.Lower(k), k.Short()))
	}
	return strings.Join(parts, ", ")
}()

// builtinSpellings are what kubectl accepts for the kinds we follow, resolved
// without the RESTMapper.
var builtinSpellings = func() map[string]schema.GroupResource {
	m := map[string]schema.GroupResource{}
	for _, k := range workload.Kinds {
		gr := workload.GroupResource(k)
		singular, group := workload.Lower(k), "."+gr.Group
		for _, s := range []string{k.Short(), singular, gr.Resource} {
			m[s], m[s+group] = gr, gr
		}
		m[gr.Resource+".v1"+group], m[singular+".v1"+group] = gr, gr
	}
	return m
}()

// isBuiltinType tells whether typ is a spelling of a kind we follow.
func isBuiltinType(typ string) bool {
	_, ok := builtinSpellings[strings.ToLower(typ)]
	return ok
}

// workloadKind maps a resolved resource to a kind we can follow.
func workloadKind(gr schema.GroupResource, verb string) (workload.Kind, error) {
	k, ok := workload.ForResource(gr)
	if !ok {
		return nil, usageError(fmt.Errorf("%s of %s is not supported; supported kinds: %s", verb, gr.String(), supportedKinds))
	}
	return k, nil
}

// kindTypes are the kinds as resource types for a builder: deployments.apps, ….
func kindTypes() []string {
	types := make([]string, len(workload.Kinds))
	for i, k := range workload.Kinds {
		types[i] = workload.GroupResource(k).String()
	}
	return types
}
