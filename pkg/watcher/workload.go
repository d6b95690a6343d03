// Package watcher follows one workload through client-go informers scoped to
// that workload alone, and turns what it sees into snapshots. It knows
// nothing of how snapshots are drawn.
package watcher

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/diagnose"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// Workload watches one workload (Deployment, StatefulSet or DaemonSet), its
// revisions (ReplicaSets or ControllerRevisions), their Pods and the Warning
// events about them.
type Workload struct {
	kind      workload.Kind
	client    kubernetes.Interface
	namespace string
	name      string

	// src is where the informers come from: the watcher's own, or a
	// release's. sel is the workload's own selector, which picks its
	// revisions and pods out of shared caches.
	src source
	sel labels.Selector

	objects   cache.SharedIndexInformer
	revisions cache.SharedIndexInformer
	pods      cache.SharedIndexInformer
	events    cache.SharedIndexInformer

	eventsOnce sync.Once // starts the events informer at the first stuck pod
	// look wakes the watcher's own loop (follow), which starts what the
	// picture needs (events, Secret lookups) so that Snapshot only reads.
	look chan struct{}

	clock snapshot.RolloutClock // dates the rollout each snapshot shows

	// enrich is what the watcher learns from the registry and the
	// credentials, beyond the objects it watches.
	enrich enrichment

	conn *Connection
	// where is how the user reached the cluster (WithWhere).
	where snapshot.Where

	changed chan struct{}
	ctx     context.Context // the watch's lifetime, for background lookups

	mu       sync.Mutex
	deleted  bool
	problems map[string]problem // informer → what went wrong with its watch
	// undo takes away what the watcher added to things that outlive it
	// (handlers and error callbacks on a release's shared informers, its
	// listeners on the connection) once its watch ends; left there, they
	// would keep it alive and be woken by every event of the release.
	undo     []func()
	released bool
}

// New returns a watcher for the workload kind/namespace/name; Start begins watching.
func New(client kubernetes.Interface, kind workload.Kind, namespace, name string) *Workload {
	return &Workload{
		kind:      kind,
		client:    client,
		namespace: namespace,
		name:      name,
		changed:   make(chan struct{}, 1),
		look:      make(chan struct{}, 1),
		problems:  map[string]problem{},
		enrich:    newEnrichment(namespace),
		src:       ownSource{},
	}
}

// WithConnection lets the snapshot say when the API server is unreachable;
// conn must wrap the transport of the watcher's client.
// It listens until the context given to Start ends.
func (w *Workload) WithConnection(conn *Connection) *Workload {
	w.conn = conn
	w.keep(conn.listen(w.wake, w.watching))
	return w
}

// WithShared lets the watcher use the informers of a release, listed by
// the label selector scope in namespace ("" for all), when the workload's
// pods carry those labels too; otherwise it keeps informers of its own.
func (w *Workload) WithShared(s *Shared, namespace, scope string) *Workload {
	w.src = sharedSource{shared: s, namespace: namespace, scope: scope}
	return w
}

