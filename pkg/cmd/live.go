package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
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
	images    action.ImageLookup   // nil: an undo's question does not check the registry
	finished  func(*snapshot.Snapshot) error
	clock     func() time.Time // time.Now unless a test sets it

	settle settle    // with untilDone: when the view may end
	last   string    // the last frame drawn
	lastAt time.Time // the moment it shows
	snap   snapshot.Snapshot
	prompt *action.Pending
	// promptFor names the workload the prompt's action was planned for.
	promptFor string
	guard     terminal.Guard // which keys may answer the prompt
	// planning: a question is being prepared in the background (the undo
	// asks the registry first); planned delivers it.
	planning bool
	planned  chan plannedAction
	status   string
	statusT  time.Time
}

// liveKeys are the live view's keys; Esc and Ctrl-C also quit.
var liveKeys = []render.Binding{
	{Keys: "q", Words: "quit"},
	{Keys: "u", Words: "undo", Writes: true},
	{Keys: "p", Words: "pause/resume", Short: "pause", Writes: true},
	{Keys: "r", Words: "restart", Writes: true},
}

// now is the view's one clock: frames, statuses, the answer delay and
// the actions' timestamps all read it.
func (v *liveView) now() time.Time {
	if v.clock == nil {
		return time.Now()
	}
	return v.clock()
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
	if v.planned == nil {
		v.planned = make(chan plannedAction, 1)
	}
	for {
		if pending {
			if gap := v.now().Sub(lastDraw); gap < minFrameGap {
				throttle.Reset(minFrameGap - gap)
			} else {
				v.snap = v.watcher.Snapshot(v.now(), v.started)
				if err := v.draw(); err != nil {
					return err
				}
				lastDraw, pending = v.now(), false
				if err := v.finished(&v.snap); err != nil {
					return err
				}
				if v.untilDone {
					if over, _ := v.settle.over(&v.snap, v.now()); over && v.prompt == nil && !v.planning {
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
		case r := <-v.planned:
			v.questionReady(r)
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
			if k = v.guard.Filter(k, v.prompt != nil, v.now()); k == "" {
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
	var bottom []string
	switch {
	case v.prompt != nil:
		bottom = render.QuestionLines(v.prompt.Question, width, v.style)
	case v.status != "" && v.now().Sub(v.statusT) < 5*time.Second:
		bottom = []string{runewidth.Truncate(v.status, width, "")}
	case v.client != nil && height > 8:
		bottom = []string{render.HelpLineFit(liveKeys, v.style, true, width)}
	}
	// The bottom lines take from the picture, never the picture from a
	// question, which must be read whole.
	if len(bottom) >= height {
		bottom = bottom[len(bottom)-max(height-1, 1):]
	}
	frameHeight := height - len(bottom)
	frame := ""
	if frameHeight > 0 {
		frame = render.Frame(&v.snap, width, frameHeight, v.style)
		v.last, v.lastAt = frame, v.snap.Now
	}
	if len(bottom) > 0 {
		if frame != "" {
			frame += "\n"
		}
		frame += strings.Join(bottom, "\n")
	}
	if err := v.screen.Draw(frame); err != nil {
		return err
	}
	if v.prompt != nil {
		v.guard.Shown(v.now(), v.in, v.keys)
	}
	return nil
}

func (v *liveView) key(ctx context.Context, k terminal.Key) error {
	if v.prompt != nil {
		p := v.prompt
		v.prompt = nil
		switch k {
		case "y", "Y":
			done, err := p.Apply(ctx, v.client, action.DryRunNone)
			if err != nil {
				v.setStatus("error: " + err.Error())
			} else {
				v.setStatus(objectName(v.watcher.Kind(), v.promptFor) + " " + done)
			}
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
		if v.planning {
			return nil // one question at a time
		}
		if k == "u" && v.images != nil {
			v.planUndoInBackground(ctx)
			return nil
		}
		p, err := v.plan(ctx, k)
		if err != nil {
			v.setStatus("error: " + err.Error())
			return nil
		}
		v.prompt = p
		v.guard.Ask()
	}
	return nil
}

// plannedAction is a question prepared in the background, or why not.
type plannedAction struct {
	pending *action.Pending
	err     error
}

// planUndoInBackground prepares the undo's question while frames go on:
// asking the registry may take seconds, and the question comes only after
// it, so that it can say what the registry holds.
func (v *liveView) planUndoInBackground(ctx context.Context) {
	obj := v.watcher.Object()
	if obj == nil {
		v.setStatus("error: the workload is gone")
		return
	}
	v.promptFor = obj.GetName()
	kind, client, images := v.watcher.Kind(), v.client, v.images
	v.planning = true
	v.setStatus("asking the registry about the undo's images…")
	go func() {
		p, err := action.UndoShown(ctx, client, kind, obj, images)
		v.planned <- plannedAction{p, err}
	}()
}

// questionReady shows a question prepared in the background.
func (v *liveView) questionReady(r plannedAction) {
	v.planning = false
	if r.err != nil {
		v.setStatus("error: " + r.err.Error())
		return
	}
	v.status = ""
	v.prompt = r.pending
	v.guard.Ask()
}

// setStatus shows s on the bottom line for a while; s may carry text from
// the API server (an error), so it is sanitized.
func (v *liveView) setStatus(s string) {
	v.status, v.statusT = sanitize.Text(s), v.now()
}

// plan prepares u, p or r against the workload exactly as shown.
func (v *liveView) plan(ctx context.Context, k terminal.Key) (*action.Pending, error) {
	obj := v.watcher.Object()
	if obj == nil {
		return nil, errors.New("the workload is gone")
	}
	v.promptFor = obj.GetName()
	kind := v.watcher.Kind()
	switch k {
	case "p":
		return action.Pause(kind, obj)
	case "r":
		return action.Restart(kind, obj, v.now), nil
	case "u":
		return action.UndoShown(ctx, v.client, kind, obj, v.images)
	}
	return nil, fmt.Errorf("no action for key %q", k)
}
