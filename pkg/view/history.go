package view

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
)

// ErrStdinClosed ends an interactive view whose keyboard went away.
var ErrStdinClosed = errors.New("standard input closed while waiting for a key; run it in a terminal, or pipe its output to get the plain table")

// History is the interactive history: the revisions as a table with a
// cursor. Enter or d diffs the selected revision against the current one,
// l shows what the registry holds for it, u rolls back to it after a
// confirmation, q quits.
type History struct {
	Screen *terminal.Screen
	In     io.Reader // the keyboard, flushed when the question appears
	Keys   <-chan terminal.Key
	Out    io.Writer
	Style  render.Style
	Name   string // as kubectl prints it, e.g. deployment.apps/clerk-squad
	State  *history.State
	Client kubernetes.Interface
	// Reload reads the workload again: after a refused undo the user is
	// shown what it has become.
	Reload func(context.Context) (*history.State, error)
	// Layers is what the registry holds for revs[i], for l; nil when the
	// registry may not be asked (--registry=off).
	Layers func(ctx context.Context, revs []revision.Revision, i int) []string
	// Images checks the undo's images before the question; nil: not asked.
	Images registry.Lookup
	Clock  func() time.Time // time.Now unless a test sets it

	cursor  int
	diff    []string
	confirm bool
	plan    *action.Plan
	status  string
	guard   terminal.Guard // which keys may answer the undo's question
}

// historyBinding is a key of the interactive history.
type historyBinding = binding[*History]

// historyKeys are the interactive history's keys; Ctrl-C also quits (exit
// 130). While a diff or the layers show, any key goes back to the list.
// They are set in init: the table's actions draw the help line, which
// reads the table.
var historyKeys []historyBinding

func init() {
	historyKeys = []historyBinding{
		{Help: render.Binding{Keys: "↑/↓", ASCII: "up/down", Words: "move"}, Press: []terminal.Key{terminal.KeyUp, "k"}, Do: func(v *History, _ context.Context) error {
			v.cursor = max(v.cursor-1, 0)
			return nil
		}},
		{Press: []terminal.Key{terminal.KeyDown, "j"}, Do: func(v *History, _ context.Context) error {
			v.cursor = max(min(v.cursor+1, len(v.State.Revisions)-1), 0)
			return nil
		}},
		{Help: render.Binding{Keys: "enter/d", Words: "diff against current", Short: "diff"}, Press: []terminal.Key{terminal.KeyEnter, "d"}, Do: (*History).showDiff},
		{Help: render.Binding{Keys: "l", Words: "layers in the registry", Short: "layers"}, Press: []terminal.Key{"l"}, Do: (*History).showLayers},
		{Help: render.Binding{Keys: "u", Words: "undo to selected", Short: "undo", Writes: true}, Press: []terminal.Key{"u"}, Do: (*History).planUndo},
		{Help: render.Binding{Keys: "q", Words: "quit"}, Press: []terminal.Key{"q", terminal.KeyEsc}, Do: func(*History, context.Context) error { return ErrQuit }},
	}
}

func (v *History) now() time.Time {
	if v.Clock == nil {
		return time.Now()
	}
	return v.Clock()
}

// Run shows the history until the user quits, or rolls back: undone then
// says what was restored ("deployment.apps/x rolled back to rev 2"), and
// the caller shows the rollout on the same screen.
func (v *History) Run(ctx context.Context) (undone string, err error) {
	resizes, stopResizes := terminal.Resizes()
	defer stopResizes()
	for {
		if err := v.draw(); err != nil {
			return "", err
		}
		if v.confirm {
			v.guard.Shown(v.now(), v.In, v.Keys)
		}
		var k terminal.Key
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-resizes:
			continue
		case key, ok := <-v.Keys:
			if !ok {
				key = terminal.KeyEOF
			}
			if k = v.guard.Filter(key, v.confirm, v.now()); k == "" {
				continue
			}
		}
		undone, err := v.key(ctx, k)
		switch {
		case errors.Is(err, ErrQuit):
			return "", nil
		case err != nil:
			return "", err
		case undone != "":
			return undone, nil
		}
	}
}

// planUndo prepares the question of an undo to the selected revision.
func (v *History) planUndo(ctx context.Context) error {
	sel := v.selected()
	if sel == nil {
		return nil
	}
	// The row itself, not its number: two rows may carry one, or none (0,
	// which kubectl takes for the previous revision).
	plan, skip, err := action.PlanForTarget(v.State.Kind, v.State.Object, v.State.Revisions, sel)
	if err == nil && skip != "" {
		err = errors.New(skip)
	}
	if err != nil {
		v.status = "error: " + err.Error()
		return nil
	}
	if v.Images != nil {
		v.asking()
		plan.CheckImages(ctx, v.Client, v.Images)
	}
	v.plan, v.confirm = plan, true
	v.guard.Ask()
	return nil
}

