package cmd

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/tools/cache"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/summary"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// member is one workload of a release being watched.
type member struct {
	kind      workload.Kind
	namespace string
	name      string
}

// who names m in a log line: kind/name, and the namespace with -A.
func (m member) who(allNamespaces bool) string {
	w := strings.ToLower(m.kind.Name()) + "/" + m.name
	if allNamespaces {
		return m.namespace + "/" + w
	}
	return w
}

// manyWorkloads tells whether args name more than one workload: kubectl's
// `deploy/a sts/b` or `deploy a b`.
func manyWorkloads(args []string) bool {
	slashed := 0
	for _, a := range args {
		if strings.Contains(a, "/") {
			slashed++
		}
	}
	return slashed > 1 || slashed == 0 && len(args) > 2
}

// releaseMembers finds the workloads a release view follows, as kubectl
// rollout status finds them: by arguments, -l and -f, through cli-runtime's
// resource builder. Objects of other kinds (a Service in a manifest) are
// counted, not followed.
func (o *WatchOptions) releaseMembers() (members []member, ignored int, err error) {
	b := resource.NewBuilder(o.configFlags).Unstructured().ContinueOnError().
		NamespaceParam(o.namespace).DefaultNamespace().AllNamespaces(o.AllNamespaces).
		FilenameParam(false, &resource.FilenameOptions{Filenames: o.Filenames, Recursive: o.Recursive}).
		LabelSelectorParam(o.Selector).Flatten()
	switch {
	case len(o.args) > 0:
		b = b.ResourceTypeOrNameArgs(true, o.args...)
	case len(o.Filenames) == 0:
		// -l alone: every kind we follow.
		b = b.ResourceTypes(kindTypes()...).SelectAllParam(o.Selector == "")
	}
	infos, err := b.Do().Infos()
	if err != nil {
		if isConnError(err) {
			return nil, 0, describeConnError(err)
		}
		return nil, 0, fmt.Errorf("find the release's workloads: %w", err)
	}
	seen := map[member]bool{}
	for _, info := range infos {
		kind, kerr := workloadKind(info.Mapping.Resource.GroupResource(), "watching")
		if kerr != nil {
			ignored++
			continue
		}
		m := member{kind: kind, namespace: info.Namespace, name: info.Name}
		if !seen[m] {
			seen[m] = true
			members = append(members, m)
		}
	}
	if len(members) == 0 {
		return nil, ignored, usageError(fmt.Errorf("no %s found to watch: check the arguments, -l and -f", workload.Names("or")))
	}
	sortMembers(members)
	return members, ignored, nil
}

// followed is what the release view knows of one member.
type followed struct {
	member
	w      *watcher.Workload
	stop   context.CancelFunc // ends its watcher, when it leaves
	log    render.Log
	end    settle
	seen   summary.Recorder
	failed error  // why it failed, once it has
	left   string // why it left a release selected by -l
	done   bool   // complete, failed, deleted or left
}

// roster is the release's workloads as they come and go: a release
// selected by -l gains the workloads that start matching and loses those
// deleted. The membership handlers add to it; the view reads it.
type roster struct {
	mu  sync.Mutex
	all []*followed
}

func (r *roster) add(f *followed) {
	r.mu.Lock()
	r.all = append(r.all, f)
	r.mu.Unlock()
}

func (r *roster) list() []*followed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*followed(nil), r.all...)
}

// bySelector tells whether the release is whatever -l selects, which
// changes while it is watched, rather than named workloads.
func (o *WatchOptions) bySelector() bool {
	return o.Selector != "" && len(o.args) == 0 && len(o.Filenames) == 0
}

// follow starts watching one member, from the release's shared informers
// when there are (no round trip of its own).
func (o *WatchOptions) follow(ctx context.Context, m member, reg *registry.Client, shared *watcher.Shared) (*followed, error) {
	ctx, stop := context.WithCancel(ctx)
	w := o.newWatcher(m.kind, m.namespace, m.name, reg)
	if shared != nil {
		w = w.WithShared(shared, o.sharedNamespace(), o.Selector)
	}
	if err := w.Start(ctx); err != nil {
		stop()
		return nil, err
	}
	return &followed{member: m, w: w, stop: stop}, nil
}

// sharedNamespace is where the release's shared informers list: every
// namespace with -A.
func (o *WatchOptions) sharedNamespace() string {
	if o.AllNamespaces {
		return metav1.NamespaceAll
	}
	return o.namespace
}

