// Package watcher follows one workload through client-go informers scoped to
// that workload alone, and turns what it sees into snapshots. It knows
// nothing of how snapshots are drawn.
package watcher

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// Deployment watches one Deployment, its ReplicaSets and their Pods.
type Deployment struct {
	client    kubernetes.Interface
	namespace string
	name      string

	deployments cache.SharedIndexInformer
	replicaSets cache.SharedIndexInformer
	pods        cache.SharedIndexInformer
	events      cache.SharedIndexInformer
	informers   map[string]cache.SharedIndexInformer

	secretLookup SecretLookup
	secrets      map[string]secretState // guarded by mu
	conn         *Connection

	changed chan struct{}
	ctx     context.Context // the watch's lifetime, for background lookups

	mu       sync.Mutex
	deleted  bool
	problems map[string]string // informer → what went wrong with its watch
}

// NewDeployment returns a watcher for namespace/name; Start begins watching.
func NewDeployment(client kubernetes.Interface, namespace, name string) *Deployment {
	return &Deployment{
		client:    client,
		namespace: namespace,
		name:      name,
		changed:   make(chan struct{}, 1),
		problems:  map[string]string{},
		informers: map[string]cache.SharedIndexInformer{},
		secrets:   map[string]secretState{},
	}
}

// SecretLookup tells whether a Secret exists without reading its data;
// known is false when it could not tell (e.g. forbidden).
type SecretLookup func(ctx context.Context, namespace, name string) (exists, known bool)

type secretState struct {
	exists, known bool
	checked       time.Time
	pending       bool
}

// WithConnection lets the snapshot say when the API server is unreachable;
// conn must wrap the transport of the watcher's client.
func (w *Deployment) WithConnection(conn *Connection) *Deployment {
	w.conn = conn
	conn.mu.Lock()
	conn.onChange = func() {
		select {
		case w.changed <- struct{}{}:
		default:
		}
	}
	conn.mu.Unlock()
	return w
}

// WithSecretLookup lets the watcher say whether the image pull Secrets that
// stuck pods name exist.
func (w *Deployment) WithSecretLookup(f SecretLookup) *Deployment {
	w.secretLookup = f
	return w
}

// Start reads the Deployment once (so that a missing one is an error, not an
// empty view), starts the informers and waits for their first lists.
func (w *Deployment) Start(ctx context.Context) error {
	d, err := w.client.AppsV1().Deployments(w.namespace).Get(ctx, w.name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("get deployment %q in namespace %q: %w", w.name, w.namespace, err)
	}
	// The selector of apps/v1 Deployments is immutable, so it can scope the
	// ReplicaSet and Pod watches for the whole session.
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return fmt.Errorf("deployment %q has an invalid selector: %w", w.name, err)
	}
	if sel.Empty() {
		sel = labels.Nothing()
	}

	w.deployments = w.informer(func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
		return f.Apps().V1().Deployments().Informer()
	}, func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("metadata.name", w.name).String()
	}, "deployments")
	scoped := func(o *metav1.ListOptions) { o.LabelSelector = sel.String() }
	w.replicaSets = w.informer(func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
		return f.Apps().V1().ReplicaSets().Informer()
	}, scoped, "replicasets")
	w.pods = w.informer(func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
		return f.Core().V1().Pods().Informer()
	}, scoped, "pods")
	// Events cannot be selected by their objects' labels; Warning events of
	// the namespace are few, and only those about our objects are kept.
	w.events = w.informer(func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
		return f.Core().V1().Events().Informer()
	}, func(o *metav1.ListOptions) { o.FieldSelector = "type=Warning" }, "events")

	_, _ = w.deployments.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { w.setDeleted(false) },
		UpdateFunc: func(any, any) { w.notify() },
		DeleteFunc: func(any) { w.setDeleted(true) },
	})
	for _, inf := range []cache.SharedIndexInformer{w.replicaSets, w.pods, w.events} {
		_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(any) { w.notify() },
			UpdateFunc: func(any, any) { w.notify() },
			DeleteFunc: func(any) { w.notify() },
		})
	}
	for _, inf := range []cache.SharedIndexInformer{w.deployments, w.replicaSets, w.pods, w.events} {
		go inf.RunWithContext(ctx)
	}
	w.ctx = ctx
	// Pods may be forbidden while the rest works: wait only for what syncs,
	// and let the snapshot say what could not be seen.
	synced := func() bool {
		return w.deployments.HasSynced() && w.replicaSets.HasSynced() && w.pods.HasSynced()
	}
	for !synced() {
		if len(w.Problems()) > 0 && w.deployments.HasSynced() {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	w.notify()
	return nil
}

func (w *Deployment) informer(get func(informers.SharedInformerFactory) cache.SharedIndexInformer, tweak func(*metav1.ListOptions), what string) cache.SharedIndexInformer {
	f := informers.NewSharedInformerFactoryWithOptions(w.client, 0,
		informers.WithNamespace(w.namespace), informers.WithTweakListOptions(tweak))
	inf := get(f)
	// Managed fields are most of an object's bytes and nothing we show.
	_ = inf.SetTransform(func(obj any) (any, error) {
		if m, err := meta.Accessor(obj); err == nil {
			m.SetManagedFields(nil)
		}
		return obj, nil
	})
	_ = inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
		w.setProblem(what, err)
	})
	w.informers[what] = inf
	return inf
}

