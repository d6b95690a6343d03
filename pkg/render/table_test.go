package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
)

func TestTableFrameFitsAndKeepsCursorVisible(t *testing.T) {
	tbl := &Table{Title: "deployment.apps/clerk-squad", Header: []string{"REVISION", "IMAGES"}, Footer: []string{"q quit"}}
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

// historyHeader and historyRows are a history table as pkg/history lays
// out its cells; the change-cause has wide characters, so that columns are
// aligned by display width, not by bytes.
var (
	historyHeader = []string{"REVISION", "IMAGES", "CHANGE-CAUSE", "AGE", "PODS", "REPLICASET"}
	historyRows   = [][]string{
		{"4 (current)", "registry.example/uniform:winter-2024", "冬の制服 for the winter", "3m", "6/6", "clerk-squad-6b7c8d9e0"},
		{"3", "registry.example/uniform:autumn-2024", "<none>", "2d", "0/0", "clerk-squad-5a6b7c8d9"},
		{"2 (was 1)", "registry.example/uniform:summer-2023,registry.example/badge:1.2", "<none>", "40d", "0/0", "clerk-squad-4f5a6b7c8"},
	}
)

// styled pins what pterm draws to st: its styling on or off as st.Color
// says (the commands' colorOn does the same), and the accent at true colour
// whatever terminal or CI runs the test.
func styled(t *testing.T, st Style) {
	t.Helper()
	was := theme.On()
	t.Cleanup(func() { theme.Setup(was) })
	theme.Setup(st.Color)
	t.Setenv("CI", "")
	t.Setenv("FORCE_COLOR", "3")
}

func TestHistoryTableGolden(t *testing.T) {
	cases := []struct {
		name           string
		width          int
		current, caret int
		style          Style
	}{
		{"history-table-color", 0, 0, -1, colour},
		{"history-table-nocolor", 0, 0, -1, mono},
		{"history-table-60cols", 60, 0, -1, mono},
		{"history-table-cursor-color", 100, 0, 1, colour},
		{"history-table-cursor-ascii", 100, 0, 1, ascii},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			styled(t, tc.style)
			lines := TableLines(historyHeader, historyRows, tc.current, tc.caret, tc.width, tc.style)
			if len(lines) != 1+len(historyRows) {
				t.Fatalf("%d lines for a header and %d rows:\n%s", len(lines), len(historyRows), strings.Join(lines, "\n"))
			}
			for _, l := range lines {
				if tc.width > 0 && columns(l) > tc.width {
					t.Errorf("wider than %d columns: %q", tc.width, l)
				}
				if plain := sgrPattern.ReplaceAllString(l, ""); strings.TrimRight(plain, " ") != plain {
					t.Errorf("trailing blanks: %q", l)
				}
				if !tc.style.Color && strings.Contains(l, "\x1b") {
					t.Errorf("an escape sequence without colour: %q", l)
				}
				if strings.ContainsAny(l, "|│─") {
					t.Errorf("a separator a script would have to parse: %q", l)
				}
			}
			if tc.width == 0 {
				aligned(t, lines)
			}
			if tc.style.Color {
				if !strings.Contains(lines[0], "\x1b[38;2;95;175;215m") {
					t.Errorf("header not in the accent: %q", lines[0])
				}
				if !strings.Contains(lines[1+tc.current], "\x1b["+theme.Current.Code()) {
					t.Errorf("current row not highlighted: %q", lines[1+tc.current])
				}
			}
			mark := "> "
			if tc.style.Unicode {
				mark = "› "
			}
			if tc.caret >= 0 && !strings.Contains(lines[1+tc.caret], mark+"3 ") {
				t.Errorf("cursor row not marked: %q", lines[1+tc.caret])
			}
			golden(t, tc.name, strings.Join(lines, "\n"))
		})
	}
}

// aligned checks that every cell starts at its header's display column.
func aligned(t *testing.T, lines []string) {
	t.Helper()
	head := sgrPattern.ReplaceAllString(lines[0], "")
	var starts []int
	at := 0
	for _, h := range historyHeader {
		i := at + strings.Index(head[at:], h)
		starts = append(starts, columns(head[:i]))
		at = i + len(h)
	}
	for r, row := range historyRows {
		l := sgrPattern.ReplaceAllString(lines[1+r], "")
		at := 0
		for c, cell := range row {
			i := strings.Index(l[at:], cell)
			if i < 0 {
				t.Fatalf("row %d lacks %q: %q", r, cell, l)
			}
			if col := columns(l[:at+i]); col != starts[c] {
				t.Errorf("row %d: %q starts at column %d, its header at %d:\n%s\n%s", r, cell, col, starts[c], head, l)
			}
			at += i + len(cell)
		}
	}
}

// The interactive history: a title, the table with its cursor on a row that
// is not the current one, and the keys, in colour.
func TestHistoryViewGolden(t *testing.T) {
	styled(t, colour)
	tbl := &Table{Title: "deployment.apps/clerk-squad · 3 revisions", Header: historyHeader, Rows: historyRows,
		Cursor: 2, Current: 0, Footer: []string{"↑/↓ move · enter/d diff against current · q quit"}}
	got := TableFrame(tbl, 90, 8, colour)
	checkFrame(t, got, 90, 8, colour)
	if !strings.Contains(got, "\x1b[7m› 2 (was 1)") {
		t.Errorf("the cursor row is not in reverse video:\n%s", got)
	}
	golden(t, "history-view-color", got)
}

// A question wrapped onto two lines ends the screen whole; the rows make
// room for it.
func TestTableFrameFooterOnTwoLines(t *testing.T) {
	tbl := &Table{Header: []string{"REVISION"}, Rows: [][]string{{"3"}, {"2"}, {"1"}}, Current: 0,
		Footer: []string{"Roll back deployment/clerk-squad from rev 3", "to rev 1? [y/N]"}}
	got := strings.Split(TableFrame(tbl, 50, 4, Style{Unicode: true}), "\n")
	if len(got) != 4 || got[2] != tbl.Footer[0] || got[3] != tbl.Footer[1] {
		t.Fatalf("%q", got)
	}
}
