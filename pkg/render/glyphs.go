package render

import "github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"

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
}

// SGR parameters. Only the foreground changes, so spaces never need colour.
const (
	sgrNew    = "96" // pods of the revision being rolled out: bright
	sgrOld    = "90" // older revisions: dim
	sgrFail   = "91"
	sgrGood   = "92"
	sgrWarn   = "93"
	sgrMark   = "1;93" // a pod that just stepped in or out
	sgrTitle  = "1"
	sgrLegend = "2"
)
