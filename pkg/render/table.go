package render

import "strings"

// Table is an interactive list: a title, a header, rows with one selected,
// then either a detail body (e.g. a diff) or nothing, and a footer.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
	Cursor int      // index of the selected row
	Body   []string // shown below the table instead of more rows, when set
	Footer string
}

// TableFrame draws t into at most height lines of at most width columns,
// keeping the selected row in view and the footer on the last line.
func TableFrame(t *Table, width, height int, st Style) string {
	if width < 1 || height < 1 {
		return ""
	}
	widths := make([]int, len(t.Header))
	for _, row := range append([][]string{t.Header}, t.Rows...) {
		for i, c := range row {
			if i < len(widths) && columns(c) > widths[i] {
				widths[i] = columns(c)
			}
		}
	}
	format := func(row []string) string {
		var b strings.Builder
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-columns(c)+2))
			}
		}
		return b.String()
	}
	var lines []string
	if t.Title != "" {
		lines = append(lines, t.Title)
	}
	lines = append(lines, "  "+format(t.Header))

	room := height - len(lines)
	if t.Footer != "" {
		room--
	}
	if len(t.Body) > 0 {
		// Keep the selected row and as much of the body as fits.
		lines = append(lines, "› "+format(t.Rows[t.Cursor]))
		lines = append(lines, t.Body...)
	} else {
		first := 0
		if room > 0 && t.Cursor >= room {
			first = t.Cursor - room + 1
		}
		for i := first; i < len(t.Rows) && i-first < room; i++ {
			l := "  " + format(t.Rows[i])
			if i == t.Cursor {
				l = "› " + format(t.Rows[i])
				if st.Color {
					l = "\x1b[" + sgrSelected + "m" + l + sgrReset
				}
			}
			lines = append(lines, l)
		}
	}
	if t.Footer != "" {
		for len(lines) < height-1 {
			lines = append(lines, "")
		}
		if len(lines) > height-1 {
			lines = lines[:height-1]
		}
		lines = append(lines, t.Footer)
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
