package render

import "strings"

// Binding is one key of a view, as data: the help line is drawn from it, so
// that it can never disagree with the keys a view lists.
type Binding struct {
	Keys  string // as shown, e.g. "↑/↓"
	ASCII string // Keys for terminals without Unicode; empty when Keys is ASCII
	Words string // what the key does, e.g. "undo"
	// Short is Words for narrow screens; empty when Words is short already.
	Short string
	// Writes: the key changes the cluster (after a confirmation).
	Writes bool
}

// HelpLine lists the bindings, "q quit · u undo", in the style's alphabet.
// Without writes, bindings that change the cluster are left out.
func HelpLine(bs []Binding, st Style, writes bool) string {
	sep := " · "
	if !st.Unicode {
		sep = " | "
	}
	var parts []string
	for _, b := range bs {
		if b.Writes && !writes {
			continue
		}
		keys := b.Keys
		if !st.Unicode && b.ASCII != "" {
			keys = b.ASCII
		}
		parts = append(parts, strings.TrimSpace(keys+" "+b.Words))
	}
	return strings.Join(parts, sep)
}

// HelpLineFit is HelpLine within width columns: with the short words when
// the full ones do not fit, then with the keys alone, so that every key of
// the view stays listed on any screen.
func HelpLineFit(bs []Binding, st Style, writes bool, width int) string {
	if l := HelpLine(bs, st, writes); columns(l) <= width {
		return l
	}
	short := make([]Binding, len(bs))
	keysOnly := make([]Binding, len(bs))
	for i, b := range bs {
		short[i], keysOnly[i] = b, b
		if b.Short != "" {
			short[i].Words = b.Short
		}
		keysOnly[i].Words = ""
	}
	if l := HelpLine(short, st, writes); columns(l) <= width {
		return l
	}
	return truncate(HelpLine(keysOnly, st, writes), width, "")
}
