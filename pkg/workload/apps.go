package workload

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// typedClient is the part of client-go's typed clients (Deployments,
// StatefulSets, DaemonSets of a namespace) that every kind uses.
type typedClient[T any, L runtime.Object] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
	Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (T, error)
}

// appsKind is what the apps/v1 workload kinds have in common, given how to
// reach their typed client and their fields; each kind's file adds what is
// its own (revisions, rollout picture, undo).
type appsKind[T metav1.Object, L runtime.Object] struct {
	name, resource, short string
	client                func(c kubernetes.Interface, ns string) typedClient[T, L]
	// spec is where T keeps its selector and its pod template.
	spec func(T) (*metav1.LabelSelector, *corev1.PodTemplateSpec)
}

func (a appsKind[T, L]) Name() string     { return a.name }
func (a appsKind[T, L]) Group() string    { return appsv1.GroupName }
func (a appsKind[T, L]) Resource() string { return a.resource }
func (a appsKind[T, L]) Short() string    { return a.short }

func (a appsKind[T, L]) Get(ctx context.Context, c kubernetes.Interface, ns, name string) (metav1.Object, error) {
	o, err := a.client(c, ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func (a appsKind[T, L]) List(ctx context.Context, c kubernetes.Interface, ns string) ([]string, error) {
	l, err := a.client(c, ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	items, err := meta.ExtractList(l)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(items))
	for _, it := range items {
		if m, err := meta.Accessor(it); err == nil {
			names = append(names, m.GetName())
		}
	}
	return names, nil
}

func (a appsKind[T, L]) Selector(obj metav1.Object) *metav1.LabelSelector {
	sel, _ := a.spec(obj.(T))
	return sel
}

func (a appsKind[T, L]) Template(obj metav1.Object) *corev1.PodTemplateSpec {
	_, tpl := a.spec(obj.(T))
	return tpl
}

func (a appsKind[T, L]) Patch(ctx context.Context, c kubernetes.Interface, ns, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions) (runtime.Object, error) {
	o, err := a.client(c, ns).Patch(ctx, name, pt, data, opts)
	if err != nil {
		return nil, err
	}
	// T is a pointer to an apps/v1 type, and so a runtime.Object.
	return any(o).(runtime.Object), nil
}

func (a appsKind[T, L]) ObjectInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer {
	// The factory knows the typed informer of every built-in resource.
	inf, err := f.ForResource(appsv1.SchemeGroupVersion.WithResource(a.resource))
	if err != nil {
		panic(fmt.Sprintf("no informer for apps/v1 %s: %v", a.resource, err)) // a kind declared wrong
	}
	return inf.Informer()
}

// only keeps the items of type T: what an informer's store holds is []any.
func only[T any](items []any) []T {
	out := make([]T, 0, len(items))
	for _, it := range items {
		if t, ok := it.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func replicas(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

// scaled resolves surge (rounded up) and unavailability (rounded down)
// against desired; nil or invalid values count as zero.
func scaled(surge, unavailable *intstr.IntOrString, desired int32) (int32, int32) {
	var s, u int
	if surge != nil {
		s, _ = intstr.GetScaledValueFromIntOrPercent(surge, int(desired), true)
	}
	if unavailable != nil {
		u, _ = intstr.GetScaledValueFromIntOrPercent(unavailable, int(desired), false)
	}
	return int32(s), int32(u)
}

func conditions[T any](in []T, conv func(T) snapshot.Condition) []snapshot.Condition {
	out := make([]snapshot.Condition, 0, len(in))
	for _, c := range in {
		out = append(out, conv(c))
	}
	return out
}
