package workload

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Supported lists the kinds for messages: "deployment (deploy), …".
var Supported = func() string {
	var parts []string
	for _, k := range Kinds {
		parts = append(parts, fmt.Sprintf("%s (%s)", Lower(k), k.Short()))
	}
	return strings.Join(parts, ", ")
}()

// Types are the kinds as a workload argument's type is completed: "deployment", ….
var Types = func() []string {
	types := make([]string, len(Kinds))
	for i, k := range Kinds {
		types[i] = Lower(k)
	}
	return types
}()

// ResourceTypes are the kinds as resource types for cli-runtime's
// builder: "deployments.apps", ….
func ResourceTypes() []string {
	types := make([]string, len(Kinds))
	for i, k := range Kinds {
		types[i] = GroupResource(k).String()
	}
	return types
}

// spellings are what kubectl accepts for the kinds we follow: the short
// name, the singular and the plural, each with or without its group (and
// version), resolved without a RESTMapper.
var spellings = func() map[string]schema.GroupResource {
	m := map[string]schema.GroupResource{}
	for _, k := range Kinds {
		gr := GroupResource(k)
		singular, group := Lower(k), "."+gr.Group
		for _, s := range []string{k.Short(), singular, gr.Resource} {
			m[s], m[s+group] = gr, gr
		}
		m[gr.Resource+".v1"+group], m[singular+".v1"+group] = gr, gr
	}
	return m
}()

// ForSpelling resolves a type as the user typed it (deploy, Deployments,
// deployment.v1.apps) when it names one of our kinds.
func ForSpelling(typ string) (schema.GroupResource, bool) {
	gr, ok := spellings[strings.ToLower(typ)]
	return gr, ok
}

// IsSpelling tells whether typ is a spelling of one of our kinds.
func IsSpelling(typ string) bool {
	_, ok := ForSpelling(typ)
	return ok
}
