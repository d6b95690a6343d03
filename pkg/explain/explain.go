// Package explain turns what the API server (or the way to it) answered
// into the one line a user reads: what went wrong and what to do about it.
package explain

import (
	"context"
	"errors"
	"fmt"
	"net"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/kubernetes"
)

// GetIn is Get that also tells a missing namespace from a missing
// workload, when the namespace may be read.
func GetIn(ctx context.Context, c kubernetes.Interface, err error, kind, name, namespace string) error {
	if apierrors.IsNotFound(err) {
		if _, nerr := c.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{}); apierrors.IsNotFound(nerr) {
			return fmt.Errorf("namespace %q not found: check -n/--namespace or the kubeconfig's context", namespace)
		}
	}
	return Get(err, kind, name, namespace)
}

// Get turns a failed read of the workload into one actionable line.
func Get(err error, kind, name, namespace string) error {
	switch {
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%s %q not found in namespace %q: check the name, or pick the namespace with -n", kind, name, namespace)
	case apierrors.IsForbidden(err):
		return fmt.Errorf("forbidden: you may not read %s %q in namespace %q (%s)", kind, name, namespace, apierrors.ReasonForError(err))
	case IsConn(err):
		return Conn(err)
	}
	return err
}

// IsConn tells a failure to reach the API server (refused, timed out, no
// route, a name that does not resolve) from an answer it gave.
func IsConn(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &oe) || utilnet.IsConnectionRefused(err)
}

// Conn is err as an *Unreachable when it is a failure to reach the API
// server, and err otherwise.
func Conn(err error) error {
	if IsConn(err) {
		return &Unreachable{Cause: rootCause(err)}
	}
	return err
}

// Unreachable is a failure to reach the API server. The root command
// fills in the server and the context, which only the flags know.
type Unreachable struct {
	Cause           error
	Server, Context string
}

func (e *Unreachable) Error() string {
	where := ""
	if e.Server != "" {
		where = " at " + e.Server
	}
	ctx := ""
	if e.Context != "" {
		ctx = fmt.Sprintf(" with context %q", e.Context)
	}
	return fmt.Sprintf("cannot reach the Kubernetes API server%s (%v)%s: check --kubeconfig, --context and that the cluster is running", where, e.Cause, ctx)
}

// rootCause is the innermost error err wraps: "connection refused", not
// the URL and verb around it.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
