package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mattn/go-runewidth"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/rollback"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
)

// liveView draws a rollout on an open screen until the user quits, the
// rollout ends (untilDone) or ctx ends. With a client it also offers
// u (undo), p (pause/resume) and r (restart), each after a confirmation.
type liveView struct {
	screen    *terminal.Screen
	in        io.Reader // the keyboard, flushed when a question appears
	keys      <-chan terminal.Key
	out       io.Writer
	style     render.Style
	watcher   *watcher.Workload
	started   time.Time
	untilDone bool
	client    kubernetes.Interface // nil: no actions
	finished  func(*snapshot.Snapshot) error

	settle  settle // with untilDone: when the view may end
	last    string // the last frame drawn
	snap    snapshot.Snapshot
	prompt  *pendingAction
	guard   terminal.Guard // which keys may answer the prompt
	status  string
	statusT time.Time
}

type pendingAction struct {
	question string
	do       func(context.Context) (string, error)
}

// liveKeys are the live view's keys; Esc and Ctrl-C also quit.
var liveKeys = []render.Binding{
	{Keys: "q", Words: "quit"},
	{Keys: "u", Words: "undo", Writes: true},
	{Keys: "p", Words: "pause/resume", Writes: true},
	{Keys: "r", Words: "restart", Writes: true},
}

// errQuit ends the view at the user's request.
var errQuit = errors.New("quit")

