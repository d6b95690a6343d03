package cmd

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
)

// revisions builds a workloadState with these revision numbers, newest
// first as loadWorkload lists them; the first one is current.
func revisions(numbers ...int64) *workloadState {
	st := &workloadState{}
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
		before     *workloadState
		cursor     int
		fresh      *workloadState
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
			v := &historyView{st: tt.before, cursor: tt.cursor}
			v.reload(tt.fresh)
			if v.st != tt.fresh {
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
			// Every key must be safe on the reloaded view.
			for _, k := range []terminal.Key{"j", "j", "j", "k", "d", "d", "u"} {
				v.key(k)
				render.TableFrame(v.table(render.Style{}, 80), 80, 24, render.Style{})
			}
		})
	}
}
