package terminal

import (
	"io"
	"time"
)

// AnswerDelay is how long a question must have been on screen before a key
// may answer it: long enough that a key typed before the question appeared
// (a second `y` after `u`, a hurried double press) never confirms it, short
// enough that nobody who read the question notices.
const AnswerDelay = 250 * time.Millisecond

// Guard decides which keys may answer a pending question, so that a key
// confirms only a question the user has seen: keys typed before it was
// drawn are flushed, keys within AnswerDelay after it are ignored, and keys
// that arrive together (pasted text such as "yq foo.yaml") never answer.
// Every key read must pass through Filter, which follows bursts.
type Guard struct {
	burst bool
	shown time.Time // when the pending question was drawn; zero: not yet
}

// Ask starts a new question, not drawn yet: until Shown, no key answers it.
func (g *Guard) Ask() { g.shown = time.Time{} }

// Shown records that the question is on screen from now, and throws away
// what was typed before: the terminal's unread input and the keys already
// decoded in keys.
func (g *Guard) Shown(now time.Time, in io.Reader, keys <-chan Key) {
	if !g.shown.IsZero() {
		return
	}
	g.shown = now
	FlushInput(in)
	for {
		select {
		case k, ok := <-keys:
			if !ok {
				return
			}
			switch k {
			case KeyBurst:
				g.burst = true
			case KeyBurstEnd:
				g.burst = false
			case KeyEOF:
				// Kept by no one: the channel closes next and the view
				// sees that as the end of input.
				return
			}
		default:
			return
		}
	}
}

// Filter returns the key to act on, or "" when k must be ignored. asking
// tells whether a question is pending. Ctrl-C and the end of input always
// pass: they can only cancel.
func (g *Guard) Filter(k Key, asking bool, now time.Time) Key {
	switch k {
	case KeyBurst:
		g.burst = true
		return ""
	case KeyBurstEnd:
		g.burst = false
		return ""
	case KeyCtrlC, KeyEOF:
		return k
	}
	if asking && (g.burst || g.shown.IsZero() || now.Sub(g.shown) < AnswerDelay) {
		return ""
	}
	return k
}
