package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	utilnet "k8s.io/apimachinery/pkg/util/net"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/ref"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
)

// resolveWorkload accepts every spelling kubectl accepts (TYPE/NAME or TYPE
// NAME; deploy, deployment, deployments.apps) and resolves the type through
// the cluster's RESTMapper.
func resolveWorkload(f *genericclioptions.ConfigFlags, args []string) (schema.GroupResource, string, error) {
	typ, name, err := ref.Parse(args, isBuiltinType)
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
	if gr, ok := builtinSpellings[strings.ToLower(typ)]; ok {
		return gr, name, nil
	}
	mapper, err := f.ToRESTMapper()
	if err != nil {
		return schema.GroupResource{}, "", describeConnError(err)
	}
	gvr, err := mapper.ResourceFor(schema.ParseGroupResource(strings.ToLower(typ)).WithVersion(""))
	if err != nil {
		if isConnError(err) {
			return schema.GroupResource{}, "", describeConnError(err)
		}
		return schema.GroupResource{}, "", usageError(fmt.Errorf("unknown resource type %q: use one of %s, e.g. deploy/NAME", ref.Shorten(typ, 40), supportedKinds))
	}
	return gvr.GroupResource(), name, nil
}

// explainGetError is describeGetError that also tells a missing namespace
// from a missing workload, when the namespace may be read.
func explainGetError(ctx context.Context, c kubernetes.Interface, err error, kind, name, namespace string) error {
	if apierrors.IsNotFound(err) {
		if _, nerr := c.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{}); apierrors.IsNotFound(nerr) {
			return fmt.Errorf("namespace %q not found: check -n/--namespace or the kubeconfig's context", namespace)
		}
	}
	return describeGetError(err, kind, name, namespace)
}

// describeGetError turns a failed read of the workload into one actionable line.
func describeGetError(err error, kind, name, namespace string) error {
	switch {
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%s %q not found in namespace %q: check the name, or pick the namespace with -n", kind, name, namespace)
	case apierrors.IsForbidden(err):
		return fmt.Errorf("forbidden: you may not read %s %q in namespace %q (%s)", kind, name, namespace, apierrors.ReasonForError(err))
	case isConnError(err):
		return describeConnError(err)
	}
	return err
}

func isConnError(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &oe) || utilnet.IsConnectionRefused(err)
}

func describeConnError(err error) error {
	if isConnError(err) {
		return &unreachable{cause: rootCause(err)}
	}
	return err
}

// unreachable is a failure to reach the API server. The root command names
// the server and the context (see at), which only the flags know.
type unreachable struct {
	cause           error
	server, context string
}

func (e *unreachable) Error() string {
	where := ""
	if e.server != "" {
		where = " at " + e.server
	}
	ctx := ""
	if e.context != "" {
		ctx = fmt.Sprintf(" with context %q", e.context)
	}
	return fmt.Sprintf("cannot reach the Kubernetes API server%s (%v)%s: check --kubeconfig, --context and that the cluster is running", where, e.cause, ctx)
}

// at fills in where the flags point: the server's URL and the context used.
func (e *unreachable) at(f *genericclioptions.ConfigFlags) {
	if cfg, err := f.ToRESTConfig(); err == nil {
		e.server = cfg.Host
	}
	if raw, err := f.ToRawKubeConfigLoader().RawConfig(); err == nil {
		e.context = raw.CurrentContext
	}
	if f.Context != nil && *f.Context != "" {
		e.context = *f.Context
	}
}

func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
