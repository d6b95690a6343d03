// Package sanitize makes text that comes from the cluster safe to print on a
// terminal. Anyone who may edit a workload controls its annotations, image
// names and messages; printed raw, an escape sequence in them could rewrite
// the screen, a confirmation question or the user's clipboard (OSC 52), and
// a bidi override could make one image name read as another.
//
// cli-runtime's printers.EscapeTerminal only escapes ESC and CR, so C1
// controls (which some terminals obey as CSI), newlines and Unicode format
// characters would pass; hence a rule of our own.
package sanitize

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Text returns s with every control or invisible formatting character
// replaced by a visible, inert escape: "\x1b" for ESC, "\u202e" for the
// right-to-left override, "\xff" for a byte that is not UTF-8. Printable
// text, including wide and combining characters, is kept as it is.
func Text(s string) string {
	if plain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && Unsafe(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case Unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Unsafe reports whether r must not reach a terminal as itself: C0 and C1
// controls, DEL, and the format characters that change how neighbouring
// text is shown without being seen (bidi controls, zero-width characters,
// the byte-order mark, the soft hyphen) and the line and paragraph
// separators.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r < 0xa0:
		return false
	}
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// plain is the fast path: printable ASCII needs no work, and most cluster
// text (names, reasons, image references) is exactly that.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// JSON escapes, as \uXXXX, the characters of a JSON document that Go's
// encoder leaves raw although a terminal would act on them (C1 controls,
// DEL, bidi and zero-width characters). They can only occur inside strings,
// where the escape means the same character: the data stays exact.
func JSON(doc []byte) []byte {
	var b []byte
	for i := 0; i < len(doc); {
		r, size := utf8.DecodeRune(doc[i:])
		if !(r >= 0x7f && Unsafe(r)) {
			if b != nil {
				b = append(b, doc[i:i+size]...)
			}
			i += size
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(doc)+16), doc[:i]...)
		}
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			b = fmt.Appendf(b, `\u%04x\u%04x`, r1, r2)
		} else {
			b = fmt.Appendf(b, `\u%04x`, r)
		}
		i += size
	}
	if b == nil {
		return doc
	}
	return b
}
