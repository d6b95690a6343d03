package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	utilnet "k8s.io/apimachinery/pkg/util/net"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
)

// resolveWorkload accepts every spelling kubectl accepts (TYPE/NAME or TYPE
// NAME; deploy, deployment, deployments.apps) and resolves the type through
// the cluster's RESTMapper.
func resolveWorkload(f *genericclioptions.ConfigFlags, args []string) (schema.GroupResource, string, error) {
	typ, name, err := parseWorkloadArgs(args)
	var missing *missingName
	if errors.As(err, &missing) {
		// The names a completion would offer: what the user probably meant.
		missing.names = clusterNames(f, missing.typ)
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
		return schema.GroupResource{}, "", usageError(fmt.Errorf("unknown resource type %q: use one of %s, e.g. deploy/NAME", shorten(typ, 40), supportedKinds))
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

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// missingName is a type with no name (`watch deploy`); resolveWorkload adds
// the names it finds in the namespace.
type missingName struct {
	typ   string
	names []string
}

func (e *missingName) Error() string {
	msg := fmt.Sprintf("name the %s: write %s/NAME or %s NAME", e.typ, e.typ, e.typ)
	if len(e.names) > 0 {
		more := ""
		if len(e.names) > 5 {
			e.names, more = e.names[:5], ", …"
		}
		msg += fmt.Sprintf(" (here: %s%s)", strings.Join(e.names, ", "), more)
	}
	return msg
}

// parseWorkloadArgs splits TYPE/NAME or TYPE NAME and checks the name, all
// before anything asks the cluster.
func parseWorkloadArgs(args []string) (typ, name string, err error) {
	switch len(args) {
	case 0:
		return "", "", errors.New("name the workload to watch, e.g. deploy/clerk-squad")
	case 1:
		var ok bool
		if typ, name, ok = strings.Cut(args[0], "/"); !ok {
			if _, isType := builtinSpellings[strings.ToLower(args[0])]; isType {
				return "", "", &missingName{typ: args[0]}
			}
			// The example reuses the argument only when it could be a name:
			// anything else would bring its control characters into the line.
			example := "NAME"
			if len(validation.IsDNS1123Subdomain(args[0])) == 0 {
				example = args[0]
			}
			return "", "", fmt.Errorf("%q has no type: write TYPE/NAME, e.g. deploy/%s", shorten(args[0], 40), example)
		}
	case 2:
		if strings.Contains(args[0], "/") {
			return "", "", fmt.Errorf("too many arguments %q: name one workload, e.g. deploy/clerk-squad", args)
		}
		typ, name = args[0], args[1]
	default:
		return "", "", fmt.Errorf("too many arguments %q: name one workload, e.g. deploy/clerk-squad", args)
	}
	if typ == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("%q is not a workload reference: write TYPE/NAME, e.g. deploy/clerk-squad", strings.Join(args, " "))
	}
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return "", "", fmt.Errorf("invalid name %q: %s", shorten(name, 40), errs[0])
	}
	return typ, name, nil
}
