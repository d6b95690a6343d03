package workload

import (
	"slices"
	"testing"
)

// Every spelling kubectl accepts for our kinds resolves without the
// cluster; others are left to the RESTMapper.
func TestSpellings(t *testing.T) {
	for typ, want := range map[string]string{
		"deploy": "deployments.apps", "Deployment": "deployments.apps", "deployments.apps": "deployments.apps",
		"deployment.v1.apps": "deployments.apps", "sts": "statefulsets.apps", "statefulset.apps": "statefulsets.apps",
		"ds": "daemonsets.apps", "daemonsets.v1.apps": "daemonsets.apps",
	} {
		if gr, ok := ForSpelling(typ); !ok || gr.String() != want {
			t.Errorf("%s: %v %v, want %s", typ, gr, ok, want)
		}
	}
	for _, typ := range []string{"pods", "rs", "deployments.extensions", "rollouts.argoproj.io"} {
		if IsSpelling(typ) {
			t.Errorf("%s is not one of our kinds", typ)
		}
	}
	if got := ResourceTypes(); !slices.Equal(got, []string{"deployments.apps", "statefulsets.apps", "daemonsets.apps"}) {
		t.Errorf("resource types %q", got)
	}
	if Supported != "deployment (deploy), statefulset (sts), daemonset (ds)" {
		t.Errorf("supported %q", Supported)
	}
}