// Start reads the workload once (so that a missing one is an error, not an
// empty view), starts the informers and waits for their first lists.
//
// When ctx ends, the watcher stops and takes itself off whatever it shares
// with others: a member that leaves a release leaves nothing behind.
func (w *Workload) Start(ctx context.Context) error {
	w.ctx = ctx
	w.enrich.ctx, w.enrich.wake = ctx, w.wake
	context.AfterFunc(ctx, w.release)
	obj, err := w.first(ctx)
	if err != nil {
		return err
	}
	selector := w.kind.Selector(obj)
	// Workload selectors are immutable in apps/v1, so the selector can scope
	// the revision and Pod watches for the whole session.
	sel, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil {
		return fmt.Errorf("%s %q has an invalid selector: %w", w.kind.Name(), w.name, err)
	}
	if sel.Empty() {
		sel = labels.Nothing()
	}
	w.sel = sel
	if shared, ok := w.src.(sharedSource); ok && !shared.lists(w, obj) {
		// Its pods are not listed by the release's selector.
		w.src = ownSource{}
		w.objects = w.src.objects(w)
	}
	w.revisions, w.pods, w.events = w.src.scoped(w, sel)

	// A shared cache also holds the other workloads' objects: only changes
	// to ours wake the view.
	err = w.handle(w.objects, w.kind.Resource(), cache.FilteringResourceEventHandler{
		FilterFunc: func(obj any) bool {
			m, ok := ObjectOf(obj)
			return ok && m.GetName() == w.name && m.GetNamespace() == w.namespace
		},
		Handler: cache.ResourceEventHandlerFuncs{
			AddFunc:    func(any) { w.setDeleted(false) },
			UpdateFunc: func(any, any) { w.heardFrom(w.kind.Resource()) },
			DeleteFunc: func(any) { w.setDeleted(true) },
		},
	})
	if err != nil {
		return err
	}
	ours := func(obj any) bool {
		m, ok := ObjectOf(obj)
		return ok && w.holds(m)
	}
	for what, inf := range map[string]cache.SharedIndexInformer{w.kind.RevisionResource(): w.revisions, "pods": w.pods} {
		err := w.handle(inf, what, cache.FilteringResourceEventHandler{
			FilterFunc: ours,
			Handler: cache.ResourceEventHandlerFuncs{
				AddFunc:    func(any) { w.heardFrom(what) },
				UpdateFunc: func(any, any) { w.heardFrom(what) },
				DeleteFunc: func(any) { w.heardFrom(what) },
			},
		})
		if err != nil {
			return err
		}
	}
	err = w.handle(w.events, "events", cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { w.heardFrom("events") },
		UpdateFunc: func(any, any) { w.heardFrom("events") },
		DeleteFunc: func(any) { w.heardFrom("events") },
	})
	if err != nil {
		return err
	}
	// Events are read only once a pod is stuck (see Snapshot): events have
	// no watch cache in the apiserver, so their first list reads every event
	// of the namespace from etcd, and a healthy rollout needs none.
	for _, inf := range []cache.SharedIndexInformer{w.objects, w.revisions, w.pods} {
		w.src.run(ctx, inf)
	}
	if err := w.waitSynced(ctx); err != nil {
		return err
	}
	go w.follow(ctx)
	w.wake()
	return nil
}

// first reads the workload: from the release's shared cache when there is
// one (no round trip per workload), else from the server.
func (w *Workload) first(ctx context.Context) (metav1.Object, error) {
	w.objects = w.src.objects(w)
	if !w.src.mixed() {
		return w.get(ctx)
	}
	w.src.run(ctx, w.objects)
	if !Synced(ctx, w.objects) {
		return nil, ctx.Err()
	}
	if obj := w.Object(); obj != nil {
		return obj, nil
	}
	// Not (or no longer) in the release's cache: ask the server, which says
	// why in its own words.
	return w.get(ctx)
}

// get reads the workload from the server.
func (w *Workload) get(ctx context.Context) (metav1.Object, error) {
	obj, err := w.kind.Get(ctx, w.client, w.namespace, w.name)
	if err != nil {
		return nil, fmt.Errorf("get %s %q in namespace %q: %w", w.kind.Name(), w.name, w.namespace, err)
	}
	return obj, nil
}

