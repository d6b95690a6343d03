package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/resource"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/explain"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/release"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/view"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// releaseMembers finds the workloads a release view follows, as kubectl
// rollout status finds them: by arguments, -l and -f, through cli-runtime's
// resource builder. Objects of other kinds (a Service in a manifest) are
// counted, not followed.
func (o *WatchOptions) releaseMembers() (members []release.Member, ignored int, err error) {
	b := resource.NewBuilder(o.configFlags).Unstructured().ContinueOnError().
		NamespaceParam(o.namespace).DefaultNamespace().AllNamespaces(o.AllNamespaces).
		FilenameParam(false, &resource.FilenameOptions{Filenames: o.Filenames, Recursive: o.Recursive}).
		LabelSelectorParam(o.Selector).Flatten()
	switch {
	case len(o.args) > 0:
		b = b.ResourceTypeOrNameArgs(true, o.args...)
	case len(o.Filenames) == 0:
		// -l alone: every kind we follow.
		b = b.ResourceTypes(workload.ResourceTypes()...).SelectAllParam(o.Selector == "")
	}
	infos, err := b.Do().Infos()
	if err != nil {
		if explain.IsConn(err) {
			return nil, 0, explain.Conn(err)
		}
		return nil, 0, fmt.Errorf("find the release's workloads: %w", err)
	}
	if members, ignored = release.FromInfos(infos); len(members) == 0 {
		return nil, ignored, usageError(fmt.Errorf("no %s found to watch: check the arguments, -l and -f", workload.Names("or")))
	}
	return members, ignored, nil
}

// bySelector tells whether the release is whatever -l selects, which
// changes while it is watched, rather than named workloads.
func (o *WatchOptions) bySelector() bool {
	return o.Selector != "" && len(o.args) == 0 && len(o.Filenames) == 0
}

// follow starts watching one member, from the release's shared informers
// when there are (no round trip of its own).
func (o *WatchOptions) follow(ctx context.Context, m release.Member, reg *registry.Client, shared *watcher.Shared) (*release.Followed, error) {
	w := o.newWatcher(m.Kind, m.Namespace, m.Name, reg)
	if shared != nil {
		w = w.WithShared(shared, o.sharedNamespace(), o.Selector)
	}
	return release.Follow(ctx, m, w, o.FailAfter)
}

// sharedNamespace is where the release's shared informers list: every
// namespace with -A.
func (o *WatchOptions) sharedNamespace() string {
	if o.AllNamespaces {
		return metav1.NamespaceAll
	}
	return o.namespace
}

// selection is the release -l selects, as it changes.
func (o *WatchOptions) selection(shared *watcher.Shared, reg *registry.Client) *release.Selection {
	return &release.Selection{
		Client: o.client, Shared: shared, Namespace: o.sharedNamespace(), Selector: o.Selector, AllNamespaces: o.AllNamespaces,
		Follow: func(ctx context.Context, m release.Member) (*release.Followed, error) {
			return o.follow(ctx, m, reg, shared)
		},
		Refused: func(k workload.Kind, err error) error {
			switch {
			case apierrors.IsForbidden(err):
				return fmt.Errorf("cannot watch the workloads matching -l %s: listing %s is forbidden: %s", o.Selector, k.Resource(), sanitize.Text(err.Error()))
			case explain.IsConn(err):
				return explain.Conn(err)
			}
			return nil
		},
	}
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
	r := &release.Roster{}
	var shared *watcher.Shared
	var changes <-chan release.Change
	adopt := func(*release.Followed) {}
	members := o.members
	if o.bySelector() {
		shared = watcher.NewShared(ctx, o.client)
		var err error
		if members, changes, adopt, err = o.selection(shared, reg).Start(ctx, r); err != nil {
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
	all := make([]*release.Followed, len(members))
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
		return explain.GetIn(ctx, o.client, err, workload.Lower(m.Kind), m.Name, m.Namespace)
	}
	for _, f := range all {
		adopt(f)
		r.Add(f)
	}
	var err error
	if o.tty {
		err = o.releaseScreen(ctx, r, changes, started)
	} else {
		err = view.ReleaseLog(ctx, o.Out, r, changes, started, o.UntilDone, o.AllNamespaces)
	}
	all = r.List()
	switch {
	case errors.Is(err, view.ErrQuit):
		return nil
	case err != nil:
		return err
	case ctx.Err() != nil:
		o.printSummary(ctx, all)
		if !errors.Is(context.Cause(ctx), errTimeout) {
			return signalExit(ctx)
		}
		return &ExitError{Code: ExitTimeout, Err: fmt.Errorf("timed out after %s waiting for %s to finish their rollouts", o.Timeout, strings.Join(release.Pending(all, o.AllNamespaces), ", "))}
	}
	o.printSummary(ctx, all)
	if failures := release.Failures(all, o.AllNamespaces); len(failures) > 0 {
		return fmt.Errorf("%d of %d workloads failed: %s", len(failures), len(all), strings.Join(failures, "; "))
	}
	return nil
}

// releaseScreen draws the release as one live view. It returns nil when
// --until-done saw every workload end, view.ErrQuit when the user quit,
// and nothing of ctx: the caller tells a timeout from a signal.
func (o *WatchOptions) releaseScreen(ctx context.Context, r *release.Roster, changes <-chan release.Change, started time.Time) error {
	all := r.List()
	sources := make([]*view.Source, len(all))
	for i, f := range all {
		sources[i] = view.SourceOf(f, o.AllNamespaces)
	}
	v := &view.Live{
		Out: o.Out, Style: o.style, Sources: sources, Started: started,
		UntilDone: o.UntilDone, Client: o.client, Images: o.images,
		Roster: changes, AllNamespaces: o.AllNamespaces,
	}
	err := o.drawLive(ctx, v)
	if ctx.Err() != nil && !errors.Is(err, view.ErrQuit) {
		return nil
	}
	return err
}
