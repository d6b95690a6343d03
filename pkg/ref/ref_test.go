package ref

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// isType knows two spellings of the kinds, as the command knows them all.
func isType(s string) bool {
	return strings.EqualFold(s, "deploy") || strings.EqualFold(s, "statefulsets")
}

func FuzzParse(f *testing.F) {
	for _, seed := range [][2]string{{"deploy/clerk-squad", ""}, {"deploy", "x"}, {"/x", ""}, {"deploy/", ""}, {"a/b/c", "d"}, {"deploy/Clérk", ""}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		args := []string{a}
		if b != "" {
			args = append(args, b)
		}
		typ, name, err := Parse(args, isType)
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

func TestParse(t *testing.T) {
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
		typ, name, err := Parse(tc.args, isType)
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

// Several workloads make a release, as kubectl reads its arguments.
func TestMany(t *testing.T) {
	for args, want := range map[string]bool{
		"deploy/a":               false,
		"deploy a":               false,
		"deploy/a sts/b":         true,
		"deploy a b":             true,
		"deploy/a sts/b ds/c":    true,
		"deployment clerk-squad": false,
	} {
		if got := Many(strings.Fields(args)); got != want {
			t.Errorf("%q: %v, want %v", args, got, want)
		}
	}
}
