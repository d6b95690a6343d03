package watcher

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
)

// source is where a watcher's informers come from: its own, listed for the
// one workload (ownSource), or a release's shared ones (sharedSource),
// whose caches hold the other members' objects too.
type source interface {
	// objects is the informer of the workload itself.
	objects(w *Workload) cache.SharedIndexInformer
	// scoped are the informers of the revisions and pods of the workload
	// whose selector is sel, and of Warning events.
	scoped(w *Workload, sel labels.Selector) (revisions, pods, events cache.SharedIndexInformer)
	// run starts inf (a shared one once for all).
	run(ctx context.Context, inf cache.SharedIndexInformer)
	// mixed tells whether the caches hold other workloads' objects, which
	// the watcher must pick its own out of.
	mixed() bool
}

// ownSource is informers of the watcher's own, scoped to its workload.
type ownSource struct{}

func (ownSource) objects(w *Workload) cache.SharedIndexInformer {
	return w.informer(w.kind.ObjectInformer, func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("metadata.name", w.name).String()
	}, w.kind.Resource())
}

func (ownSource) scoped(w *Workload, sel labels.Selector) (revisions, pods, events cache.SharedIndexInformer) {
	scoped := func(o *metav1.ListOptions) { o.LabelSelector = sel.String() }
	revisions = w.informer(w.kind.RevisionInformer, scoped, w.kind.RevisionResource())
	pods = w.informer(podInformer, scoped, "pods")
	// Events cannot be selected by their objects' labels; Warning events
	// of the namespace are few, and only those about our objects are kept.
	events = w.informer(eventInformer, func(o *metav1.ListOptions) { o.FieldSelector = "type=Warning" }, "events")
	return revisions, pods, events
}

func (ownSource) run(ctx context.Context, inf cache.SharedIndexInformer) { go inf.RunWithContext(ctx) }

func (ownSource) mixed() bool { return false }

// sharedSource is a release's informers, listed by the label selector
// scope in namespace ("" for all).
type sharedSource struct {
	shared           *Shared
	namespace, scope string
}

func (s sharedSource) objects(w *Workload) cache.SharedIndexInformer {
	return s.informer(w, metav1.ListOptions{LabelSelector: s.scope}, w.kind.ObjectInformer, w.kind.Resource())
}

func (s sharedSource) scoped(w *Workload, _ labels.Selector) (revisions, pods, events cache.SharedIndexInformer) {
	scoped := metav1.ListOptions{LabelSelector: s.scope}
	revisions = s.informer(w, scoped, w.kind.RevisionInformer, w.kind.RevisionResource())
	pods = s.informer(w, scoped, podInformer, "pods")
	events = s.informer(w, metav1.ListOptions{FieldSelector: "type=Warning"}, eventInformer, "events")
	return revisions, pods, events
}

func (s sharedSource) run(_ context.Context, inf cache.SharedIndexInformer) { s.shared.Run(inf) }

func (sharedSource) mixed() bool { return true }

// informer is the release's informer get picks, listed with opts, whose
// watch errors w hears as resource's until it stops.
func (s sharedSource) informer(w *Workload, opts metav1.ListOptions, get func(informers.SharedInformerFactory) cache.SharedIndexInformer, resource string) cache.SharedIndexInformer {
	inf := s.shared.Informer(s.namespace, opts, get)
	w.keep(s.shared.OnError(inf, w.onError(resource)))
	return inf
}

// lists tells whether the release's selector lists the workload obj, and
// so its pods and revisions, which carry its template's labels.
func (s sharedSource) lists(w *Workload, obj metav1.Object) bool {
	scope, err := labels.Parse(s.scope)
	if err != nil {
		return false
	}
	tpl := w.kind.Template(obj)
	return scope.Matches(labels.Set(obj.GetLabels())) && tpl != nil && scope.Matches(labels.Set(tpl.Labels))
}
