package complete

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestNamesFromTheCluster(t *testing.T) {
	c := fake.NewClientset(
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "depot"}},
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "clerk-squad", Namespace: "shop"}},
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "elsewhere", Namespace: "depot"}},
		&appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "vault", Namespace: "shop"}},
	)
	for _, tc := range []struct {
		typ  string
		want []string
	}{
		{"ns", []string{"depot", "shop"}},
		{"namespace", []string{"depot", "shop"}},
		{"deploy", []string{"clerk-squad"}},
		{"Deployments.apps", []string{"clerk-squad"}},
		{"sts", []string{"vault"}},
		{"ds", nil},
		{"pods", nil}, // not a kind we follow
	} {
		got := Names(c, "shop", tc.typ)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.typ, got, tc.want)
		}
	}
}

func TestWorkloadsCompletesAsKubectlRollout(t *testing.T) {
	names := func(typ string) []string {
		if typ == "deploy" || typ == "deployment" {
			return []string{"clerk-squad", "cashier"}
		}
		return nil
	}
	complete := Workloads(names)
	for _, tc := range []struct {
		args       []string
		toComplete string
		want       []string
	}{
		{nil, "", []string{"deployment", "statefulset", "daemonset"}},
		{nil, "d", []string{"deployment", "daemonset"}},
		{nil, "deploy/c", []string{"deploy/clerk-squad", "deploy/cashier"}},
		{nil, "deploy/cl", []string{"deploy/clerk-squad"}},
		{[]string{"deployment"}, "ca", []string{"cashier"}},
		{[]string{"deploy/clerk-squad"}, "", nil}, // one workload is all
		{[]string{"deployment", "cashier"}, "", nil},
	} {
		got, directive := complete(&cobra.Command{}, tc.args, tc.toComplete)
		if !slices.Equal(got, tc.want) || directive != cobra.ShellCompDirectiveNoFileComp {
			t.Errorf("%q %q: %q %v, want %q", tc.args, tc.toComplete, got, directive, tc.want)
		}
	}
}

func TestKeysAreSorted(t *testing.T) {
	if got := Keys(map[string]int{"prod": 1, "dev": 2, "kind-e2e": 3}); !slices.Equal(got, []string{"dev", "kind-e2e", "prod"}) {
		t.Errorf("%q", got)
	}
}
