package render

import (
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
)

// state indexes the per-state tables; arrays beat maps at 5,000 pods a frame.
type state int

const (
	ready state = iota
	running
	creating
	pending
	terminating
	failed
	unknown
	numStates
)

func stateOf(p snapshot.PodState) state {
	switch p {
	case snapshot.PodReady:
		return ready
	case snapshot.PodRunning:
		return running
	case snapshot.PodCreating:
		return creating
	case snapshot.PodPending:
		return pending
	case snapshot.PodTerminating:
		return terminating
	case snapshot.PodFailed:
		return failed
	}
	return unknown
}

var stateWords = [numStates]string{"ready", "running", "creating", "pending", "terminating", "failed", "unknown"}

// glyphs is one drawing vocabulary. A figure's head is the state's one-cell
// glyph, so the legend explains figures and glyph rows alike.
type glyphs struct {
	glyph [numStates]string
	body  [numStates]string // three cells: arms and torso
	legs  [numStates]string // three cells
	in    string            // just became ready
	out   string            // just started terminating
	bar   [3]string         // new and ready, updated, not yet
	open  string            // around the progress bar
	close string
	sep   string
	more  string // ellipsis
	cross string // in front of a failure reason
	quote string // in front of a quoted log line
}

// Filled means ready, half filled running, hollow not started, dotted on its
// way out. Pending figures have no legs: no node to stand on yet.
var unicodeGlyphs = glyphs{
	glyph: [numStates]string{"●", "◐", "○", "◌", "·", "✗", "?"},
	body:  [numStates]string{"╱█╲", "╱▒╲", "╱ ╲", "╱ ╲", "·░·", "╱▓╲", "╱ ╲"},
	legs:  [numStates]string{"╱ ╲", "╱ ╲", "╱ ╲", "", "· ·", "╱ ╲", "╱ ╲"},
	in:    "↑",
	out:   "↓",
	bar:   [3]string{"█", "▒", "░"},
	sep:   " · ",
	more:  "…",
	cross: "✗",
	quote: "│",
}

var asciiGlyphs = glyphs{
	glyph: [numStates]string{"#", "+", "o", "_", ".", "x", "?"},
	body:  [numStates]string{"/#\\", "/+\\", "/ \\", "/ \\", ".:.", "/X\\", "/ \\"},
	legs:  [numStates]string{"/ \\", "/ \\", "/ \\", "", ". .", "/ \\", "/ \\"},
	in:    "^",
	out:   "v",
	bar:   [3]string{"#", "+", "-"},
	open:  "[",
	close: "]",
	sep:   " | ",
	more:  "...",
	cross: "x",
	quote: "|",
}

// SGR parameters of the theme's styles, taken once: the frame's cell writer
// switches colour only when it changes, so spaces never need colour.
var (
	sgrNew    = theme.New.Code()
	sgrOld    = theme.Old.Code()
	sgrFail   = theme.Fail.Code()
	sgrGood   = theme.Good.Code()
	sgrWarn   = theme.Warn.Code()
	sgrMark   = theme.Mark.Code()
	sgrTitle  = theme.Title.Code()
	sgrLegend = theme.Faint.Code()
	sgrWhy    = theme.Why.Code()
)
