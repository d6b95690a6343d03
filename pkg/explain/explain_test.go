package explain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
)

func TestGet(t *testing.T) {
	deploys := schema.GroupResource{Group: "apps", Resource: "deployments"}
	refused := &url.Error{Op: "Get", URL: "https://10.0.0.1:6443/apis", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{apierrors.NewNotFound(deploys, "steer"), `deployment "steer" not found in namespace "shop": check the name, or pick the namespace with -n`},
		{apierrors.NewForbidden(deploys, "steer", errors.New("RBAC")), `forbidden: you may not read deployment "steer" in namespace "shop" (Forbidden)`},
		{refused, "cannot reach the Kubernetes API server (connection refused): check --kubeconfig, --context and that the cluster is running"},
		{errors.New("something else"), "something else"},
	} {
		if got := Get(tc.err, "deployment", "steer", "shop").Error(); got != tc.want {
			t.Errorf("%v:\n got %s\nwant %s", tc.err, got, tc.want)
		}
	}
	u := &Unreachable{Cause: syscall.ECONNREFUSED, Server: "https://10.0.0.1:6443", Context: "prod"}
	if want := `cannot reach the Kubernetes API server at https://10.0.0.1:6443 (connection refused) with context "prod": check --kubeconfig, --context and that the cluster is running`; u.Error() != want {
		t.Errorf("with the flags' server and context:\n got %s\nwant %s", u, want)
	}
	if IsConn(fmt.Errorf("list: %w", errors.New("EOF"))) || !IsConn(fmt.Errorf("list: %w", refused)) {
		t.Errorf("IsConn must tell a refused connection from other errors")
	}
}

// A workload not found in a namespace that does not exist names the
// namespace as the mistake.
func TestGetInTellsAMissingNamespace(t *testing.T) {
	notFound := apierrors.NewNotFound(schema.GroupResource{Group: "apps", Resource: "deployments"}, "steer")
	ctx := context.Background()
	if got := GetIn(ctx, fake.NewClientset(), notFound, "deployment", "steer", "shop").Error(); got != `namespace "shop" not found: check -n/--namespace or the kubeconfig's context` {
		t.Errorf("no namespace: %s", got)
	}
	c := fake.NewClientset(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}})
	if got := GetIn(ctx, c, notFound, "deployment", "steer", "shop").Error(); got != `deployment "steer" not found in namespace "shop": check the name, or pick the namespace with -n` {
		t.Errorf("the namespace exists: %s", got)
	}
}
