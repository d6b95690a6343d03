package cmd

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/cli-runtime/pkg/resource"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
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
		b = b.ResourceTypes("deployments.apps", "statefulsets.apps", "daemonsets.apps").SelectAllParam(o.Selector == "")
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
		return nil, ignored, usageError(errors.New("no Deployment, StatefulSet or DaemonSet found to watch: check the arguments, -l and -f"))
	}
	sort.Slice(members, func(i, j int) bool { return members[i].who(true) < members[j].who(true) })
	return members, ignored, nil
}

// followed is what the release view knows of one member.
type followed struct {
	member
	w      *watcher.Workload
	log    render.Log
	end    settle
	seen   summary.Recorder
	failed error // why it failed, once it has
	done   bool  // complete, failed or deleted
}

// runRelease follows several workloads at once, as one log: every line
// says which workload it is about. With --until-done it ends when every
// one has ended, failing if any failed. The terminal gets the same lines:
// the sectioned live view of a release is not drawn yet. ctx ends at
// --timeout or a signal, as for one workload.
func (o *WatchOptions) runRelease(ctx context.Context) error {
	if o.ignored > 0 {
		fmt.Fprintf(o.ErrOut, "%d objects ignored: not a Deployment, StatefulSet or DaemonSet\n", o.ignored)
	}
	started := time.Now()
	changes := make(chan int, len(o.members))
	all := make([]*followed, len(o.members))
	for i, m := range o.members {
		f := &followed{member: m, w: watcher.New(o.client, m.kind, m.namespace, m.name)}
		if err := f.w.Start(ctx); err != nil {
			if ctx.Err() != nil {
				return signalExit(ctx)
			}
			return explainGetError(ctx, o.client, err, lower(m.kind), m.name, m.namespace)
		}
		all[i] = f
		// Each member's changes are funnelled to this one loop, which
		// alone writes the log; a send gives up when the watch ends.
		go func(i int) {
			for {
				select {
				case <-ctx.Done():
					return
				case <-f.w.Changes():
					select {
					case changes <- i:
					case <-ctx.Done():
						return
					}
				}
			}
		}(i)
	}
	for _, f := range all {
		o.followOne(f, started)
	}
	recheck := time.NewTicker(time.Second)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
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
		case i := <-changes:
			o.followOne(all[i], started)
		case <-recheck.C:
			// A member whose pods lag a finished status ends without a change.
			for _, f := range all {
				if !f.done {
					o.followOne(f, started)
				}
			}
		}
		if !o.UntilDone || !allDone(all) {
			continue
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
}

// followOne logs what changed in one member and notes its end.
func (o *WatchOptions) followOne(f *followed, started time.Time) {
	s := f.w.Snapshot(time.Now(), started)
	f.seen.Observe(&s)
	who := f.who(o.AllNamespaces)
	for _, line := range f.log.NextLines(&s) {
		fmt.Fprintln(o.Out, render.LogLineFor(s.Now, who, line))
	}
	if f.done {
		return
	}
	switch {
	case s.Phase == snapshot.PhaseDeleted:
		f.done, f.failed = true, errors.New("deleted while being watched")
	case s.Phase == snapshot.PhaseFailed || s.Phase == snapshot.PhaseOnDelete:
		f.done, f.failed = true, errors.New(s.Message)
	default:
		if over, _ := f.end.over(&s, s.Now); over {
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
		case f.failed != nil && strings.HasPrefix(f.failed.Error(), "deleted"):
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
