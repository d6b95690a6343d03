// Package pullsecret finds out what a pod pulls its images with: whether
// its pull Secrets exist, which ones its ServiceAccount lists, and, when
// the user asks (--registry-auth=pull-secrets), whether each opens the
// image at the registry. Secret data is read without ever being logged
// (Reader), lives only for the one request, and is never printed.
package pullsecret

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// Credentials reads pull credentials: ServiceAccounts through Kube,
// Secrets through Secrets (nil: none are read, and nothing is known).
type Credentials struct {
	Kube    kubernetes.Interface
	Secrets *Reader
}

// Exists asks for a Secret's metadata only: a hint needs to know that
// it exists, never what it holds. Forbidden or failed means unknown.
func (c *Credentials) Exists(ctx context.Context, namespace, name string) (exists, known bool) {
	if c.Secrets == nil {
		return false, false
	}
	_, err := c.Secrets.Get(ctx, namespace, name, true)
	switch {
	case err == nil:
		return true, true
	case apierrors.IsNotFound(err):
		return false, true
	}
	return false, false
}

// ServiceAccountPullSecrets reads the pull Secrets a ServiceAccount lists
// (names only: a ServiceAccount holds no credentials). Forbidden or failed
// means unknown.
func (c *Credentials) ServiceAccountPullSecrets(ctx context.Context, namespace, name string) ([]string, bool) {
	sa, err := c.Kube.CoreV1().ServiceAccounts(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, false
	}
	out := make([]string, 0, len(sa.ImagePullSecrets))
	for _, s := range sa.ImagePullSecrets {
		// Names are the cluster's text: data, never control sequences.
		out = append(out, sanitize.Text(s.Name))
	}
	return out, true
}

// Try reads a pull Secret and asks the registry whether it opens
// an image. The Secret's data lives only for that request; a Secret that
// cannot be read (forbidden, gone) gives no verdict.
func (c *Credentials) Try(reg *registry.Client) func(ctx context.Context, namespace, name, image string) (verdict string, known bool) {
	return func(ctx context.Context, namespace, name, image string) (string, bool) {
		secret, err := c.Secrets.Get(ctx, namespace, name, false)
		if err != nil {
			return "", false
		}
		verdict, err := reg.TryPullSecret(ctx, secret, image)
		if err != nil {
			return "", false
		}
		return string(verdict), true
	}
}
