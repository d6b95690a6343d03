// Package theme is the product's one palette and its one decision about
// colour, built on pterm's colours, styles and prefix printers.
//
// pterm decides for itself at init whether to colour (from the environment
// only: it never asks whether stdout is a terminal), so the commands call
// Setup once, with their own answer to --color, NO_COLOR, TERM=dumb and
// pipes, before anything is drawn. The live frame's renderer paints cells
// with its own writer for speed; it takes the SGR parameters of these
// styles (Code), so every colour still comes from here.
package theme

import (
	"os"

	"github.com/pterm/pterm"
)

// Styles of the product. Only foregrounds and text attributes: spaces never
// need colour, and a cut line stays readable.
var (
	// New paints pods and bars of the revision being rolled out: bright.
	New = pterm.Style{pterm.FgLightCyan}
	// Old paints older revisions: dim.
	Old = pterm.Style{pterm.FgDarkGray}
	// Fail, Good and Warn paint outcomes: failed, done, waiting or stuck.
	Fail = pterm.Style{pterm.FgLightRed}
	Good = pterm.Style{pterm.FgLightGreen}
	Warn = pterm.Style{pterm.FgLightYellow}
	// Mark is a pod that just stepped in or out.
	Mark = pterm.Style{pterm.Bold, pterm.FgLightYellow}
	// Title is a workload's name; Faint the legend and other asides.
	Title = pterm.Style{pterm.Bold}
	Faint = pterm.Style{pterm.Fuzzy}
	// Why paints the reasons a pod is stuck.
	Why = pterm.Style{pterm.FgRed}
	// Selected is the row under a cursor.
	Selected = pterm.Style{pterm.Reverse}
	// Current is the revision the workload runs, in tables.
	Current = pterm.Style{pterm.Bold, pterm.FgLightGreen}
)

// Accent is the product's own colour, for headers of tables and summaries.
// It is an RGB colour: pterm renders it at the depth the terminal supports
// (true colour, 256 or the 16 basic colours).
var Accent = pterm.NewRGB(0x5f, 0xaf, 0xd7)

// Setup turns pterm's styling on or off for the whole process. Without
// it, pterm would colour pipes and ignore --color never.
func Setup(on bool) {
	if on {
		pterm.EnableStyling()
		return
	}
	pterm.DisableStyling()
}

// On reports whether Setup last turned styling on.
func On() bool { return !pterm.RawOutput && pterm.PrintColor }

// Auto is --color auto's answer: a terminal that can show colour, and a
// user who did not opt out with NO_COLOR (https://no-color.org).
func Auto(terminal bool) bool {
	return terminal && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// Header styles a table's or summary's header: bold, in the accent colour.
func Header(s string) string {
	if !On() {
		return s
	}
	return pterm.Bold.Sprint(Accent.Sprint(s))
}

// Prefix printers mark the lines of a log that matter, so that a reader of
// a CI log spots them: SUCCESS, WARNING, ERROR. Without styling pterm
// writes them as "SUCCESS: text", which stays grep-able.
var (
	Success = pterm.Success.WithMessageStyle(&Good)
	Warning = pterm.Warning.WithMessageStyle(&pterm.Style{pterm.FgDefault})
	Error   = pterm.Error.WithMessageStyle(&Fail)
)
