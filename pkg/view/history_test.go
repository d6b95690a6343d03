package view

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// revisions builds a history.State with these revision numbers, newest
// first as loadWorkload lists them; the first one is current.
func revisions(numbers ...int64) *history.State {
	st := &history.State{}
	for i, n := range numbers {
		st.Revisions = append(st.Revisions, revision.Revision{Number: n, Current: i == 0, Template: &corev1.PodTemplateSpec{}})
	}
	return st
}

// A refused undo reloads the history, which may have fewer revisions than
// the one the cursor was on: the view must stay usable.
func TestHistoryViewReload(t *testing.T) {
	tests := []struct {
		name       string
		before     *history.State
		cursor     int
		fresh      *history.State
		wantCursor int
		wantNumber int64 // 0: nothing selected
	}{
		{"selected revision kept, at a new index", revisions(5, 4, 3, 2, 1), 3, revisions(7, 6, 2), 2, 2},
		{"selected revision gone, list shorter: clamped", revisions(5, 4, 3, 2, 1), 4, revisions(9, 8), 1, 8},
		{"selected revision gone, cursor still in range", revisions(5, 4, 3), 1, revisions(6, 5, 3), 1, 5},
		{"list now empty", revisions(3, 2, 1), 2, revisions(), 0, 0},
		{"list was empty", revisions(), 0, revisions(2, 1), 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &History{State: tt.before, cursor: tt.cursor}
			v.reload(tt.fresh)
			if v.State != tt.fresh {
				t.Fatalf("reload kept the old state")
			}
			if v.cursor != tt.wantCursor {
				t.Errorf("cursor = %d, want %d", v.cursor, tt.wantCursor)
			}
			sel := v.selected()
			switch {
			case tt.wantNumber == 0 && sel != nil:
				t.Errorf("selected() = rev %d, want nil", sel.Number)
			case tt.wantNumber != 0 && sel == nil:
				t.Errorf("selected() = nil, want rev %d", tt.wantNumber)
			case tt.wantNumber != 0 && sel.Number != tt.wantNumber:
				t.Errorf("selected() = rev %d, want rev %d", sel.Number, tt.wantNumber)
			}
			// Every key that moves or shows must be safe on the reloaded
			// view (u plans against the workload: TestHistoryViewKeys).
			for _, k := range []terminal.Key{"j", "j", "j", "k", "d", "d", "l", "x"} {
				_, _ = v.key(context.Background(), k)
				render.TableFrame(v.table(render.Style{}, 80), 80, 24, render.Style{})
			}
		})
	}
}

func TestHistoryViewKeys(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	st, err := history.Load(context.Background(), c, workload.Deployment, "shop", "steer")
	if err != nil {
		t.Fatal(err)
	}
	v := &History{State: st, Name: "deployment.apps/steer"}
	ctx := context.Background()
	steps := []struct {
		key  terminal.Key
		want error
		then func() bool
	}{
		{"k", nil, func() bool { return v.cursor == 0 }},
		{"j", nil, func() bool { return v.cursor == 1 }},
		{terminal.KeyDown, nil, func() bool { return v.cursor == 1 }},
		{"d", nil, func() bool { return strings.Contains(strings.Join(v.diff, "\n"), "-  - image: summer") }},
		{"x", nil, func() bool { return v.diff == nil }},
		{"l", nil, func() bool { return strings.Contains(v.status, "--registry=off") }},
		{"u", nil, func() bool { return v.confirm && v.plan != nil && v.plan.Target.Number == 1 }},
		{"n", nil, func() bool {
			return !v.confirm && strings.Contains(strings.Join(v.table(render.Style{}, 80).Footer, " "), "cancelled")
		}},
		{terminal.KeyEsc, ErrQuit, nil},
		{terminal.KeyCtrlC, ErrInterrupted, nil},
		{terminal.KeyEOF, ErrStdinClosed, nil},
	}
	for _, s := range steps {
		if undone, err := v.key(ctx, s.key); err != s.want || undone != "" || (s.then != nil && !s.then()) {
			t.Fatalf("key %q: %v %q, cursor %d, diff %d lines, status %q", s.key, err, undone, v.cursor, len(v.diff), v.status)
		}
	}
	plan, skip, err := action.PlanFor(v.State.Kind, v.State.Object, v.State.Revisions, v.selected().Number)
	if err != nil || skip != "" {
		t.Fatal(skip, err)
	}
	v.plan, v.confirm = plan, true
	footer := v.table(render.Style{}, 60).Footer
	if last := footer[len(footer)-1]; !strings.HasSuffix(last, "[y/N]") || len(footer) > 2 || len(footer[0]) > 60 || len(last) > 60 ||
		!strings.Contains(strings.Join(footer, " "), plan.Question()) {
		t.Errorf("the question at 60 columns, whole on at most two lines: %q", footer)
	}
	// Without a client the confirmed undo fails, and says so; the view goes on.
	v.Client = fake.NewClientset()
	if undone, err := v.key(ctx, "y"); err != nil || undone != "" || !strings.HasPrefix(v.status, "error: ") {
		t.Errorf("y on a workload gone: %q %v, status %q", undone, err, v.status)
	}
}

// The interactive history on a screen: d shows the diff, any key goes
// back, u asks, and y (once the question has been seen) rolls back and
// says to what; the Deployment then runs the revision chosen.
func TestHistoryRunRollsBack(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := history.Load(ctx, c, workload.Deployment, "shop", "steer")
	if err != nil {
		t.Fatal(err)
	}
	out := &fixtures.Buffer{}
	screen, err := terminal.Open(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := make(chan terminal.Key, 4)
	v := &History{Screen: screen, Keys: keys, Out: out, Name: "deployment.apps/steer", State: st, Client: c}
	type result struct {
		undone string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		undone, err := v.Run(ctx)
		done <- result{undone, err}
	}()
	out.WaitFor(t, "deployment.apps/steer · 2 revisions")
	keys <- "l"
	out.WaitFor(t, "--registry=off: the registry is not asked")
	keys <- "j"
	keys <- "d"
	out.WaitFor(t, "-  - image: summer")
	keys <- "x"
	keys <- "u"
	out.WaitFor(t, "[y/N]")
	time.Sleep(terminal.AnswerDelay + 100*time.Millisecond)
	keys <- "y"
	select {
	case r := <-done:
		if r.err != nil || r.undone != "deployment.apps/steer rolled back to rev 1 (summer)" {
			t.Fatalf("after y: %q, %v", r.undone, r.err)
		}
	case <-ctx.Done():
		t.Fatalf("the view did not end after y:\n%s", out)
	}
	got, err := c.AppsV1().Deployments("shop").Get(ctx, "steer", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if img := got.Spec.Template.Spec.Containers[0].Image; img != "summer" {
		t.Errorf("after the undo the Deployment runs %s, want summer", img)
	}
}

// Input that closes ends the view with a line saying how to go on.
func TestHistoryRunStdinClosed(t *testing.T) {
	out := &fixtures.Buffer{}
	screen, err := terminal.Open(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := make(chan terminal.Key)
	close(keys)
	v := &History{Screen: screen, Keys: keys, Out: out, Name: "deployment.apps/steer", State: revisions(2, 1)}
	if _, err := v.Run(context.Background()); !errors.Is(err, ErrStdinClosed) {
		t.Errorf("closed input: %v", err)
	}
}
