package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/release"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/view"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

var errTimeout = errors.New("timeout")

// printSummary tells how --until-done ended for each workload followed,
// below the last frame or log line: a single watch on a terminal in a box,
// otherwise in the log's form. An interrupted watch says nothing more.
func (o *WatchOptions) printSummary(ctx context.Context, all []*release.Followed) {
	if !o.UntilDone {
		return
	}
	timedOut := errors.Is(context.Cause(ctx), errTimeout)
	now := time.Now()
	for _, f := range all {
		sum, ok := f.Track.Summary(timedOut, now)
		switch {
		case !ok:
		case o.release:
			fmt.Fprintln(o.Out, render.SummaryLogFor(now, f.Who(o.AllNamespaces), &sum))
		case o.tty:
			width, _ := terminal.Size(o.Out)
			fmt.Fprintln(o.Out, render.SummaryBox(&sum, width, o.style))
		default:
			fmt.Fprintln(o.Out, render.SummaryLog(now, &sum))
		}
	}
}

// runPlain prints a timestamped line per meaningful change: for pipes, CI
// logs and --plain.
func (o *WatchOptions) runPlain(ctx context.Context, f *release.Followed, started time.Time) error {
	var last *snapshot.Snapshot
	var recheck <-chan time.Time // while the pods lag a finished rollout, or --fail-after runs
	for {
		select {
		case <-ctx.Done():
			return o.interrupted(ctx, last)
		case <-f.W.Changes():
		case <-recheck:
		}
		s, lines := f.Step(time.Now(), started)
		for _, line := range lines {
			fmt.Fprintln(o.Out, render.LogLine(s.Now, line))
		}
		last = &s
		if err := o.ended(f, &s); err != nil || o.UntilDone && f.Track.Ended() {
			return err
		}
		if wait := f.Track.Wait(s.Now); wait > 0 {
			recheck = time.After(wait)
		}
	}
}

// runScreen draws the live view on the alternate screen.
func (o *WatchOptions) runScreen(ctx context.Context, f *release.Followed, started time.Time) error {
	v := &view.Live{
		Out: o.Out, Style: o.style, Sources: []*view.Source{view.SourceOf(f, false)}, Started: started,
		UntilDone: o.UntilDone, Client: o.client, Images: o.images,
		Finished: func(s *snapshot.Snapshot) error { return o.ended(f, s) },
	}
	err := o.drawLive(ctx, v)
	if ctx.Err() != nil && !errors.Is(err, view.ErrQuit) {
		return o.interrupted(ctx, v.Current())
	}
	if errors.Is(err, view.ErrQuit) {
		return nil
	}
	return err
}

// drawLive runs v on the alternate screen, and leaves its last picture on
// the normal screen, saying when it was taken (the rollout goes on
// without us), as kubectl would leave its last line.
func (o *WatchOptions) drawLive(ctx context.Context, v *view.Live) (err error) {
	screen, err := terminal.Open(o.Out, o.In)
	if err != nil {
		return err
	}
	v.Screen = screen
	defer func() {
		screen.Restore()
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v (please report it)", r)
		}
		if last, at := v.LastFrame(); last != "" {
			fmt.Fprintln(o.Out, last)
			fmt.Fprintln(o.Out, theme.Faint.Sprint("last frame at "+at.Format("15:04:05")))
		}
	}()
	if screen.Raw() {
		v.In, v.Keys = o.In, terminal.ReadKeys(o.In)
	}
	if err = v.Run(ctx); errors.Is(err, view.ErrInterrupted) {
		return &ExitError{Code: ExitInterrupted}
	}
	return err
}

// ended turns how the workload ended into the exit the watch promises: a
// deletion ends any watch, a failure (with --fail-after, a hopeless wait)
// ends --until-done.
func (o *WatchOptions) ended(f *release.Followed, s *snapshot.Snapshot) error {
	switch {
	case s.Phase == snapshot.PhaseDeleted:
		return fmt.Errorf("%s %q in namespace %q was deleted while being watched", workload.Lower(o.kind), o.name, o.namespace)
	case o.UntilDone:
		return f.Track.Err()
	}
	return nil
}

func (o *WatchOptions) interrupted(ctx context.Context, s *snapshot.Snapshot) error {
	if errors.Is(context.Cause(ctx), errTimeout) {
		msg := fmt.Sprintf("timed out after %s waiting for %s %q to finish its rollout", o.Timeout, workload.Lower(o.kind), o.name)
		if s != nil && s.Message != "" {
			msg += "; last status: " + strings.TrimSuffix(s.Message, "...")
		}
		return &ExitError{Code: ExitTimeout, Err: errors.New(msg)}
	}
	return signalExit(ctx)
}
