package render

import (
	"fmt"
	"strings"
	"testing"
)

func TestTableFrameFitsAndKeepsCursorVisible(t *testing.T) {
	tbl := &Table{Title: "deployment.apps/clerk-squad", Header: []string{"REVISION", "IMAGES"}, Footer: "q quit"}
	for i := 50; i > 0; i-- {
		tbl.Rows = append(tbl.Rows, []string{fmt.Sprint(i), "registry.example/uniform:rev-" + fmt.Sprint(i)})
	}
	tbl.Cursor = 40
	for _, size := range [][2]int{{80, 10}, {20, 5}, {10, 3}, {200, 60}} {
		f := TableFrame(tbl, size[0], size[1], Style{Color: true, Unicode: true})
		lines := strings.Split(f, "\n")
		if len(lines) > size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for _, l := range lines {
			if columns(l) > size[0] {
				t.Errorf("%dx%d: line too wide: %q", size[0], size[1], l)
			}
		}
		if size[1] >= 5 && !strings.Contains(f, "› 10") {
			t.Errorf("%dx%d: selected row (revision 10) not visible:\n%s", size[0], size[1], f)
		}
	}
}

func TestQuestionKeepsTheAnswerKeys(t *testing.T) {
	q := "Roll back deployment/clerk-squad from rev 2 (uniform:winter-2024) to rev 1 (uniform:summer-2023)?"
	for _, w := range []int{200, 80, 40, 7, 6, 3} {
		got := Question(q, w, Style{Unicode: true})
		if c := columns(got); c > w {
			t.Errorf("width %d: %d columns: %q", w, c, got)
		}
		want := " [y/N]"
		if w <= len(want) {
			want = "[y/N]"[:min(w, 5)]
		}
		if !strings.HasSuffix(got, want) {
			t.Errorf("width %d: %q does not end in %q", w, got, want)
		}
	}
	if got := Question(q, 80, Style{}); !strings.Contains(got, "...") {
		t.Errorf("ascii style cuts with ...: %q", got)
	}
}

func TestHelpLine(t *testing.T) {
	bs := []Binding{{Keys: "↑/↓", ASCII: "up/down", Words: "move"}, {Keys: "u", Words: "undo", Writes: true}, {Keys: "q", Words: "quit"}}
	if got := HelpLine(bs, Style{Unicode: true}, true); got != "↑/↓ move · u undo · q quit" {
		t.Errorf("unicode: %q", got)
	}
	if got := HelpLine(bs, Style{}, false); got != "up/down move | q quit" {
		t.Errorf("ascii, read-only: %q", got)
	}
}

// An undo question too long for the screen wraps onto a second line: every
// word of it is seen, and [y/N] ends it, at 80 columns and below.
func TestQuestionLinesKeepTheWholeQuestion(t *testing.T) {
	q := "Roll back deployment/clerk-squad from rev 3 (uniform:winter-2024) to rev 2 (uniform:summer-2023)?"
	for _, width := range []int{120, 100, 80, 60} {
		lines := QuestionLines(q, width, Style{Unicode: true})
		if len(lines) > 2 {
			t.Fatalf("%d columns: %d lines", width, len(lines))
		}
		joined := strings.Join(lines, " ")
		if joined != q+" [y/N]" {
			t.Errorf("%d columns: %q, want the whole question then [y/N]", width, lines)
		}
		for _, l := range lines {
			if columns(l) > width {
				t.Errorf("%d columns: line %q is %d wide", width, l, columns(l))
			}
		}
	}
	// Too narrow for two lines: cut, but the keys stay.
	lines := QuestionLines(q, 30, Style{Unicode: true})
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, "[y/N]") || columns(last) > 30 {
		t.Errorf("30 columns: %q", lines)
	}
}

// The key help names every key on any screen: shorter words first, then
// the keys alone.
func TestHelpLineFitKeepsEveryKey(t *testing.T) {
	bs := []Binding{
		{Keys: "q", Words: "quit"},
		{Keys: "u", Words: "undo", Writes: true},
		{Keys: "p", Words: "pause/resume", Short: "pause", Writes: true},
		{Keys: "r", Words: "restart", Writes: true},
	}
	st := Style{Unicode: true}
	for width, want := range map[int]string{
		80: "q quit · u undo · p pause/resume · r restart",
		40: "q quit · u undo · p pause · r restart",
		20: "q · u · p · r",
	} {
		if got := HelpLineFit(bs, st, true, width); got != want {
			t.Errorf("%d columns: %q, want %q", width, got, want)
		}
	}
}