// waitSynced waits for the first lists. Pods may be forbidden while the
// rest works: it waits only for what syncs, and lets the snapshot say what
// could not be seen.
func (w *Workload) waitSynced(ctx context.Context) error {
	synced := func() bool {
		return w.objects.HasSynced() && w.revisions.HasSynced() && w.pods.HasSynced()
	}
	allSynced := make(chan struct{})
	go func() {
		cache.WaitFor(ctx, "informers", w.objects.HasSyncedChecker(), w.revisions.HasSyncedChecker(), w.pods.HasSyncedChecker())
		close(allSynced)
	}()
	for !synced() {
		if len(w.Problems()) > 0 && w.objects.HasSynced() {
			break
		}
		// The poll only notices problems; syncing wakes the loop at once.
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-allSynced:
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

func podInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer {
	return f.Core().V1().Pods().Informer()
}

func eventInformer(f informers.SharedInformerFactory) cache.SharedIndexInformer {
	return f.Core().V1().Events().Informer()
}

// handle adds h to inf until the watcher stops.
func (w *Workload) handle(inf cache.SharedIndexInformer, resource string, h cache.ResourceEventHandler) error {
	reg, err := inf.AddEventHandler(h)
	if err != nil {
		return fmt.Errorf("follow the %s of %s %q: %w", resource, w.kind.Name(), w.name, err)
	}
	// It fails only for a handle the informer never gave.
	w.keep(func() { _ = inf.RemoveEventHandler(reg) })
	return nil
}

// keep remembers how to undo something the watcher added to what outlives
// it; once the watcher has stopped, it undoes it at once (a watch may end
// while it starts).
func (w *Workload) keep(undo func()) {
	w.mu.Lock()
	if !w.released {
		w.undo = append(w.undo, undo)
		w.mu.Unlock()
		return
	}
	w.mu.Unlock()
	undo()
}

// release undoes all that keep remembers, when the watch ends.
func (w *Workload) release() {
	w.mu.Lock()
	w.released = true
	undo := w.undo
	w.undo = nil
	w.mu.Unlock()
	for _, f := range undo {
		f()
	}
}

// Done is closed when the watch has ended (never before Start), so that
// whoever forwards its changes can stop too.
func (w *Workload) Done() <-chan struct{} {
	if w.ctx == nil {
		return nil
	}
	return w.ctx.Done()
}

// onError records what went wrong with a watch of resource.
func (w *Workload) onError(resource string) func(error) {
	return func(err error) { w.setProblem(resource, err) }
}

// followGap spaces the watcher's own looks at the picture: each builds a
// snapshot, and a burst of changes needs one look, not one per change.
const followGap = 250 * time.Millisecond

// follow is the watcher's own loop: when the picture shows a stuck pod it
// starts the events informer, and it asks about the image pull Secrets
// that failing pods name (again after secretRecheck). Snapshot, called by
// the view, only reads what this loop has gathered.
func (w *Workload) follow(ctx context.Context) {
	recheck := time.NewTicker(secretRecheck)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.look:
		case <-recheck.C:
		}
		s := w.Snapshot(time.Now(), time.Time{})
		if stuck(&s) {
			w.eventsOnce.Do(func() { w.src.run(ctx, w.events) })
		}
		w.enrich.ask(&s)
		select {
		case <-ctx.Done():
			return
		case <-time.After(followGap):
		}
	}
}

func (w *Workload) informer(get func(informers.SharedInformerFactory) cache.SharedIndexInformer, tweak func(*metav1.ListOptions), what string) cache.SharedIndexInformer {
	f := informers.NewSharedInformerFactoryWithOptions(w.client, 0,
		informers.WithNamespace(w.namespace), informers.WithTweakListOptions(tweak))
	inf := get(f)
	_ = inf.SetTransform(slim)
	_ = inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
		w.setProblem(what, err)
	})
	return inf
}

// Changes signals, coalesced, that the next Snapshot may differ.
func (w *Workload) Changes() <-chan struct{} { return w.changed }

// heardFrom: the informer for resource delivered, so its watch works.
func (w *Workload) heardFrom(resource string) {
	w.clearProblem(resource, false)
	w.wake()
}

// watching: the server accepted a watch of resource, so an informer whose
// watch had failed is connected again, even if nothing has changed since.
// A forbidden resource stays a problem until it delivers something.
func (w *Workload) watching(resource string) {
	if w.clearProblem(resource, true) {
		w.wake()
	}
}

// wake tells the view and the watcher's own loop to look again; a pending
// wake-up already covers it.
func (w *Workload) wake() {
	select {
	case w.changed <- struct{}{}:
	default:
	}
	select {
	case w.look <- struct{}{}:
	default:
	}
}

func (w *Workload) setDeleted(v bool) {
	w.mu.Lock()
	w.deleted = v
	w.mu.Unlock()
	w.heardFrom(w.kind.Resource())
}

type problem struct {
	msg       string
	forbidden bool
}

func (w *Workload) setProblem(what string, err error) {
	// Error text may quote what the server (or a proxy) answered.
	p := problem{msg: "reconnecting to the API server: " + sanitize.Text(err.Error())}
	switch {
	case apierrors.IsForbidden(err):
		p = problem{msg: fmt.Sprintf("cannot see %s: forbidden (%s)", what, sanitize.Text(err.Error())), forbidden: true}
	case apierrors.IsResourceExpired(err) || apierrors.IsGone(err):
		return // a routine re-list, not worth showing
	}
	w.mu.Lock()
	w.problems[what] = p
	w.mu.Unlock()
	w.wake()
}

