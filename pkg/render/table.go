package render

import (
	"strings"

	"github.com/pterm/pterm"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
)

// Table is an interactive list: a title, a header, rows with one selected,
// then either a detail body (e.g. a diff) or nothing, and a footer.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
	Cursor int // index of the selected row
	// Current is the index of the row to highlight, e.g. the revision the
	// workload runs; -1 for none.
	Current int
	Body    []string // shown below the table instead of more rows, when set
	// Footer ends the screen: the key help, or a question on one or two
	// lines (QuestionLines), which the rows make room for.
	Footer []string
}

// TableFrame draws t into at most height lines of at most width columns,
// keeping the selected row in view and the footer on the last line.
func TableFrame(t *Table, width, height int, st Style) string {
	if width < 1 || height < 1 {
		return ""
	}
	grid := TableLines(t.Header, t.Rows, t.Current, max(t.Cursor, 0), width, st)
	var lines []string
	if t.Title != "" {
		lines = append(lines, t.Title)
	}
	lines = append(lines, grid[0])

	// A footer as tall as the screen takes all of it: a question is read
	// whole or not at all.
	footer := t.Footer
	if len(footer) > height {
		footer = footer[len(footer)-height:]
	}
	room := height - len(lines) - len(footer)
	if len(t.Body) > 0 {
		// Keep the selected row and as much of the body as fits.
		if t.Cursor >= 0 && t.Cursor < len(t.Rows) {
			lines = append(lines, grid[1+t.Cursor])
		}
		lines = append(lines, t.Body...)
	} else {
		first := 0
		if room > 0 && t.Cursor >= room {
			first = t.Cursor - room + 1
		}
		for i := first; i < len(t.Rows) && i-first < room; i++ {
			lines = append(lines, grid[1+i])
		}
	}
	if len(footer) > 0 {
		above := height - len(footer)
		for len(lines) < above {
			lines = append(lines, "")
		}
		lines = append(lines[:above], footer...)
	}
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if !st.Unicode {
			l = strings.ReplaceAll(l, "›", ">")
		}
		lines[i] = truncate(l, width, "")
	}
	return strings.Join(lines, "\n")
}

// TableLines lays out a table with pterm's table printer and paints it with
// the theme: the header line first, then one line per row, columns
// separated by two spaces as kubectl's tables are, no trailing blanks.
// current is the index of the row to highlight (the revision the workload
// runs) and cursor the index of the row under a cursor; -1 for none. With a
// cursor every line gets a two-column margin, the cursor row's showing "› ".
// Lines are cut to width display columns when width > 0: pterm never cuts.
//
// Colour needs both st.Color and pterm's styling on (theme.Setup): a pipe
// gets no escape sequence even if a caller forgot one of them.
func TableLines(header []string, rows [][]string, current, cursor, width int, st Style) []string {
	data := make([][]string, 0, len(rows)+1)
	for _, row := range append([][]string{header}, rows...) {
		cells := make([]string, len(row))
		for i, c := range row {
			// A newline would make pterm draw a row on two lines, and
			// rows would no longer be lines.
			cells[i] = clean(c, false)
		}
		data = append(data, cells)
	}
	// Separators and padding are spaces without style: pterm's default
	// table colours its "│" separators and draws a rule under the header,
	// neither of which belongs in output that scripts read.
	// Srender has no failing path; the error is only its signature's.
	out, _ := pterm.TablePrinter{Separator: "  ", LeftAlignment: true, Data: data}.Srender()
	laid := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for len(laid) < len(data) {
		laid = append(laid, "") // a table of empty rows
	}

	margin, mark := "", ""
	if cursor >= 0 {
		margin, mark = "  ", "> "
		if st.Unicode {
			mark = "› "
		}
	}
	lines := make([]string, len(data))
	for i, l := range laid[:len(data)] {
		row := i - 1
		m := margin
		if row >= 0 && row == cursor {
			m = mark
		}
		l = m + strings.TrimRight(l, " ")
		if width > 0 {
			// Cut before painting, so that no escape is ever cut.
			l = strings.TrimRight(truncate(l, width, ""), " ")
		}
		if st.Color {
			l = paint(l, row, current, cursor, len(m))
		}
		lines[i] = l
	}
	return lines
}

// paint styles a line of a table laid out by TableLines: row -1 is the
// header. The margin stays unpainted except on the cursor row, where the
// reverse video runs from the mark to the end of the row.
func paint(l string, row, current, cursor, margin int) string {
	switch {
	case row >= 0 && row == cursor:
		style := theme.Selected
		if row == current {
			style = append(append(pterm.Style{}, theme.Selected...), theme.Current...)
		}
		return style.Sprint(l)
	case len(l) <= margin:
		return l
	case row < 0:
		return l[:margin] + theme.Header(l[margin:])
	case row == current:
		return l[:margin] + theme.Current.Sprint(l[margin:])
	}
	return l
}