func (v *liveView) run(ctx context.Context) error {
	resizes, stopResizes := terminal.Resizes()
	defer stopResizes()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()

	// Frames are limited to ~30 a second: a burst of events becomes one frame.
	const minFrameGap = 50 * time.Millisecond
	var lastDraw time.Time
	pending := true
	throttle := time.NewTimer(0)
	for {
		if pending {
			if gap := time.Since(lastDraw); gap < minFrameGap {
				throttle.Reset(minFrameGap - gap)
			} else {
				v.snap = v.watcher.Snapshot(time.Now(), v.started)
				if err := v.draw(); err != nil {
					return err
				}
				lastDraw, pending = time.Now(), false
				if err := v.finished(&v.snap); err != nil {
					return err
				}
				if v.untilDone {
					if over, _ := v.settle.over(&v.snap, time.Now()); over && v.prompt == nil {
						return nil
					}
				}
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-v.watcher.Changes():
			pending = true
		case <-resizes:
			pending = true
		case <-tick.C:
			pending = true
		case <-throttle.C:
		case k, ok := <-v.keys:
			if !ok || k == terminal.KeyEOF {
				// Nobody can answer any more: a pending question is
				// cancelled, so --until-done can still end.
				v.keys = nil
				if v.prompt != nil {
					v.prompt = nil
					v.setStatus("cancelled (input closed): nothing was changed")
				}
				pending = true
				continue
			}
			if k = v.guard.Filter(k, v.prompt != nil, time.Now()); k == "" {
				continue
			}
			if err := v.key(ctx, k); err != nil {
				return err
			}
			pending = true
		}
	}
}

func (v *liveView) draw() error {
	width, height := terminal.Size(v.out)
	var bottom string
	switch {
	case v.prompt != nil:
		bottom = render.Question(v.prompt.question, width, v.style)
	case v.status != "" && time.Since(v.statusT) < 5*time.Second:
		bottom = v.status
	case v.client != nil && height > 8:
		bottom = render.HelpLine(liveKeys, v.style, true)
	}
	frameHeight := height
	if bottom != "" && height > 1 {
		frameHeight--
	}
	frame := render.Frame(&v.snap, width, frameHeight, v.style)
	v.last = frame
	if bottom != "" && height > 1 {
		frame += "\n" + runewidth.Truncate(bottom, width, "")
	}
	if err := v.screen.Draw(frame); err != nil {
		return err
	}
	if v.prompt != nil {
		v.guard.Shown(time.Now(), v.in, v.keys)
	}
	return nil
}

func (v *liveView) key(ctx context.Context, k terminal.Key) error {
	if v.prompt != nil {
		p := v.prompt
		v.prompt = nil
		switch k {
		case "y", "Y":
			msg, err := p.do(ctx)
			if err != nil {
				msg = "error: " + err.Error()
			}
			v.setStatus(msg)
		case terminal.KeyCtrlC:
			return &ExitError{Code: 130}
		default:
			v.setStatus("cancelled: nothing was changed")
		}
		return nil
	}
	switch k {
	case "q", terminal.KeyEsc:
		return errQuit
	case terminal.KeyCtrlC:
		return &ExitError{Code: 130}
	default:
		if b, ok := render.Bound(liveKeys, string(k)); !ok || !b.Writes || v.client == nil {
			return nil
		}
		p, err := v.action(ctx, k)
		if err != nil {
			v.setStatus("error: " + err.Error())
			return nil
		}
		v.prompt = p
		v.guard.Ask()
	}
	return nil
}

// setStatus shows s on the bottom line for a while; s may carry text from
// the API server (an error), so it is sanitized.
func (v *liveView) setStatus(s string) {
	v.status, v.statusT = sanitize.Text(s), time.Now()
}

// action prepares u, p or r against the workload exactly as shown.
func (v *liveView) action(ctx context.Context, k terminal.Key) (*pendingAction, error) {
	obj := v.watcher.Object()
	if obj == nil {
		return nil, errors.New("the workload is gone")
	}
	kind := v.watcher.Kind()
	name := obj.GetName()
	shownName := objectName(kind, name)
	switch k {
	case "p":
		paused, ok := kind.Paused(obj)
		if !ok {
			return nil, fmt.Errorf("%s: pausing is only supported for deployments, as in kubectl", shownName)
		}
		verb := "Pause"
		if paused {
			verb = "Resume"
		}
		return &pendingAction{
			question: fmt.Sprintf("%s the rollout of %s/%s?", verb, lower(kind), name),
			do: func(ctx context.Context) (string, error) {
				patch, err := rollback.PausePatch(obj, !paused)
				if err != nil {
					return "", err
				}
				if err := rollback.Apply(ctx, v.client, kind, obj, patch, rollback.DryRunNone); err != nil {
					return "", err
				}
				if paused {
					return shownName + " resumed", nil
				}
				return shownName + " paused", nil
			},
		}, nil
	case "r":
		tplAnnotations := kind.Template(obj).Annotations
		return &pendingAction{
			question: fmt.Sprintf("Restart every pod of %s/%s?", lower(kind), name),
			do: func(ctx context.Context) (string, error) {
				patch, err := rollback.RestartPatch(obj, tplAnnotations, time.Now())
				if err != nil {
					return "", err
				}
				if err := rollback.Apply(ctx, v.client, kind, obj, patch, rollback.DryRunNone); err != nil {
					return "", err
				}
				return shownName + " restarted", nil
			},
		}, nil
	}
	st, err := loadWorkload(ctx, v.client, kind, obj.GetNamespace(), name)
	if err != nil {
		return nil, err
	}
	// Plan against what is on screen: another pod template means someone
	// else changed it, and the user has not seen that yet. (A scale moves
	// the generation but changes nothing an undo replaces.)
	if err := rollback.StillShown(kind, obj, kind.Template(obj), st.Object); err != nil {
		return nil, err
	}
	st.Object, st.Template = obj, kind.Template(obj)
	plan, skip, err := planFor(st, 0)
	if err == nil && skip != "" {
		err = errors.New(skip)
	}
	if err != nil {
		return nil, err
	}
	return &pendingAction{
		question: undoQuestion(kind, name, plan),
		do: func(ctx context.Context) (string, error) {
			result, err := rollback.Undo(ctx, v.client, plan, rollback.DryRunNone)
			if err != nil {
				return "", err
			}
			return shownName + " " + result, nil
		},
	}, nil
}