// clearProblem forgets what went wrong with resource's watch (only when it
// was connection trouble, if keepForbidden), and reports whether it did.
func (w *Workload) clearProblem(resource string, keepForbidden bool) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, ok := w.problems[resource]
	if !ok || (keepForbidden && p.forbidden) {
		return false
	}
	delete(w.problems, resource)
	return true
}

// Problems lists what the watcher currently cannot see, sorted.
func (w *Workload) Problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.problems))
	for _, p := range w.problems {
		out = append(out, p.msg)
	}
	sort.Strings(out)
	return out
}

// Snapshot builds the current picture from the informers' caches.
func (w *Workload) Snapshot(now, started time.Time) snapshot.Snapshot {
	w.mu.Lock()
	deleted := w.deleted
	podsHidden := w.problems["pods"].forbidden
	w.mu.Unlock()

	obj := w.Object()
	if obj == nil || deleted {
		s := snapshot.Snapshot{Now: now, Started: started, Phase: snapshot.PhaseDeleted,
			Message: fmt.Sprintf("%s %q was deleted", w.kind.Name(), w.name)}
		s.Workload.Kind, s.Workload.Short = w.kind.Name(), w.kind.Short()
		s.Workload.Namespace, s.Workload.Name = w.namespace, w.name
		s.Where = w.where
		diagnose.Diagnose(&s)
		return s
	}
	revs := w.revisions.GetStore().List()
	var pods []*corev1.Pod
	for _, o := range w.pods.GetStore().List() {
		if p, ok := o.(*corev1.Pod); ok && w.holds(p) {
			pods = append(pods, p)
		}
	}
	if w.src.mixed() {
		var own []any
		for _, r := range revs {
			if m, ok := ObjectOf(r); ok && w.holds(m) {
				own = append(own, r)
			}
		}
		revs = own
	}
	s := w.kind.Snapshot(obj, revs, pods, now, started)
	s.Where = w.where
	s.Problems = append(w.Problems(), s.Problems...)
	s.PodsHidden = podsHidden
	if w.conn != nil {
		if since, err := w.conn.Down(); err != nil {
			s.Reconnecting = true
			s.Problems = append(s.Problems, fmt.Sprintf("reconnecting to the API server (for %s): %v", now.Sub(since).Round(time.Second), err))
		} else if !w.watchesOpen(podsHidden) {
			s.Reconnecting = true
		}
	}
	// Matching events needs every owned UID: only when there are events.
	if events := w.eventList(); len(events) > 0 {
		s.Events = snapshot.WarningEvents(events, ownedUIDs(obj, revs, pods))
	}
	w.enrich.fill(&s)
	w.clock.Stamp(&s)
	diagnose.Diagnose(&s)
	return s
}

// watchesOpen reports whether the watches the picture is drawn from (the
// workload, its revisions, its pods) are all open: after an outage each
// informer comes back on its own back-off, quietly, so the connection can
// be fine while the pods' cache is still of before it. Pods that may not be
// listed have no watch to wait for.
func (w *Workload) watchesOpen(podsHidden bool) bool {
	resources := []string{w.kind.Resource(), w.kind.RevisionResource()}
	if !podsHidden {
		resources = append(resources, "pods")
	}
	for _, r := range resources {
		// Its own informers watch the namespace; a release's may watch
		// every namespace.
		if !w.conn.Watching("/namespaces/"+w.namespace+"/"+r) && !w.conn.Watching("/v1/"+r) {
			return false
		}
	}
	return true
}

// holds tells whether obj, from a revision or pod cache, is the workload's:
// a shared cache holds the whole release's.
func (w *Workload) holds(obj metav1.Object) bool {
	return !w.src.mixed() || obj.GetNamespace() == w.namespace && w.sel.Matches(labels.Set(obj.GetLabels()))
}

