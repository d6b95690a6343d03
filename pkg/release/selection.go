package release

import (
	"context"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// Selection is a release that is whatever -l selects, which changes while
// it is watched: one informer per kind lists it, the members share those
// informers, and their events say who joins and who leaves.
type Selection struct {
	Client    kubernetes.Interface
	Shared    *watcher.Shared
	Namespace string // metav1.NamespaceAll with -A
	Selector  string
	// AllNamespaces names members with their namespace in the lines.
	AllNamespaces bool
	// Follow starts watching a member that joins.
	Follow func(context.Context, Member) (*Followed, error)
	// Refused is the error that ends the watch when listing a kind fails
	// with err, or nil when the informer should go on retrying. A kind
	// the user may not list, or a server that cannot be reached, would
	// otherwise keep the view waiting for ever.
	Refused func(k workload.Kind, err error) error
}

// Start lists what the selector selects now and reports from then on the
// workloads that start or stop matching, as changes for the view; the
// members that join are added to r. adopt tells the membership handlers
// of a member the caller started itself.
func (s *Selection) Start(ctx context.Context, r *Roster) (members []Member, changes <-chan Change, adopt func(*Followed), err error) {
	refused := make(chan error, len(workload.Kinds))
	kinds := map[cache.SharedIndexInformer]workload.Kind{}
	for k, inf := range s.Shared.Prime(s.Namespace, s.Selector, workload.Kinds, func(k workload.Kind, err error) {
		why := s.Refused(k, err)
		if why == nil {
			return
		}
		select {
		case refused <- why:
		default:
		}
	}) {
		kinds[inf] = k
	}
	infs := make([]cache.SharedIndexInformer, 0, len(kinds))
	for inf := range kinds {
		infs = append(infs, inf)
	}
	synced := make(chan bool, 1)
	go func() { synced <- watcher.Synced(ctx, infs...) }()
	select {
	case ok := <-synced:
		if !ok {
			return nil, nil, nil, ctx.Err()
		}
	case err := <-refused:
		return nil, nil, nil, err
	}
	for inf, k := range kinds {
		for _, obj := range inf.GetStore().List() {
			if m, err := meta.Accessor(obj); err == nil {
				members = append(members, Member{Kind: k, Namespace: m.GetNamespace(), Name: m.GetName()})
			}
		}
	}
	Sort(members)
	known := map[Member]*Followed{}
	var mu sync.Mutex
	for _, m := range members {
		known[m] = nil
	}
	out := make(chan Change, 16)
	send := func(c Change) {
		select {
		case out <- c:
		case <-ctx.Done():
		}
	}
	for inf, k := range kinds {
		memberOf := func(obj any) (Member, bool) {
			m, ok := watcher.ObjectOf(obj)
			if !ok {
				return Member{}, false
			}
			return Member{Kind: k, Namespace: m.GetNamespace(), Name: m.GetName()}, true
		}
		_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc: func(obj any) {
				m, ok := memberOf(obj)
				mu.Lock()
				_, seen := known[m]
				if ok && !seen {
					known[m] = nil
				}
				mu.Unlock()
				if !ok || seen {
					return
				}
				go func() {
					f, err := s.Follow(ctx, m)
					if err != nil {
						return // gone again, or the watch is ending
					}
					mu.Lock()
					known[m] = f
					mu.Unlock()
					r.Add(f)
					send(Change{Add: f, Say: m.Who(s.AllNamespaces) + " joined the release"})
				}()
			},
			DeleteFunc: func(obj any) {
				m, ok := memberOf(obj)
				mu.Lock()
				f := known[m]
				delete(known, m)
				mu.Unlock()
				if !ok || f == nil {
					return
				}
				go func() {
					send(Change{Remove: f, Say: m.Who(s.AllNamespaces) + " left the release: " + s.whyLeft(ctx, m)})
				}()
			},
		})
	}
	adopt = func(f *Followed) {
		mu.Lock()
		known[f.Member] = f
		mu.Unlock()
	}
	return members, out, adopt, nil
}

// whyLeft tells a deleted workload from one that no longer matches -l.
func (s *Selection) whyLeft(ctx context.Context, m Member) string {
	_, err := m.Kind.Get(ctx, s.Client, m.Namespace, m.Name)
	if apierrors.IsNotFound(err) {
		return "deleted"
	}
	if err == nil {
		return "no longer matches " + s.Selector
	}
	return "no longer seen"
}
