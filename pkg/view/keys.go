package view

import (
	"context"
	"slices"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
)

// binding is one key of a view V: what its help line says, the keys that
// press it, and what pressing it does. Each view has one table of them,
// which draws the help line and handles the keys, so that the line can
// neither promise a key the view ignores nor hide one it obeys.
type binding[V any] struct {
	// Help is the help line's entry; a binding with no Help.Keys does
	// its work without an entry of its own (↓ is in "↑/↓ select").
	Help  render.Binding
	Press []terminal.Key
	Do    func(v V, ctx context.Context) error
}

// lookup is the first binding of bs that k presses: a table lists the
// bindings that take precedence first (Esc goes back before it quits).
func lookup[V any](bs []binding[V], k terminal.Key) (binding[V], bool) {
	for _, b := range bs {
		if slices.Contains(b.Press, k) {
			return b, true
		}
	}
	return binding[V]{}, false
}

// helpOf is bs's help line entries, in the table's order.
func helpOf[V any](bs []binding[V]) []render.Binding {
	var out []render.Binding
	for _, b := range bs {
		if b.Help.Keys != "" {
			out = append(out, b.Help)
		}
	}
	return out
}
