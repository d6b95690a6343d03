package cmd

import (
	"testing"

	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/ref"
)

// `watch deploy` asks for a name, offering those of the namespace's
// Deployments when the cluster answers.
func TestArgumentErrorsHelp(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	if _, err := runWatchArgs(t, c, "deploy"); err == nil || err.Error() != "name the deploy: write deploy/NAME or deploy NAME" {
		t.Errorf("watch deploy: %v", err)
	}
	e := &ref.MissingName{Type: "deploy", Names: []string{"a", "b", "c", "d", "e", "f"}}
	if e.Error() != "name the deploy: write deploy/NAME or deploy NAME (here: a, b, c, d, e, …)" {
		t.Errorf("names: %v", e)
	}
}
