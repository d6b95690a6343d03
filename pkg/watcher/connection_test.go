package watcher

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
)

func TestConnectionHearsAcceptedWatches(t *testing.T) {
	status := http.StatusOK
	server := roundTripper(func(req *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
	})
	var heard []string
	c := &Connection{}
	c.listen(func() {}, func(r string) { heard = append(heard, r) })
	rt := c.Wrap(server)
	for _, url := range []string{
		"https://api/api/v1/namespaces/shop/pods?labelSelector=app%3Dx&watch=true",
		"https://api/api/v1/namespaces/shop/pods?labelSelector=app%3Dx", // a list
		"https://api/apis/apps/v1/namespaces/shop/replicasets?watch=true",
	} {
		if _, err := rt.RoundTrip(httptest.NewRequest(http.MethodGet, url, nil)); err != nil {
			t.Fatal(err)
		}
	}
	status = http.StatusForbidden
	if _, err := rt.RoundTrip(httptest.NewRequest(http.MethodGet, "https://api/api/v1/namespaces/shop/events?watch=true", nil)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(heard, ","); got != "pods,replicasets" {
		t.Errorf("heard of watches %q, want pods,replicasets", got)
	}
}

func TestProblemsClearWhenTheirWatchIsBack(t *testing.T) {
	w := New(fake.NewClientset(), workload.Deployment, "shop", "clerk-squad")
	w.setProblem("pods", errors.New("connection refused"))
	w.setProblem("replicasets", errors.New("connection refused"))
	w.setProblem("events", apierrors.NewForbidden(schema.GroupResource{Resource: "events"}, "", errors.New("no")))

	// Another informer's news says nothing about the pods' watch.
	w.heardFrom("deployments")
	w.watching("replicasets")
	if got := w.Problems(); len(got) != 2 || !strings.Contains(got[0], "cannot see events") || !strings.Contains(got[1], "reconnecting") {
		t.Fatalf("after the replicasets' watch came back: %q", got)
	}
	// An accepted watch does not lift a refusal; delivering something does.
	w.watching("events")
	w.watching("pods")
	if got := w.Problems(); len(got) != 1 || !strings.Contains(got[0], "cannot see events") {
		t.Fatalf("after the pods' watch came back: %q", got)
	}
	w.heardFrom("events")
	if got := w.Problems(); len(got) != 0 {
		t.Errorf("after events arrived: %q", got)
	}
}
