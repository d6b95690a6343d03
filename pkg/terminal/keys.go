package terminal

import (
	"io"
	"time"
)

// Key is one key press, decoded far enough for our views.
type Key string

const (
	KeyUp    Key = "up"
	KeyDown  Key = "down"
	KeyEnter Key = "enter"
	KeyEsc   Key = "esc"
	KeyCtrlC Key = "ctrl-c"
	KeyEOF   Key = "eof" // input closed: nobody can answer any more
)

// ReadKeys decodes raw terminal input into keys until in ends. Plain
// characters arrive as themselves ("q", "y", …).
func ReadKeys(in io.Reader) <-chan Key {
	out := make(chan Key, 16)
	bytes := make(chan byte, 64)
	go func() {
		defer close(bytes)
		buf := make([]byte, 64)
		for {
			n, err := in.Read(buf)
			for _, b := range buf[:n] {
				bytes <- b
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		defer close(out)
		for {
			b, ok := <-bytes
			if !ok {
				out <- KeyEOF
				return
			}
			switch b {
			case 3:
				out <- KeyCtrlC
			case '\r', '\n':
				out <- KeyEnter
			case 0x1b:
				out <- escape(bytes)
			default:
				if b >= 0x20 && b < 0x7f {
					out <- Key(string(rune(b)))
				}
			}
		}
	}()
	return out
}

// escape tells a lone Esc from the start of an arrow-key sequence: the rest of
// a sequence arrives at once, a person's next key does not.
func escape(bytes <-chan byte) Key {
	select {
	case b, ok := <-bytes:
		if !ok || b != '[' && b != 'O' {
			return KeyEsc
		}
	case <-time.After(30 * time.Millisecond):
		return KeyEsc
	}
	select {
	case b := <-bytes:
		switch b {
		case 'A':
			return KeyUp
		case 'B':
			return KeyDown
		}
	case <-time.After(30 * time.Millisecond):
	}
	return ""
}
