package watcher

import (
	"context"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// Shared lets the watchers of a release share their informers: one per
// resource type, namespace and list options, listed and watched once
// however many workloads read it. A release of fifty Deployments selected
// by a label then costs what one costs: the same watches, and first lists
// that run side by side instead of one round trip per workload.
type Shared struct {
	ctx    context.Context // the release's: its informers run as long
	client kubernetes.Interface

	mu        sync.Mutex
	factories map[sharedKey]informers.SharedInformerFactory
	informers map[cache.SharedIndexInformer]*sharedInformer
}

type sharedKey struct{ namespace, labels, fields string }

// sharedInformer is what Shared knows of one informer: who to tell of its
// watch's errors, by listener, and whether it runs.
type sharedInformer struct {
	start    sync.Once
	mu       sync.Mutex
	onError  map[int]func(error)
	listener int // the key of the last listener
}

// NewShared returns informers to share among watchers that use c, for as
// long as ctx lasts: a workload that leaves the release stops its own
// watcher, never the informers the others read.
func NewShared(ctx context.Context, c kubernetes.Interface) *Shared {
	return &Shared{
		ctx:       ctx,
		client:    c,
		factories: map[sharedKey]informers.SharedInformerFactory{},
		informers: map[cache.SharedIndexInformer]*sharedInformer{},
	}
}

// Informer returns the one informer get picks for namespace ("" for all)
// and opts, creating it on first use.
func (s *Shared) Informer(namespace string, opts metav1.ListOptions, get func(informers.SharedInformerFactory) cache.SharedIndexInformer) cache.SharedIndexInformer {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := sharedKey{namespace, opts.LabelSelector, opts.FieldSelector}
	f, ok := s.factories[key]
	if !ok {
		f = informers.NewSharedInformerFactoryWithOptions(s.client, 0,
			informers.WithNamespace(namespace), informers.WithTweakListOptions(func(o *metav1.ListOptions) {
				o.LabelSelector, o.FieldSelector = opts.LabelSelector, opts.FieldSelector
			}))
		s.factories[key] = f
	}
	inf := get(f)
	if _, ok := s.informers[inf]; !ok {
		si := &sharedInformer{onError: map[int]func(error){}}
		s.informers[inf] = si
		_ = inf.SetTransform(slim)
		_ = inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
			si.mu.Lock()
			hear := make([]func(error), 0, len(si.onError))
			for _, f := range si.onError {
				hear = append(hear, f)
			}
			si.mu.Unlock()
			for _, f := range hear {
				f(err)
			}
		})
	}
	return inf
}

// OnError lets onError hear what goes wrong with the watch of inf, one of
// Shared's, until stop is called: a member that leaves the release stops
// hearing, and is no longer kept alive by the informer.
func (s *Shared) OnError(inf cache.SharedIndexInformer, onError func(error)) (stop func()) {
	s.mu.Lock()
	si, ok := s.informers[inf]
	s.mu.Unlock()
	if !ok {
		return func() {}
	}
	si.mu.Lock()
	defer si.mu.Unlock()
	si.listener++
	key := si.listener
	si.onError[key] = onError
	return func() {
		si.mu.Lock()
		delete(si.onError, key)
		si.mu.Unlock()
	}
}

// Prime starts, all at once, the informers the members of a release
// listed by scope will read: each kind's objects, revisions and pods. Their
// first lists then overlap instead of waiting for each other; it returns
// the object informers, by kind.
//
// onError hears what goes wrong with the object informers' watches.
func (s *Shared) Prime(namespace, scope string, kinds []workload.Kind, onError func(workload.Kind, error)) map[workload.Kind]cache.SharedIndexInformer {
	opts := metav1.ListOptions{LabelSelector: scope}
	objects := map[workload.Kind]cache.SharedIndexInformer{}
	for _, k := range kinds {
		objects[k] = s.Informer(namespace, opts, k.ObjectInformer)
		// The release hears for as long as it runs.
		s.OnError(objects[k], func(err error) { onError(k, err) })
		s.Run(objects[k])
		s.Run(s.Informer(namespace, opts, k.RevisionInformer))
	}
	s.Run(s.Informer(namespace, opts, podInformer))
	return objects
}

// Run starts inf, one of Shared's, once.
func (s *Shared) Run(inf cache.SharedIndexInformer) {
	s.mu.Lock()
	si, ok := s.informers[inf]
	s.mu.Unlock()
	if ok {
		si.start.Do(func() { go inf.RunWithContext(s.ctx) })
	}
}

// slim drops what a view never reads before an object enters a cache:
// managed fields are most of an object's bytes, and a pod's volumes, env
// and probes more.
func slim(obj any) (any, error) {
	if p, ok := obj.(*corev1.Pod); ok {
		return slimPod(p), nil
	}
	if m, err := meta.Accessor(obj); err == nil {
		m.SetManagedFields(nil)
	}
	return obj, nil
}

// ObjectOf is the object of an informer's notification, also when it is a
// deletion whose last state was missed.
func ObjectOf(obj any) (metav1.Object, bool) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	m, err := meta.Accessor(obj)
	return m, err == nil
}

// Synced waits for the informers' first lists, and reports whether they
// all arrived before ctx ended. It wakes when they do: cache's
// WaitForCacheSync looks only every 100 ms, which a first frame would pay.
func Synced(ctx context.Context, infs ...cache.SharedIndexInformer) bool {
	checkers := make([]cache.DoneChecker, len(infs))
	for i, inf := range infs {
		checkers[i] = inf.HasSyncedChecker()
	}
	return cache.WaitFor(ctx, "", checkers...)
}
