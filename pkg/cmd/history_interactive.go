package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/explain"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/view"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// runInteractive shows the interactive history and, after an undo, the
// rollout to the restored revision on the same screen.
func (o *HistoryOptions) runInteractive(ctx context.Context, st *history.State) (err error) {
	ctx, stop := withSignals(ctx)
	defer stop()
	screen, err := terminal.Open(o.Out, o.In)
	if err != nil {
		return err
	}
	var undone string
	defer func() {
		screen.Restore()
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v (please report it)", r)
		}
		if undone != "" {
			fmt.Fprintln(o.Out, undone)
		}
	}()
	keys := terminal.ReadKeys(o.In)
	style := render.Style{Color: o.color, Unicode: terminal.UTF8()}
	v := &view.History{
		Screen: screen, In: o.In, Keys: keys, Out: o.Out, Style: style,
		Name: workload.ObjectName(o.kind, o.name), State: st, Client: o.client, Reload: o.load,
	}
	if o.Registry == registryOn {
		v.Layers = func(ctx context.Context, revs []revision.Revision, i int) []string {
			return o.layerPane(ctx, revs, i, style)
		}
		v.Images = o.lookupClient().ImageFor
	}
	undone, err = v.Run(ctx)
	switch {
	case ctx.Err() != nil:
		return signalExit(ctx)
	case errors.Is(err, view.ErrInterrupted):
		return &ExitError{Code: ExitInterrupted}
	case err != nil || undone == "":
		return err
	}
	return o.watchAfterUndo(ctx, screen, keys, style)
}

// watchAfterUndo shows the rollout to the restored revision on the same
// screen until it completes or the user quits.
func (o *HistoryOptions) watchAfterUndo(ctx context.Context, screen *terminal.Screen, keys <-chan terminal.Key, style render.Style) error {
	w := watcher.New(o.client, o.kind, o.namespace, o.name).WithWhere(whereOf(o.configFlags))
	if err := w.Start(ctx); err != nil {
		return explain.Get(err, workload.Lower(o.kind), o.name, o.namespace)
	}
	v := &view.Live{
		Screen: screen, Keys: keys, Out: o.Out, Style: style, Sources: view.One(w), Started: time.Now(),
		UntilDone: true, Finished: func(*snapshot.Snapshot) error { return nil },
	}
	err := v.Run(ctx)
	switch {
	case errors.Is(err, view.ErrQuit) || ctx.Err() != nil:
		return nil
	case errors.Is(err, view.ErrInterrupted):
		return &ExitError{Code: ExitInterrupted}
	}
	return err
}
