package terminal

import (
	"io"
)

// Key is one key press, decoded far enough for our views.
type Key string

const (
	KeyUp    Key = "up"
	KeyDown  Key = "down"
	KeyEnter Key = "enter"
	KeyTab   Key = "tab"
	// KeyBackTab is Shift-Tab.
	KeyBackTab Key = "backtab"
	KeyEsc     Key = "esc"
	KeyCtrlC   Key = "ctrl-c"
	KeyEOF     Key = "eof" // input closed: nobody can answer any more

	// KeyBurst and KeyBurstEnd frame keys that arrived together in one
	// read: pasted text, or keys typed ahead while the program was busy.
	// A person's separate key presses arrive one read each. A Guard keeps
	// such keys from answering a question.
	KeyBurst    Key = "burst"
	KeyBurstEnd Key = "burst-end"
)

// ReadKeys decodes raw terminal input into keys until in ends, then sends
// KeyEOF and closes the channel. Plain characters arrive as themselves
// ("q", "y", …).
func ReadKeys(in io.Reader) <-chan Key {
	out := make(chan Key, 64)
	go func() {
		defer close(out)
		buf := make([]byte, 256)
		for {
			n, err := in.Read(buf)
			if keys := decodeKeys(buf[:n]); len(keys) == 1 {
				out <- keys[0]
			} else if len(keys) > 1 {
				out <- KeyBurst
				for _, k := range keys {
					out <- k
				}
				out <- KeyBurstEnd
			}
			if err != nil {
				out <- KeyEOF
				return
			}
		}
	}()
	return out
}

// decodeKeys decodes the bytes of one read. A terminal writes an escape
// sequence (an arrow key) in one piece, so an Esc that ends the read is the
// Esc key itself.
func decodeKeys(b []byte) []Key {
	var keys []Key
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == 3:
			keys = append(keys, KeyCtrlC)
		case c == '\t':
			keys = append(keys, KeyTab)
		case c == '\r' || c == '\n':
			keys = append(keys, KeyEnter)
		case c == 0x1b && i+1 < len(b) && (b[i+1] == '[' || b[i+1] == 'O'):
			// CSI or SS3: parameters, then one final byte in 0x40–0x7e.
			j := i + 2
			for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
				j++
			}
			if j < len(b) {
				switch b[j] {
				case 'A':
					keys = append(keys, KeyUp)
				case 'B':
					keys = append(keys, KeyDown)
				case 'Z':
					keys = append(keys, KeyBackTab)
				}
			}
			i = j
		case c == 0x1b:
			keys = append(keys, KeyEsc)
		case c >= 0x20 && c < 0x7f:
			keys = append(keys, Key(string(rune(c))))
		}
	}
	return keys
}
