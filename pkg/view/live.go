package view

import (
	"context"
	"errors"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/release"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/track"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// Live draws a rollout on an open screen until the user quits, the
// rollout ends (UntilDone) or ctx ends. With a Client it also offers
// u (undo), p (pause/resume) and r (restart), each after a confirmation.
//
// A release is several workloads in one view: one section each, of which
// one is selected (↑/↓, Tab); Enter zooms into the selected one's own
// view, Esc comes back, and the actions apply to the selected one.
type Live struct {
	Screen  *terminal.Screen
	In      io.Reader // the keyboard, flushed when a question appears
	Keys    <-chan terminal.Key
	Out     io.Writer
	Style   render.Style
	Sources []*Source // one per workload, in the order shown
	// Roster brings the workloads that join or leave a release selected
	// by -l; AllNamespaces names them with their namespace.
	Roster        <-chan release.Change
	AllNamespaces bool
	Started       time.Time
	UntilDone     bool
	Client        kubernetes.Interface // nil: no actions
	Images        registry.Lookup      // nil: an undo's question does not check the registry
	// Finished, if set, ends the view with an error for a snapshot.
	Finished func(*snapshot.Snapshot) error
	Clock    func() time.Time // time.Now unless a test sets it

	selected int           // index in Sources
	zoomed   bool          // a release shows its selected workload alone
	changed  chan struct{} // every source's changes, merged
	last     string        // the last frame drawn
	lastAt   time.Time     // the moment it shows
	prompt   *action.Pending
	// promptFor is the workload the prompt's action was planned for.
	promptFor *Source
	guard     terminal.Guard // which keys may answer the prompt
	// planning: a question is being prepared in the background (the undo
	// asks the registry first); planned delivers it.
	planning bool
	planned  chan plannedAction
	status   string
	statusT  time.Time
}

// Source is one workload of the view, and what the view knows of it.
type Source struct {
	W   *watcher.Workload
	Who string // as the release's log names it: kind/name
	// Track hears each snapshot and tells when the workload has ended
	// (the view makes one if nil).
	Track *track.Tracker

	snap snapshot.Snapshot
}

// One makes the sources of a single workload's view.
func One(w *watcher.Workload) []*Source { return []*Source{{W: w}} }

// SourceOf makes the view's source of a followed workload: a release's
// member, or a single watch, which is a release of one.
func SourceOf(f *release.Followed, allNamespaces bool) *Source {
	return &Source{W: f.W, Who: f.Who(allNamespaces), Track: f.Track}
}

// LastFrame is the last picture drawn and the moment it shows, for the
// normal screen once the view ends ("" when none was drawn).
func (v *Live) LastFrame() (string, time.Time) { return v.last, v.lastAt }

// Current is the latest snapshot of the workload the keys act on.
func (v *Live) Current() *snapshot.Snapshot { return &v.current().snap }

// liveBinding is a key of the live view.
type liveBinding = binding[*Live]

// liveKeys are the live view's keys; Ctrl-C also quits (exit 130).
var liveKeys = []liveBinding{
	{Help: render.Binding{Keys: "q", Words: "quit"}, Press: []terminal.Key{"q", terminal.KeyEsc}, Do: (*Live).quit},
	{Help: render.Binding{Keys: "u", Words: "undo", Writes: true}, Press: []terminal.Key{"u"}, Do: (*Live).askUndo},
	{Help: render.Binding{Keys: "p", Words: "pause/resume", Short: "pause", Writes: true}, Press: []terminal.Key{"p"}, Do: ask(func(v *Live, _ context.Context, kind workload.Kind, obj metav1.Object) (*action.Pending, error) {
		return action.Pause(kind, obj)
	})},
	{Help: render.Binding{Keys: "r", Words: "restart", Writes: true}, Press: []terminal.Key{"r"}, Do: ask(func(v *Live, _ context.Context, kind workload.Kind, obj metav1.Object) (*action.Pending, error) {
		return action.Restart(kind, obj, v.now), nil
	})},
}

// releaseKeys add choosing a workload to a release's view.
var releaseKeys = append([]liveBinding{
	{Help: render.Binding{Keys: "↑/↓", ASCII: "up/down", Words: "select"}, Press: []terminal.Key{terminal.KeyUp, "k", terminal.KeyBackTab}, Do: func(v *Live, _ context.Context) error {
		v.selected = (v.selected + len(v.Sources) - 1) % len(v.Sources)
		return nil
	}},
	{Press: []terminal.Key{terminal.KeyDown, "j", terminal.KeyTab}, Do: func(v *Live, _ context.Context) error {
		v.selected = (v.selected + 1) % len(v.Sources)
		return nil
	}},
	{Help: render.Binding{Keys: "enter", Words: "zoom"}, Press: []terminal.Key{terminal.KeyEnter}, Do: func(v *Live, _ context.Context) error {
		v.zoomed = true
		return nil
	}},
}, liveKeys...)

// zoomedKeys are a release's keys while one workload fills the screen:
// Esc comes back instead of quitting.
var zoomedKeys = append([]liveBinding{
	{Help: render.Binding{Keys: "esc", Words: "back"}, Press: []terminal.Key{terminal.KeyEsc}, Do: func(v *Live, _ context.Context) error {
		v.zoomed = false
		return nil
	}},
}, liveKeys...)

// release tells whether the view shows several workloads.
func (v *Live) release() bool { return len(v.Sources) > 1 }

// current is the workload the keys act on.
func (v *Live) current() *Source { return v.Sources[v.selected] }

// bindings are the keys of the view as it is now.
func (v *Live) bindings() []liveBinding {
	switch {
	case !v.release():
		return liveKeys
	case v.zoomed:
		return zoomedKeys
	}
	return releaseKeys
}

// now is the view's one clock: frames, statuses, the answer delay and
// the actions' timestamps all read it.
func (v *Live) now() time.Time {
	if v.Clock == nil {
		return time.Now()
	}
	return v.Clock()
}

// ErrQuit ends a view at the user's request.
var ErrQuit = errors.New("quit")

// ErrInterrupted ends a view at Ctrl-C, read as a key on a raw terminal:
// the command exits 130, as for SIGINT.
var ErrInterrupted = errors.New("interrupted")

func (v *Live) Run(ctx context.Context) error {
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
	changes := v.changes(ctx)
	for {
		if pending {
			if gap := v.now().Sub(lastDraw); gap < minFrameGap {
				throttle.Reset(minFrameGap - gap)
			} else {
				for _, src := range v.Sources {
					src.snap = src.W.Snapshot(v.now(), v.Started)
				}
				if err := v.draw(); err != nil {
					return err
				}
				lastDraw, pending = v.now(), false
				over := true
				for _, src := range v.Sources {
					if src.Track == nil {
						src.Track = track.New(0)
					}
					src.Track.Note(&src.snap)
					if v.Finished != nil {
						if err := v.Finished(&src.snap); err != nil {
							return err
						}
					}
					over = over && src.Track.Ended()
				}
				// A workload that joined or left is shown before the end.
				if v.UntilDone && over && v.prompt == nil && !v.planning && len(v.Roster) == 0 {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changes:
			pending = true
		case c := <-v.Roster:
			v.join(ctx, c)
			pending = true
		case <-resizes:
			pending = true
		case <-tick.C:
			pending = true
		case r := <-v.planned:
			v.questionReady(r)
			pending = true
		case <-throttle.C:
		case k, ok := <-v.Keys:
			if !ok || k == terminal.KeyEOF {
				// Nobody can answer any more: a pending question is
				// cancelled, so --until-done can still end.
				v.Keys = nil
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

func (v *Live) draw() error {
	width, height := terminal.Size(v.Out)
	var bottom []string
	switch {
	case v.prompt != nil:
		// A screen of one or two rows is the question's alone.
		bottom = render.PromptLines(v.prompt.Asked(), width, min(height, 2), v.Style)
	case v.status != "" && v.now().Sub(v.statusT) < 5*time.Second:
		bottom = []string{runewidth.Truncate(v.status, width, "")}
	case v.Client != nil && height > 8:
		bottom = []string{render.HelpLineFit(helpOf(v.bindings()), v.Style, true, width)}
	}
	// The bottom lines take from the picture, never the picture from a
	// question, which must be read whole.
	if len(bottom) > height {
		bottom = bottom[len(bottom)-height:]
	}
	frameHeight := height - len(bottom)
	frame := ""
	if frameHeight > 0 {
		if v.release() && !v.zoomed {
			secs := make([]render.Section, len(v.Sources))
			for i, src := range v.Sources {
				secs[i] = render.Section{Who: src.Who, Snap: &src.snap}
			}
			frame = render.ReleaseFrame(secs, v.selected, width, frameHeight, v.Style)
		} else {
			frame = render.Frame(&v.current().snap, width, frameHeight, v.Style)
		}
		v.last, v.lastAt = frame, v.current().snap.Now
	}
	if len(bottom) > 0 {
		if frame != "" {
			frame += "\n"
		}
		frame += strings.Join(bottom, "\n")
	}
	if err := v.Screen.Draw(frame); err != nil {
		return err
	}
	if v.prompt != nil {
		v.guard.Shown(v.now(), v.In, v.Keys)
	}
	return nil
}

func (v *Live) key(ctx context.Context, k terminal.Key) error {
	if v.prompt != nil {
		p := v.prompt
		v.prompt = nil
		switch k {
		case "y", "Y":
			done, err := p.Apply(ctx, v.Client, action.DryRunNone)
			if err != nil {
				v.setStatus("error: " + err.Error())
			} else {
				v.setStatus(v.promptFor.name() + " " + done)
			}
		case terminal.KeyCtrlC:
			return ErrInterrupted
		default:
			v.setStatus("cancelled: nothing was changed")
		}
		return nil
	}
	if k == terminal.KeyCtrlC {
		return ErrInterrupted
	}
	b, ok := lookup(v.bindings(), k)
	// One question at a time, and none without a client to act with.
	if !ok || b.Help.Writes && (v.Client == nil || v.planning) {
		return nil
	}
	return b.Do(v, ctx)
}

func (v *Live) quit(context.Context) error { return ErrQuit }

// askUndo prepares the undo's question: in the background when the
// registry is asked first.
func (v *Live) askUndo(ctx context.Context) error {
	if v.Images != nil {
		v.planUndoInBackground(ctx)
		return nil
	}
	return ask(func(v *Live, ctx context.Context, kind workload.Kind, obj metav1.Object) (*action.Pending, error) {
		return action.UndoShown(ctx, v.Client, kind, obj, nil)
	})(v, ctx)
}

// ask makes a binding that plans an action against the selected workload
// exactly as shown, and asks its question.
func ask(plan func(v *Live, ctx context.Context, kind workload.Kind, obj metav1.Object) (*action.Pending, error)) func(*Live, context.Context) error {
	return func(v *Live, ctx context.Context) error {
		src := v.current()
		obj := src.W.Object()
		if obj == nil {
			v.setStatus("error: the workload is gone")
			return nil
		}
		v.promptFor = src
		p, err := plan(v, ctx, src.W.Kind(), obj)
		if err != nil {
			v.setStatus("error: " + err.Error())
			return nil
		}
		v.prompt = p
		v.guard.Ask()
		return nil
	}
}

// plannedAction is a question prepared in the background, or why not.
type plannedAction struct {
	pending *action.Pending
	err     error
}

// planUndoInBackground prepares the undo's question while frames go on:
// asking the registry may take seconds, and the question comes only after
// it, so that it can say what the registry holds.
func (v *Live) planUndoInBackground(ctx context.Context) {
	src := v.current()
	obj := src.W.Object()
	if obj == nil {
		v.setStatus("error: the workload is gone")
		return
	}
	v.promptFor = src
	kind, client, images := src.W.Kind(), v.Client, v.Images
	v.planning = true
	v.setStatus("asking the registry about the undo's images…")
	go func() {
		p, err := action.UndoShown(ctx, client, kind, obj, images)
		v.planned <- plannedAction{p, err}
	}()
}

// questionReady shows a question prepared in the background.
func (v *Live) questionReady(r plannedAction) {
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
func (v *Live) setStatus(s string) {
	v.status, v.statusT = sanitize.Text(s), v.now()
}

// changes merges the sources' change signals into one, coalesced.
func (v *Live) changes(ctx context.Context) <-chan struct{} {
	if len(v.Sources) == 1 && v.Roster == nil {
		return v.Sources[0].W.Changes()
	}
	v.changed = make(chan struct{}, 1)
	for _, src := range v.Sources {
		v.listen(ctx, src)
	}
	return v.changed
}

// listen forwards src's changes to the merged signal until the view or
// src's watch ends (a member that left the release).
func (v *Live) listen(ctx context.Context, src *Source) {
	go func(in <-chan struct{}, gone <-chan struct{}) {
		for {
			select {
			case <-ctx.Done():
				return
			case <-gone:
				return
			case <-in:
				select {
				case v.changed <- struct{}{}:
				default:
				}
			}
		}
	}(src.W.Changes(), src.W.Done())
}

// join applies a change of the release's members: a new one takes its
// place in the order, one that left goes; the selection stays on the
// workload it was on, and the bottom line says what happened.
func (v *Live) join(ctx context.Context, c release.Change) {
	selected := v.current()
	switch {
	case c.Add != nil:
		src := SourceOf(c.Add, v.AllNamespaces)
		at := sort.Search(len(v.Sources), func(i int) bool { return v.Sources[i].W.Key() > src.W.Key() })
		v.Sources = slices.Insert(v.Sources, at, src)
		v.listen(ctx, src)
	case c.Remove != nil:
		c.Remove.Leave(c.Say)
		i := slices.IndexFunc(v.Sources, func(s *Source) bool { return s.W == c.Remove.W })
		if i < 0 || len(v.Sources) == 1 {
			// The last workload stays on screen, saying it was deleted.
			break
		}
		v.Sources = slices.Delete(v.Sources, i, i+1)
		if selected.W == c.Remove.W {
			selected = v.Sources[min(i, len(v.Sources)-1)]
			v.zoomed = false
		}
	}
	v.selected = max(slices.Index(v.Sources, selected), 0)
	v.setStatus(c.Say)
}

// name is how a status line names the workload: kind/name.
func (src *Source) name() string {
	return workload.ObjectName(src.W.Kind(), src.W.Name())
}