// selected lists the workloads -l selects, from one informer per kind
// that the members then share, and reports from then on the workloads that
// start or stop matching, as roster changes for the view.
//
// track tells the membership handlers of a member the caller started.
func (o *WatchOptions) selected(ctx context.Context, shared *watcher.Shared, reg *registry.Client, r *roster) (members []member, changes <-chan rosterChange, track func(*followed), err error) {
	// A kind the user may not list, or a server that cannot be reached,
	// would keep the informers retrying, and the view waiting, for ever:
	// either ends the watch with one line saying why, as a single
	// workload's first read does.
	refused := make(chan error, len(workload.Kinds))
	kinds := map[cache.SharedIndexInformer]workload.Kind{}
	for k, inf := range shared.Prime(o.sharedNamespace(), o.Selector, workload.Kinds, func(k workload.Kind, err error) {
		var why error
		switch {
		case apierrors.IsForbidden(err):
			why = fmt.Errorf("cannot watch the workloads matching -l %s: listing %s is forbidden: %s", o.Selector, k.Resource(), sanitize.Text(err.Error()))
		case isConnError(err):
			why = describeConnError(err)
		default:
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
	known := map[member]*followed{}
	var mu sync.Mutex
	for inf, k := range kinds {
		for _, obj := range inf.GetStore().List() {
			if m, err := meta.Accessor(obj); err == nil {
				members = append(members, member{kind: k, namespace: m.GetNamespace(), name: m.GetName()})
			}
		}
	}
	sortMembers(members)
	for _, m := range members {
		known[m] = nil
	}
	out := make(chan rosterChange, 16)
	send := func(c rosterChange) {
		select {
		case out <- c:
		case <-ctx.Done():
		}
	}
	for inf, k := range kinds {
		memberOf := func(obj any) (member, bool) {
			m, ok := watcher.ObjectOf(obj)
			if !ok {
				return member{}, false
			}
			return member{kind: k, namespace: m.GetNamespace(), name: m.GetName()}, true
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
					f, err := o.follow(ctx, m, reg, shared)
					if err != nil {
						return // gone again, or the watch is ending
					}
					mu.Lock()
					known[m] = f
					mu.Unlock()
					r.add(f)
					send(rosterChange{add: f, say: m.who(o.AllNamespaces) + " joined the release"})
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
					why := o.whyLeft(ctx, m)
					send(rosterChange{remove: f, say: m.who(o.AllNamespaces) + " left the release: " + why})
				}()
			},
		})
	}
	track = func(f *followed) {
		mu.Lock()
		known[f.member] = f
		mu.Unlock()
	}
	return members, out, track, nil
}

// whyLeft tells a deleted workload from one that no longer matches -l.
func (o *WatchOptions) whyLeft(ctx context.Context, m member) string {
	_, err := m.kind.Get(ctx, o.client, m.namespace, m.name)
	if apierrors.IsNotFound(err) {
		return "deleted"
	}
	if err == nil {
		return "no longer matches " + o.Selector
	}
	return "no longer seen"
}

func sortMembers(ms []member) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].who(true) < ms[j].who(true) })
}

// runRelease follows several workloads at once: on a terminal as one live
// view with a section each, elsewhere as one log whose every line says
// which workload it is about. With --until-done it ends when every one has
// ended, failing if any failed. ctx ends at --timeout or a signal, as for
// one workload.
func (o *WatchOptions) runRelease(ctx context.Context, reg *registry.Client) error {
	if o.ignored > 0 {
		fmt.Fprintf(o.ErrOut, "%d objects ignored: not a %s\n", o.ignored, workload.Names("or"))
	}
	started := time.Now()
	r := &roster{}
	var shared *watcher.Shared
	var changes <-chan rosterChange
	track := func(*followed) {}
	members := o.members
	if o.bySelector() {
		shared = watcher.NewShared(ctx, o.client)
		var err error
		if members, changes, track, err = o.selected(ctx, shared, reg, r); err != nil {
			if ctx.Err() != nil {
				return signalExit(ctx)
			}
			return err
		}
		if len(members) == 0 {
			where := "namespace " + o.namespace
			if o.AllNamespaces {
				where = "any namespace"
			}
			return usageError(fmt.Errorf("no %s matches -l %s in %s", workload.Names("or"), o.Selector, where))
		}
	}
	// The first lists of all members at once: a release is as slow to
	// start as its slowest member, not as their sum.
	all := make([]*followed, len(members))
	errs := make([]error, len(members))
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			all[i], errs[i] = o.follow(ctx, m, reg, shared)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return signalExit(ctx)
		}
		m := members[i]
		return explainGetError(ctx, o.client, err, workload.Lower(m.kind), m.name, m.namespace)
	}
	for _, f := range all {
		track(f)
		r.add(f)
	}
	var err error
	if o.tty {
		err = o.releaseScreen(ctx, r, changes, started)
	} else {
		err = o.releaseLog(ctx, r, changes, started)
	}
	all = r.list()
	switch {
	case errors.Is(err, errQuit):
		return nil
	case err != nil:
		return err
	case ctx.Err() != nil:
		o.printReleaseSummary(ctx, all)
		if !errors.Is(context.Cause(ctx), errTimeout) {
			return signalExit(ctx)
		}
		var left []string
		for _, f := range all {
			if !f.done {
				left = append(left, f.who(o.AllNamespaces))
			}
		}
		return &ExitError{Code: ExitTimeout, Err: fmt.Errorf("timed out after %s waiting for %s to finish their rollouts", o.Timeout, strings.Join(left, ", "))}
	}
	o.printReleaseSummary(ctx, all)
	var failures []string
	for _, f := range all {
		if f.failed != nil {
			failures = append(failures, f.who(o.AllNamespaces)+": "+f.failed.Error())
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d of %d workloads failed: %s", len(failures), len(all), strings.Join(failures, "; "))
	}
	return nil
}

