package render

import "strings"

// Binding is one key of a view, as data: the help line is drawn from it, so
// that it can never disagree with the keys a view lists.
type Binding struct {
	Keys  string // as shown, e.g. "↑/↓"
	ASCII string // Keys for terminals without Unicode; empty when Keys is ASCII
	Words string // what the key does, e.g. "undo"
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
		parts = append(parts, keys+" "+b.Words)
	}
	return strings.Join(parts, sep)
}

// Bound returns the binding of key k, if any.
func Bound(bs []Binding, k string) (Binding, bool) {
	for _, b := range bs {
		if b.Keys == k {
			return b, true
		}
	}
	return Binding{}, false
}
