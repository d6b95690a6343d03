// Package complete offers shell completion candidates as kubectl offers
// them: workload types, then TYPE/NAME or TYPE NAME with names read from
// the cluster, and the names of kubeconfig entries and namespaces.
package complete

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// NameLister lists the names of a type (a workload type as typed, or
// namespace) in the namespace the flags choose; nothing when the cluster
// cannot say.
type NameLister func(typ string) []string

// Workloads completes a workload argument as kubectl rollout does: a type
// from workload.Types, then TYPE/NAME or TYPE NAME with names from names.
func Workloads(names NameLister) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		none := cobra.ShellCompDirectiveNoFileComp
		switch {
		case len(args) == 0 && strings.Contains(toComplete, "/"):
			typ, _, _ := strings.Cut(toComplete, "/")
			var out []string
			for _, n := range names(typ) {
				out = append(out, typ+"/"+n)
			}
			return WithPrefix(out, toComplete), none
		case len(args) == 0:
			return WithPrefix(workload.Types, toComplete), none
		case len(args) == 1 && !strings.Contains(args[0], "/"):
			return WithPrefix(names(args[0]), toComplete), none
		}
		return nil, none
	}
}

// Timeout bounds a lookup: a completion or a hint must not hang on a
// server that does not answer.
const Timeout = 3 * time.Second

// Names lists the names of namespaces, or of the workloads of a type in
// namespace ns; nothing when the cluster cannot say.
func Names(c kubernetes.Interface, ns, typ string) []string {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	var names []string
	if typ == "namespace" || typ == "ns" {
		l, err := c.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		if err == nil {
			for i := range l.Items {
				names = append(names, l.Items[i].Name)
			}
		}
		return names
	}
	gr, ok := workload.ForSpelling(typ)
	if !ok {
		return nil
	}
	if kind, ok := workload.ForResource(gr); ok {
		if l, err := kind.List(ctx, c, ns); err == nil {
			names = l
		}
	}
	return names
}

// Keys are a map's keys, sorted: the kubeconfig's contexts, clusters or
// users.
func Keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// WithPrefix keeps the candidates that start with prefix.
func WithPrefix(candidates []string, prefix string) []string {
	var out []string
	for _, c := range candidates {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}
