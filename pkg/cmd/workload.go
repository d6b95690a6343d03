package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/explain"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/ref"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
)

// resolveWorkload accepts every spelling kubectl accepts (TYPE/NAME or TYPE
// NAME; deploy, deployment, deployments.apps) and resolves the type through
// the cluster's RESTMapper.
func resolveWorkload(f *genericclioptions.ConfigFlags, args []string) (schema.GroupResource, string, error) {
	typ, name, err := ref.Parse(args, workload.IsSpelling)
	var missing *ref.MissingName
	if errors.As(err, &missing) {
		// The names a completion would offer: what the user probably meant.
		missing.Names = clusterNames(f, missing.Type)
	}
	if err != nil {
		return schema.GroupResource{}, "", usageError(err)
	}
	// The kinds we follow are built in: their spellings need no discovery,
	// whose cache costs two passes over every group's file at each start.
	if gr, ok := workload.ForSpelling(typ); ok {
		return gr, name, nil
	}
	mapper, err := f.ToRESTMapper()
	if err != nil {
		return schema.GroupResource{}, "", explain.Conn(err)
	}
	gvr, err := mapper.ResourceFor(schema.ParseGroupResource(strings.ToLower(typ)).WithVersion(""))
	if err != nil {
		if explain.IsConn(err) {
			return schema.GroupResource{}, "", explain.Conn(err)
		}
		return schema.GroupResource{}, "", usageError(fmt.Errorf("unknown resource type %q: use one of %s, e.g. deploy/NAME", ref.Shorten(typ, 40), workload.Supported))
	}
	return gvr.GroupResource(), name, nil
}

// workloadKind maps a resolved resource to a kind we can follow.
func workloadKind(gr schema.GroupResource, verb string) (workload.Kind, error) {
	k, ok := workload.ForResource(gr)
	if !ok {
		return nil, usageError(fmt.Errorf("%s of %s is not supported; supported kinds: %s", verb, gr.String(), workload.Supported))
	}
	return k, nil
}