// Changes signals, coalesced, that the next Snapshot may differ.
func (w *Deployment) Changes() <-chan struct{} { return w.changed }

func (w *Deployment) notify() {
	w.clearProblems()
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

func (w *Deployment) setDeleted(v bool) {
	w.mu.Lock()
	w.deleted = v
	w.mu.Unlock()
	w.notify()
}

func (w *Deployment) setProblem(what string, err error) {
	msg := "reconnecting to the API server: " + err.Error()
	switch {
	case apierrors.IsForbidden(err):
		msg = fmt.Sprintf("cannot see %s: forbidden (%v)", what, err)
	case apierrors.IsResourceExpired(err) || apierrors.IsGone(err):
		return // a routine re-list, not worth showing
	}
	w.mu.Lock()
	w.problems[what] = msg
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// clearProblems forgets connection trouble once events flow again; a
// forbidden resource stays a problem until it delivers something.
func (w *Deployment) clearProblems() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for k := range w.problems {
		if inf := w.informers[k]; inf == nil || inf.HasSynced() {
			delete(w.problems, k)
		}
	}
}

// Problems lists what the watcher currently cannot see, sorted.
func (w *Deployment) Problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.problems))
	for _, p := range w.problems {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Snapshot builds the current picture from the informers' caches.
func (w *Deployment) Snapshot(now, started time.Time) snapshot.Snapshot {
	w.mu.Lock()
	deleted := w.deleted
	w.mu.Unlock()

	d := w.Deployment()
	if d == nil || deleted {
		s := snapshot.Snapshot{Now: now, Started: started, Phase: snapshot.PhaseDeleted,
			Message: fmt.Sprintf("deployment %q was deleted", w.name)}
		s.Workload.Kind, s.Workload.Namespace, s.Workload.Name = "Deployment", w.namespace, w.name
		return s
	}
	var rss []*appsv1.ReplicaSet
	for _, obj := range w.replicaSets.GetStore().List() {
		if rs, ok := obj.(*appsv1.ReplicaSet); ok {
			rss = append(rss, rs)
		}
	}
	var pods []*corev1.Pod
	for _, obj := range w.pods.GetStore().List() {
		if p, ok := obj.(*corev1.Pod); ok {
			pods = append(pods, p)
		}
	}
	s := snapshot.FromDeployment(d, rss, pods, now, started)
	s.Problems = w.Problems()
	if w.conn != nil {
		if err, since := w.conn.Down(); err != nil {
			s.Problems = append(s.Problems, fmt.Sprintf("reconnecting to the API server (for %s): %v", now.Sub(since).Round(time.Second), err))
		}
	}
	s.Events = snapshot.WarningEvents(w.eventList(), ownedUIDs(d, rss, pods))
	s.Secrets = w.pullSecrets(&s)
	return s
}

func (w *Deployment) eventList() []*corev1.Event {
	var out []*corev1.Event
	for _, obj := range w.events.GetStore().List() {
		if e, ok := obj.(*corev1.Event); ok {
			out = append(out, e)
		}
	}
	return out
}

// ownedUIDs are the Deployment, its ReplicaSets and their pods: the objects
// whose events belong in the view.
func ownedUIDs(d *appsv1.Deployment, rss []*appsv1.ReplicaSet, pods []*corev1.Pod) map[types.UID]bool {
	uids := map[types.UID]bool{d.UID: true}
	for _, rs := range rss {
		if metav1.IsControlledBy(rs, d) {
			uids[rs.UID] = true
		}
	}
	for _, p := range pods {
		if ref := metav1.GetControllerOf(p); ref != nil && uids[ref.UID] {
			uids[p.UID] = true
		}
	}
	return uids
}

// secretRecheck is how long a Secret's existence is trusted before asking again.
const secretRecheck = 15 * time.Second

// pullSecrets reports what is known of the image pull Secrets named by pods
// that fail to pull, and asks in the background about the rest: a snapshot
// must never wait for the network.
func (w *Deployment) pullSecrets(s *snapshot.Snapshot) map[string]bool {
	if w.secretLookup == nil {
		return nil
	}
	out := map[string]bool{}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, rev := range s.Revisions {
		for _, p := range rev.Pods {
			if p.Reason != "ErrImagePull" && p.Reason != "ImagePullBackOff" {
				continue
			}
			for _, name := range p.PullSecrets {
				st := w.secrets[name]
				if st.known {
					out[name] = st.exists
				}
				if !st.pending && time.Since(st.checked) > secretRecheck {
					st.pending = true
					w.secrets[name] = st
					go w.lookupSecret(name)
				}
			}
		}
	}
	return out
}

func (w *Deployment) lookupSecret(name string) {
	ctx, cancel := context.WithTimeout(w.ctx, 10*time.Second)
	defer cancel()
	exists, known := w.secretLookup(ctx, w.namespace, name)
	w.mu.Lock()
	w.secrets[name] = secretState{exists: exists, known: known, checked: time.Now()}
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// Deployment returns a copy of the Deployment as last seen, or nil.
func (w *Deployment) Deployment() *appsv1.Deployment {
	for _, obj := range w.deployments.GetStore().List() {
		if d, ok := obj.(*appsv1.Deployment); ok && d.Name == w.name {
			return d.DeepCopy()
		}
	}
	return nil
}