// stuck tells whether the view needs Warning events to explain something:
// a failed rollout, or a finding about pods or a ReplicaSet.
func stuck(s *snapshot.Snapshot) bool {
	if s.Phase == snapshot.PhaseFailed {
		return true
	}
	// The controller could not create pods (e.g. quota): its events say why.
	for _, c := range s.Workload.Conditions {
		if c.Type == "ReplicaFailure" && c.Status == "True" {
			return true
		}
	}
	for i := range s.Findings {
		if f := &s.Findings[i]; len(f.Pods) > 0 || strings.HasPrefix(f.Reason, "ReplicaFailure") {
			return true
		}
	}
	return false
}

func (w *Workload) eventList() []*corev1.Event {
	var out []*corev1.Event
	for _, obj := range w.events.GetStore().List() {
		if e, ok := obj.(*corev1.Event); ok {
			out = append(out, e)
		}
	}
	return out
}

// ownedUIDs are the workload, its revisions and their pods: the objects
// whose events belong in the view.
func ownedUIDs(owner metav1.Object, revisions []any, pods []*corev1.Pod) map[types.UID]bool {
	uids := map[types.UID]bool{owner.GetUID(): true}
	for _, r := range revisions {
		if m, err := meta.Accessor(r); err == nil && metav1.IsControlledBy(m, owner) {
			uids[m.GetUID()] = true
		}
	}
	for _, p := range pods {
		if ref := metav1.GetControllerOfNoCopy(p); ref != nil && uids[ref.UID] {
			uids[p.UID] = true
		} else if metav1.IsControlledBy(p, owner) {
			uids[p.UID] = true
		}
	}
	return uids
}

// Object returns the workload as last seen (not a copy), or nil.
func (w *Workload) Object() metav1.Object {
	for _, obj := range w.objects.GetStore().List() {
		if m, err := meta.Accessor(obj); err == nil && m.GetName() == w.name && m.GetNamespace() == w.namespace {
			return m
		}
	}
	return nil
}

// Name is the name of the workload being watched.
func (w *Workload) Name() string { return w.name }

// Key orders the workloads of a release: namespace/kind/name, lower case
// kind as kubectl writes it.
func (w *Workload) Key() string {
	return w.namespace + "/" + strings.ToLower(w.kind.Name()) + "/" + w.name
}

// Kind is the kind of workload being watched.
func (w *Workload) Kind() workload.Kind { return w.kind }

// slimPod keeps what snapshots and diagnoses read of a pod: a thousand pods
// of a real workload otherwise hold their volumes, env, probes and
// tolerations in memory for nothing.
func slimPod(p *corev1.Pod) *corev1.Pod {
	out := &corev1.Pod{TypeMeta: p.TypeMeta}
	out.ObjectMeta = metav1.ObjectMeta{
		Name: p.Name, Namespace: p.Namespace, UID: p.UID, ResourceVersion: p.ResourceVersion,
		CreationTimestamp: p.CreationTimestamp, DeletionTimestamp: p.DeletionTimestamp,
		DeletionGracePeriodSeconds: p.DeletionGracePeriodSeconds, Labels: p.Labels, OwnerReferences: p.OwnerReferences,
	}
	out.Spec.NodeName = p.Spec.NodeName
	out.Spec.ImagePullSecrets = p.Spec.ImagePullSecrets
	out.Spec.ServiceAccountName = p.Spec.ServiceAccountName
	out.Spec.Containers = slimContainers(p.Spec.Containers)
	out.Spec.InitContainers = slimContainers(p.Spec.InitContainers)
	out.Status = corev1.PodStatus{
		Phase: p.Status.Phase, Reason: p.Status.Reason, Message: p.Status.Message, Conditions: p.Status.Conditions,
		ContainerStatuses: p.Status.ContainerStatuses, InitContainerStatuses: p.Status.InitContainerStatuses,
	}
	return out
}

func slimContainers(cs []corev1.Container) []corev1.Container {
	if cs == nil {
		return nil
	}
	out := make([]corev1.Container, len(cs))
	for i, c := range cs {
		out[i] = corev1.Container{Name: c.Name, Image: c.Image, Resources: corev1.ResourceRequirements{Limits: c.Resources.Limits}}
	}
	return out
}