// undo applies the undo the user confirmed. A refused one (the workload
// changed after the question) shows the workload as it has become, so
// that the user looks again.
func (v *History) undo(ctx context.Context) (undone string) {
	if _, err := action.Undo(ctx, v.Client, v.plan, action.DryRunNone); err != nil {
		var changed *action.Changed
		v.status = "error: " + err.Error()
		if errors.As(err, &changed) && v.Reload != nil {
			if fresh, lerr := v.Reload(ctx); lerr == nil {
				v.reload(fresh)
			}
		}
		return ""
	}
	return fmt.Sprintf("%s rolled back to %s", v.Name, v.plan.Target.Label())
}

// showLayers shows what the registry holds for the selected revision,
// like a diff: any key goes back to the list.
func (v *History) showLayers(ctx context.Context) error {
	if len(v.State.Revisions) == 0 {
		return nil
	}
	if v.Layers == nil {
		v.status = "--registry=off: the registry is not asked"
		return nil
	}
	v.asking()
	v.diff = v.Layers(ctx, v.State.Revisions, v.cursor)
	return nil
}

// asking says that the registry is asked: one that answers slowly must not
// look like a frozen screen.
func (v *History) asking() {
	v.status = "asking the registry…"
	_ = v.draw()
	v.status = ""
}

func (v *History) draw() error {
	width, height := terminal.Size(v.Out)
	t := v.table(v.Style, width)
	if v.confirm && height < 2 {
		// One row: the question on it alone, its images shortened first.
		t.Footer = render.PromptLines(v.plan.Prompt(), width, height, v.Style)
	}
	return v.Screen.Draw(render.TableFrame(t, width, height, v.Style))
}

// selected is the revision under the cursor, or nil when there is none (an
// empty history).
func (v *History) selected() *revision.Revision {
	if v.cursor < 0 || v.cursor >= len(v.State.Revisions) {
		return nil
	}
	return &v.State.Revisions[v.cursor]
}

// reload shows fresh in place of the current state. The list may have
// changed under the cursor (e.g. a refused undo reloads a shorter one), so
// the selection follows the same revision number when it is still listed,
// and is clamped into range otherwise: an index left past the end would
// panic on the next key.
func (v *History) reload(fresh *history.State) {
	var number int64
	if sel := v.selected(); sel != nil {
		number = sel.Number
	}
	v.State = fresh
	for i := range fresh.Revisions {
		if number != 0 && fresh.Revisions[i].Number == number {
			v.cursor = i
			return
		}
	}
	v.cursor = min(v.cursor, len(fresh.Revisions)-1)
	v.cursor = max(v.cursor, 0)
}

// key handles k: it moves, shows, asks, or ends the view with ErrQuit,
// or with what a confirmed undo restored. A status line lasts until the
// next key.
func (v *History) key(ctx context.Context, k terminal.Key) (undone string, err error) {
	v.status = ""
	switch {
	case k == terminal.KeyCtrlC:
		return "", ErrInterrupted
	case k == terminal.KeyEOF:
		return "", ErrStdinClosed
	case v.confirm:
		v.confirm = false
		if k == "y" || k == "Y" {
			return v.undo(ctx), nil
		}
		v.status = "cancelled: nothing was changed"
		return "", nil
	case v.diff != nil:
		v.diff = nil // any key leaves the diff
		if k == "q" {
			return "", ErrQuit
		}
		return "", nil
	}
	if b, ok := lookup(historyKeys, k); ok {
		return "", b.Do(v, ctx)
	}
	return "", nil
}

// showDiff shows the selected revision against the current one.
func (v *History) showDiff(context.Context) error {
	sel := v.selected()
	if sel == nil {
		return nil
	}
	cur, ok := revision.CurrentOf(v.State.Revisions)
	if !ok {
		v.status = "no current revision to compare with"
		return nil
	}
	d, err := history.Diff(sel, cur)
	switch {
	case err != nil:
		v.status = "error: " + err.Error()
	case d == "":
		v.diff = []string{fmt.Sprintf("rev %d and the current rev %d have the same pod template", sel.Number, cur.Number)}
	default:
		v.diff = strings.Split(strings.TrimRight(d, "\n"), "\n")
	}
	return nil
}

// table is the view as a table for a screen width columns wide.
func (v *History) table(st render.Style, width int) *render.Table {
	t := &render.Table{
		Title:  fmt.Sprintf("%s · %d revisions", v.Name, len(v.State.Revisions)),
		Header: history.Header,
		Cursor: v.cursor,
		Footer: []string{render.HelpLineFit(helpOf(historyKeys), st, true, width)},
	}
	t.Rows, t.Current = history.Rows(v.State.Revisions, v.now())
	if len(t.Rows) == 0 {
		t.Rows = [][]string{{"No rollout history found."}}
	}
	if v.diff != nil {
		t.Body = v.diff
		if st.Color {
			t.Body = strings.Split(history.ColorDiff(strings.Join(v.diff, "\n")), "\n")
		}
		t.Footer = []string{"any key: back to the list"}
	}
	switch {
	case v.confirm:
		t.Footer = render.PromptLines(v.plan.Prompt(), width, 2, st)
	case v.status != "":
		// Statuses carry API error text.
		t.Footer = []string{sanitize.Text(v.status)}
	}
	return t
}
