package cmd

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
)

func FuzzParseWorkloadArgs(f *testing.F) {
	for _, seed := range [][2]string{{"deploy/clerk-squad", ""}, {"deploy", "x"}, {"/x", ""}, {"deploy/", ""}, {"a/b/c", "d"}, {"deploy/Clérk", ""}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		args := []string{a}
		if b != "" {
			args = append(args, b)
		}
		typ, name, err := parseWorkloadArgs(args)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			return
		}
		if typ == "" || len(validation.IsDNS1123Subdomain(name)) > 0 {
			t.Errorf("accepted %q as type %q name %q", args, typ, name)
		}
	})
}

func TestParseWorkloadArgs(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		typ, name string
		err       string
	}{
		{[]string{"deploy/clerk-squad"}, "deploy", "clerk-squad", ""},
		{[]string{"deployments.apps", "clerk-squad"}, "deployments.apps", "clerk-squad", ""},
		{nil, "", "", "name the workload"},
		{[]string{"deploy/a", "deploy/b"}, "", "", "too many arguments"},
		{[]string{"clerk-squad"}, "", "", "has no type"},
		{[]string{"deploy"}, "", "", "name the deploy: write deploy/NAME or deploy NAME"},
		{[]string{"StatefulSets"}, "", "", "name the StatefulSets: write StatefulSets/NAME"},
		{[]string{"deploy/"}, "", "", "not a workload reference"},
		{[]string{"deploy/Clerk"}, "", "", "invalid name"},
	} {
		typ, name, err := parseWorkloadArgs(tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || typ != tc.typ || name != tc.name {
			t.Errorf("%q: got %q %q %v", tc.args, typ, name, err)
		}
	}
}

// `watch deploy` asks for a name, offering those of the namespace's
// Deployments when the cluster answers.
func TestArgumentErrorsHelp(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	if _, err := runWatchArgs(t, c, "deploy"); err == nil || err.Error() != "name the deploy: write deploy/NAME or deploy NAME" {
		t.Errorf("watch deploy: %v", err)
	}
	e := &missingName{typ: "deploy", names: []string{"a", "b", "c", "d", "e", "f"}}
	if e.Error() != "name the deploy: write deploy/NAME or deploy NAME (here: a, b, c, d, e, …)" {
		t.Errorf("names: %v", e)
	}
}
