// Package terminal owns the user's terminal for a live view: the alternate
// screen, raw keyboard input, resize notifications, and putting everything
// back exactly as it was on every way out.
package terminal

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"
)

const (
	enterAltScreen = "\x1b[?1049h"
	leaveAltScreen = "\x1b[?1049l"
	hideCursor     = "\x1b[?25l"
	showCursor     = "\x1b[?25h"
	home           = "\x1b[H"
	clearLine      = "\x1b[2K"
	clearBelow     = "\x1b[J"
)

// IsTerminal reports whether w is a terminal that can take cursor movement.
// TERM=dumb terminals cannot.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false
	}
	return os.Getenv("TERM") != "dumb"
}

// Size returns the terminal's width and height, or fallbacks when unknown.
func Size(w io.Writer) (width, height int) {
	if f, ok := w.(interface{ Fd() uintptr }); ok {
		if cw, ch, err := term.GetSize(int(f.Fd())); err == nil && cw > 0 && ch > 0 {
			return cw, ch
		}
	}
	return 80, 24
}

// UTF8 reports whether the locale promises UTF-8 output.
func UTF8() bool {
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := os.Getenv(k); v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// Screen is a full-screen, flicker-free drawing surface on the alternate
// screen. Restore must run on every exit path; it is idempotent.
type Screen struct {
	out     io.Writer
	inFd    int
	inState *term.State
	once    sync.Once
}

// Open switches to the alternate screen with bracketed paste on and, when
// in is a terminal, puts it in raw mode so that single keys arrive without Enter. On error it returns
// no Screen and leaves the input mode as it found it: callers have nothing
// to Restore.
func Open(out io.Writer, in io.Reader) (*Screen, error) {
	s := &Screen{out: out, inFd: -1}
	if f, ok := in.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
		st, err := term.MakeRaw(int(f.Fd()))
		if err != nil {
			return nil, fmt.Errorf("put the terminal in raw mode: %w", err)
		}
		s.inFd, s.inState = int(f.Fd()), st
	}
	// Bracketed paste lets a paste be told from keys pressed, however it
	// is split into reads (see ReadKeys); a terminal that lacks it ignores
	// the request.
	if _, err := io.WriteString(out, enterAltScreen+hideCursor+bracketedPasteOn); err != nil {
		// Without this the shell would be left raw: no echo, no line editing.
		if s.inState != nil {
			_ = term.Restore(s.inFd, s.inState)
		}
		return nil, fmt.Errorf("switch to the alternate screen: %w", err)
	}
	return s, nil
}

// Raw reports whether keys can be read one at a time.
func (s *Screen) Raw() bool { return s.inState != nil }

// Draw replaces the screen's content with frame. Lines must already fit the
// width: nothing here wraps or clips.
func (s *Screen) Draw(frame string) error {
	var b strings.Builder
	b.Grow(len(frame) + 256)
	b.WriteString(home)
	// Each row is cleared before it is written, not after: a row as wide as
	// the screen leaves the cursor in the last column waiting to wrap, and an
	// erase there would take the row's last character with it (a question's
	// closing "]"). The last row clears everything below it too.
	lines := strings.Split(frame, "\n")
	for i, line := range lines {
		if i > 0 {
			// Raw mode turns off output post-processing, so lines need \r\n.
			b.WriteString("\r\n")
		}
		if i == len(lines)-1 {
			b.WriteString(clearBelow)
		} else {
			b.WriteString(clearLine)
		}
		b.WriteString(line)
	}
	_, err := io.WriteString(s.out, b.String())
	return err
}

// Restore turns bracketed paste off, leaves the alternate screen, shows the
// cursor and restores the input mode. Safe to call more than once and from a deferred recover.
func (s *Screen) Restore() {
	s.once.Do(func() {
		_, _ = io.WriteString(s.out, bracketedPasteOff+showCursor+leaveAltScreen)
		if s.inState != nil {
			_ = term.Restore(s.inFd, s.inState)
		}
	})
}
