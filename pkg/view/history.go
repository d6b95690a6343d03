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

// historyKeys are the interactive history's keys; j/k move too, Esc quits.
var historyKeys = []render.Binding{
	{Keys: "↑/↓", ASCII: "up/down", Words: "move"},
	{Keys: "enter/d", Words: "diff against current", Short: "diff"},
	{Keys: "l", Words: "layers in the registry", Short: "layers"},
	{Keys: "u", Words: "undo to selected", Short: "undo", Writes: true},
	{Keys: "q", Words: "quit"},
}

// historyAction is what a key asks of the loop, beyond moving in the view.
type historyAction int

const (
	historyNone historyAction = iota
	historyQuit
	historyInterrupt
	historyPlanUndo
	historyUndo
	historyStdinClosed
	historyLayers
)

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
		switch v.key(k) {
		case historyQuit:
			return "", nil
		case historyInterrupt:
			return "", ErrInterrupted
		case historyStdinClosed:
			return "", ErrStdinClosed
		case historyUndo:
			if _, err := action.Undo(ctx, v.Client, v.plan, action.DryRunNone); err != nil {
				var changed *action.Changed
				v.status = "error: " + err.Error()
				if errors.As(err, &changed) && v.Reload != nil {
					// Show what it has become, so the user looks again.
					if fresh, lerr := v.Reload(ctx); lerr == nil {
						v.reload(fresh)
					}
				}
				continue
			}
			return fmt.Sprintf("%s rolled back to %s", v.Name, v.plan.Target.Label()), nil
		case historyLayers:
			if v.Layers == nil {
				v.status = "--registry=off: the registry is not asked"
				continue
			}
			v.asking()
			// Shown like a diff: any key goes back to the list.
			v.diff = v.Layers(ctx, v.State.Revisions, v.cursor)
		case historyPlanUndo:
			v.planUndo(ctx)
		}
	}
}

// planUndo prepares the question of an undo to the selected revision.
func (v *History) planUndo(ctx context.Context) {
	sel := v.selected()
	if sel == nil {
		return
	}
	// The row itself, not its number: two rows may carry one, or none (0,
	// which kubectl takes for the previous revision).
	plan, skip, err := action.PlanForTarget(v.State.Kind, v.State.Object, v.State.Revisions, sel)
	if err == nil && skip != "" {
		err = errors.New(skip)
	}
	if err != nil {
		v.status = "error: " + err.Error()
		return
	}
	if v.Images != nil {
		v.asking()
		plan.CheckImages(ctx, v.Client, v.Images)
	}
	v.plan, v.confirm = plan, true
	v.guard.Ask()
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

// key moves in the view, or says what the loop must do. A status line
// lasts until the next key.
func (v *History) key(k terminal.Key) historyAction {
	v.status = ""
	if k == terminal.KeyCtrlC {
		return historyInterrupt
	}
	if k == terminal.KeyEOF {
		return historyStdinClosed
	}
	if v.confirm {
		v.confirm = false
		if k == "y" || k == "Y" {
			return historyUndo
		}
		v.status = "cancelled: nothing was changed"
		return historyNone
	}
	if v.diff != nil {
		v.diff = nil // any key leaves the diff
		if k == "q" {
			return historyQuit
		}
		return historyNone
	}
	n := len(v.State.Revisions)
	switch k {
	case "q", terminal.KeyEsc:
		return historyQuit
	case terminal.KeyUp, "k":
		if v.cursor > 0 {
			v.cursor--
		}
	case terminal.KeyDown, "j":
		if v.cursor < n-1 {
			v.cursor++
		}
	case terminal.KeyEnter, "d":
		v.showDiff()
	case "u":
		if n > 0 {
			return historyPlanUndo
		}
	case "l":
		if n > 0 {
			return historyLayers
		}
	}
	return historyNone
}

// showDiff shows the selected revision against the current one.
func (v *History) showDiff() {
	sel := v.selected()
	if sel == nil {
		return
	}
	cur, ok := revision.CurrentOf(v.State.Revisions)
	if !ok {
		v.status = "no current revision to compare with"
		return
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
}

// table is the view as a table for a screen width columns wide.
func (v *History) table(st render.Style, width int) *render.Table {
	t := &render.Table{
		Title:  fmt.Sprintf("%s · %d revisions", v.Name, len(v.State.Revisions)),
		Header: history.Header,
		Cursor: v.cursor,
		Footer: []string{render.HelpLineFit(historyKeys, st, true, width)},
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