// releaseScreen draws the release as one live view. It returns nil when
// --until-done saw every workload end, errQuit when the user quit, and
// nothing of ctx: the caller tells a timeout from a signal.
func (o *WatchOptions) releaseScreen(ctx context.Context, r *roster, changes <-chan rosterChange, started time.Time) error {
	all := r.list()
	sources := make([]*source, len(all))
	for i, f := range all {
		sources[i] = f.source(o.AllNamespaces)
	}
	v := &liveView{
		out: o.Out, style: o.style, sources: sources, started: started,
		untilDone: o.UntilDone, client: o.client, images: o.images,
		roster: changes, allNamespaces: o.AllNamespaces,
	}
	err := o.drawLive(ctx, v)
	if ctx.Err() != nil && !errors.Is(err, errQuit) {
		return nil
	}
	return err
}

// source makes the view's source of a member: a failed member ends
// nothing, the others are followed on.
func (f *followed) source(allNamespaces bool) *source {
	return &source{w: f.w, who: f.who(allNamespaces), note: f.note}
}

// leave marks a member gone from a release selected by -l: neither
// complete nor failed, and no longer watched.
func (f *followed) leave(why string) {
	f.done, f.left = true, why
	f.stop()
}

// releaseLog prints the release's changes as one log, until --until-done
// saw every workload end or ctx ends.
func (o *WatchOptions) releaseLog(ctx context.Context, r *roster, roster <-chan rosterChange, started time.Time) error {
	changes := make(chan *followed, 16)
	listen := func(f *followed) {
		// Each member's changes are funnelled to this one loop, which
		// alone writes the log; a send gives up when the watch ends, and
		// the funnel closes when the member leaves.
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-f.w.Done():
					return
				case <-f.w.Changes():
					select {
					case changes <- f:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	for _, f := range r.list() {
		listen(f)
		o.followOne(f, started)
	}
	recheck := time.NewTicker(time.Second)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case f := <-changes:
			if f.left == "" {
				o.followOne(f, started)
			}
		case c := <-roster:
			fmt.Fprintln(o.Out, render.LogLine(time.Now(), render.Line{Text: c.say}))
			if c.add != nil {
				listen(c.add)
				o.followOne(c.add, started)
			} else {
				c.remove.leave(c.say)
			}
		case <-recheck.C:
			// A member whose pods lag a finished status ends without a change.
			for _, f := range r.list() {
				if !f.done {
					o.followOne(f, started)
				}
			}
		}
		if o.UntilDone && allDone(r.list()) {
			return nil
		}
	}
}

// followOne logs what changed in one member and notes its end.
func (o *WatchOptions) followOne(f *followed, started time.Time) {
	s := f.w.Snapshot(time.Now(), started)
	who := f.who(o.AllNamespaces)
	for _, line := range f.log.NextLines(&s) {
		fmt.Fprintln(o.Out, render.LogLineFor(s.Now, who, line))
	}
	f.note(&s)
}

// note records s for the summary and notes the member's end: complete
// (once its pods agree), failed, or deleted.
func (f *followed) note(s *snapshot.Snapshot) {
	f.seen.Observe(s)
	if f.done {
		return
	}

	switch {
	case s.Phase == snapshot.PhaseDeleted:
		f.done, f.failed = true, errors.New("deleted while being watched")
	case s.Phase == snapshot.PhaseFailed || s.Phase == snapshot.PhaseOnDelete:
		f.done, f.failed = true, errors.New(s.Message)
	default:
		if over, _ := f.end.over(s, s.Now); over {
			f.done = true
		}
	}
}

func allDone(all []*followed) bool {
	for _, f := range all {
		if !f.done {
			return false
		}
	}
	return true
}

// printReleaseSummary tells each member's end, in the log's form.
func (o *WatchOptions) printReleaseSummary(ctx context.Context, all []*followed) {
	if !o.UntilDone {
		return
	}
	timedOut := errors.Is(context.Cause(ctx), errTimeout)
	for _, f := range all {
		outcome, reason := summary.Complete, ""
		switch {
		case f.left != "" || f.failed != nil && strings.HasPrefix(f.failed.Error(), "deleted"):
			outcome = summary.Deleted
		case f.failed != nil:
			outcome, reason = summary.Failed, f.failed.Error()
		case !f.done && timedOut:
			outcome = summary.TimedOut
		case !f.done:
			continue // interrupted: nothing more to say
		}
		sum := f.seen.Summary(outcome, reason, time.Now())
		fmt.Fprintln(o.Out, render.SummaryLogFor(time.Now(), f.who(o.AllNamespaces), &sum))
	}
}
