// Package prompt holds a yes/no question in parts: what it asks (the verb,
// the workload, the revision numbers), which must always be read, and the
// labels that describe them (images), which may be shortened or left out
// when the screen is small. Actions build prompts; the renderer fits them.
package prompt

import "strings"

// Part is a piece of a question. A label is shown in parentheses after the
// text before it, and is the first thing to give up room.
type Part struct {
	Text  string
	Label bool
}

// Prompt is a question, its parts in order.
type Prompt []Part

// Plain is a question with nothing to shorten.
func Plain(text string) Prompt { return Prompt{{Text: text}} }

// String is the question whole.
func (p Prompt) String() string { return p.Shortened(-1, nil) }

// Shortened is the question with each label cut to at most limit columns
// by cut (which ends what it cuts with an ellipsis), or left out when limit
// is 0; -1 keeps the labels whole.
func (p Prompt) Shortened(limit int, cut func(s string, width int) string) string {
	var b strings.Builder
	for _, part := range p {
		if !part.Label {
			b.WriteString(part.Text)
			continue
		}
		switch label := part.Text; {
		case limit == 0 || label == "":
		case limit < 0:
			b.WriteString(" (" + label + ")")
		default:
			b.WriteString(" (" + cut(label, limit) + ")")
		}
	}
	return b.String()
}

// LongestLabel is the length in bytes of the longest label, the most a
// limit needs to be.
func (p Prompt) LongestLabel() int {
	n := 0
	for _, part := range p {
		if part.Label {
			n = max(n, len(part.Text))
		}
	}
	return n
}
