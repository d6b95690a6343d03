package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/summary"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/track"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/view"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// printSummary tells in three lines how --until-done ended, below the last
// frame or log line; an interrupted watch says nothing more.
func (o *WatchOptions) printSummary(err error) {
	outcome, reason := summary.Complete, ""
	var ex *ExitError
	switch {
	case err == nil:
	case errors.As(err, &ex) && ex.Code == ExitTimeout:
		outcome = summary.TimedOut
	case errors.As(err, &ex) || errors.Is(err, view.ErrQuit):
		return
	case errors.Is(err, errDeleted):
		outcome = summary.Deleted
	default:
		outcome, reason = summary.Failed, err.Error()
	}
	sum := o.seen.Summary(outcome, reason, time.Now())
	if sum.Workload == "" {
		return // never saw the workload
	}
	if o.tty {
		width, _ := terminal.Size(o.Out)
		fmt.Fprintln(o.Out, render.SummaryBox(&sum, width, o.style))
		return
	}
	fmt.Fprintln(o.Out, render.SummaryLog(time.Now(), &sum))
}

var (
	errTimeout = errors.New("timeout")
	errDeleted = errors.New("was deleted while being watched")
)

// runPlain prints a timestamped line per meaningful change: for pipes, CI
// logs and --plain.
func (o *WatchOptions) runPlain(ctx context.Context, w *watcher.Workload, started time.Time) error {
	var prev *snapshot.Snapshot
	var log render.Log
	var end track.Settle
	var recheck <-chan time.Time // while the pods lag a finished rollout
	for {
		select {
		case <-ctx.Done():
			return o.interrupted(ctx, prev)
		case <-w.Changes():
		case <-recheck:
		}
		s := w.Snapshot(time.Now(), started)
		for _, line := range log.NextLines(&s) {
			fmt.Fprintln(o.Out, render.LogLine(s.Now, line))
		}
		prev = &s
		if err := o.finished(&s); err != nil {
			return err
		}
		if !o.UntilDone {
			continue
		}
		over, wait := end.Over(&s, s.Now)
		if over {
			return nil
		}
		// A stuck pod changes nothing while --fail-after runs out.
		if stuck := o.failFast.Wait(s.Now); stuck > 0 && (wait == 0 || stuck < wait) {
			wait = stuck
		}
		if wait > 0 {
			recheck = time.After(wait)
		}
	}
}

// runScreen draws the live view on the alternate screen.
func (o *WatchOptions) runScreen(ctx context.Context, w *watcher.Workload, started time.Time) error {
	v := &view.Live{
		Out: o.Out, Style: o.style, Sources: view.One(w), Started: started,
		UntilDone: o.UntilDone, Client: o.client, Finished: o.finished, Images: o.images,
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

// finished turns a terminal phase into the exit --until-done promises.
// It also records s for the summary: it sees every snapshot, in both modes.
func (o *WatchOptions) finished(s *snapshot.Snapshot) error {
	o.seen.Observe(s)
	switch {
	case s.Phase == snapshot.PhaseDeleted:
		return fmt.Errorf("%s %q in namespace %q %w", workload.Lower(o.kind), o.name, o.namespace, errDeleted)
	case o.UntilDone && (s.Phase == snapshot.PhaseFailed || s.Phase == snapshot.PhaseOnDelete):
		return errors.New(s.Message)
	case o.UntilDone:
		return o.failFast.Check(s)
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
