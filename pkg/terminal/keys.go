package terminal

import (
	"bytes"
	"io"
	"time"
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

	// KeyBurst and KeyBurstEnd frame keys that did not come from one key
	// pressed alone: a paste (bracketed by the terminal, or bytes that
	// arrived together), or keys typed ahead while the program was busy.
	// A Guard keeps such keys from answering a question.
	KeyBurst    Key = "burst"
	KeyBurstEnd Key = "burst-end"
)

// The terminal modes that make a paste recognisable: a terminal in
// bracketed-paste mode writes pasted text between pasteStart and pasteEnd,
// whatever its length and however many reads it takes.
const (
	bracketedPasteOn  = "\x1b[?2004h"
	bracketedPasteOff = "\x1b[?2004l"
	pasteStart        = "\x1b[200~"
	pasteEnd          = "\x1b[201~"
)

// How long the reader waits for more input before it decides what the
// bytes so far were.
const (
	// burstGap: bytes that follow each other closer than this are one
	// burst. A terminal without bracketed paste writes a paste as fast as
	// the line carries it, in as many reads as the buffer takes; a person
	// pressing two keys, even in a hurry, is tens of milliseconds apart.
	burstGap = 10 * time.Millisecond
	// escapeWait: how long an escape sequence may take to arrive whole. A
	// slow SSH link delivers the ESC of an arrow key and its "[A" apart,
	// and a lone ESC is only the Esc key once nothing follows.
	escapeWait = 100 * time.Millisecond
	// pasteIdle: a bracketed paste whose end marker never comes (a
	// terminal that lost it) ends once input pauses this long, so that
	// keys pressed afterwards are presses again.
	pasteIdle = 500 * time.Millisecond
	// burstCap bounds what one burst holds in memory: a longer one is
	// sent on in parts, each still a burst.
	burstCap = 64 << 10
)

// ReadKeys decodes raw terminal input into keys until in ends, then sends
// KeyEOF and closes the channel. Plain characters arrive as themselves
// ("q", "y", …). A key pressed alone arrives on its own; everything else
// (pastes, bracketed or not, and keys that arrived together) arrives
// between KeyBurst and KeyBurstEnd.
func ReadKeys(in io.Reader) <-chan Key {
	type read struct {
		b   []byte
		err error
	}
	reads := make(chan read, 16)
	go func() {
		for {
			buf := make([]byte, 4096)
			n, err := in.Read(buf)
			reads <- read{buf[:n], err}
			if err != nil {
				close(reads)
				return
			}
		}
	}()
	out := make(chan Key, 64)
	go func() {
		defer close(out)
		var d decoder
		send := func(keys []Key) {
			for _, k := range keys {
				out <- k
			}
		}
		wait := time.NewTimer(time.Hour)
		wait.Stop()
		waiting := false
		for {
			var timeout <-chan time.Time
			if waiting {
				timeout = wait.C
			}
			select {
			case r := <-reads:
				d.feed(r.b)
				if r.err != nil {
					send(d.end(true))
					out <- KeyEOF
					return
				}
				if d.full() {
					send(d.end(false))
				}
				wait.Reset(d.wait())
				waiting = true
			case <-timeout:
				waiting = false
				send(d.end(true))
			}
		}
	}()
	return out
}

// decoder turns bytes into keys, one burst at a time: the reader feeds it
// what arrives and ends the burst when input pauses (see decoder.wait).
type decoder struct {
	buf   []byte // the burst's bytes not decoded yet
	keys  []Key  // the burst's keys so far
	paste bool   // inside a bracketed paste
	// pasted: the burst held pasted text or a paste marker; carry: it
	// continues one sent on in parts. Either makes it a burst, whatever
	// the number of its keys.
	pasted, carry bool
}

// feed adds b to the burst.
func (d *decoder) feed(b []byte) {
	d.buf = append(d.buf, b...)
	d.decode(false)
}

// wait is how long to wait for more input before the burst ends.
func (d *decoder) wait() time.Duration {
	switch {
	case d.paste:
		return pasteIdle
	case len(d.buf) > 0: // an escape sequence not whole yet
		return escapeWait
	}
	return burstGap
}

// full reports whether the burst should be sent on before it ends.
func (d *decoder) full() bool { return len(d.keys)+len(d.buf) > burstCap }

// end sends on the burst's keys: one key alone as itself, anything else
// framed as a burst. idle means input paused (rather than the burst being
// full): what is left of an unfinished sequence is decided then, and a
// bracketed paste without its end marker ends.
func (d *decoder) end(idle bool) []Key {
	if idle {
		d.decode(true)
		d.paste = false
	}
	keys := d.keys
	burst := d.pasted || d.carry || len(keys) > 1
	d.keys, d.pasted = nil, d.paste
	d.carry = !idle
	if !burst {
		return keys
	}
	if len(keys) == 0 {
		return nil
	}
	return append(append([]Key{KeyBurst}, keys...), KeyBurstEnd)
}

// decode decodes d.buf into d.keys, leaving an unfinished escape sequence
// in d.buf unless final, when no more bytes will come to finish it.
func (d *decoder) decode(final bool) {
	b := d.buf
	i := 0
	for i < len(b) {
		if d.paste {
			d.pasted = true
			if bytes.HasPrefix(b[i:], []byte(pasteEnd)) {
				d.paste = false
				i += len(pasteEnd)
				continue
			}
			if b[i] == 0x1b && !final && bytes.HasPrefix([]byte(pasteEnd), b[i:]) {
				break // perhaps the end marker, in two reads
			}
		}
		n, k := decodeOne(b[i:], final)
		if n == 0 {
			break // unfinished: wait for the rest
		}
		switch k {
		case pasteStartKey:
			d.paste, d.pasted = true, true
		case pasteEndKey:
			d.pasted = true // an end without a start: a paste still
		case "":
		default:
			d.keys = append(d.keys, k)
		}
		i += n
	}
	d.buf = append(d.buf[:0], b[i:]...)
}

// The paste markers, as decodeOne reports them; never sent as keys.
const (
	pasteStartKey Key = "paste-start"
	pasteEndKey   Key = "paste-end"
)

// decodeOne decodes the key at the start of b and says how many bytes it
// took; "" for bytes that are no key of ours. It takes nothing (0) when b
// starts an escape sequence that is not whole yet, unless final.
func decodeOne(b []byte, final bool) (int, Key) {
	switch c := b[0]; {
	case c == 3:
		return 1, KeyCtrlC
	case c == '\t':
		return 1, KeyTab
	case c == '\r' || c == '\n':
		return 1, KeyEnter
	case c == 0x1b:
		if len(b) == 1 {
			if final {
				return 1, KeyEsc
			}
			return 0, ""
		}
		if b[1] != '[' && b[1] != 'O' {
			return 1, KeyEsc
		}
		// CSI or SS3: parameters, then one final byte in 0x40–0x7e.
		j := 2
		for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
			j++
		}
		if j == len(b) {
			if final {
				return len(b), "" // never finished: no key
			}
			return 0, ""
		}
		switch seq := string(b[:j+1]); {
		case seq == pasteStart:
			return j + 1, pasteStartKey
		case seq == pasteEnd:
			return j + 1, pasteEndKey
		case b[j] == 'A':
			return j + 1, KeyUp
		case b[j] == 'B':
			return j + 1, KeyDown
		case b[j] == 'Z':
			return j + 1, KeyBackTab
		}
		return j + 1, ""
	case c >= 0x20 && c < 0x7f:
		return 1, Key(string(rune(c)))
	}
	return 1, ""
}
