package render

import (
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/prompt"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// cells measures display columns. It ignores the locale on purpose: East
// Asian ambiguous characters always count as one column, so a frame depends
// only on its inputs. Terminals that draw them two columns wide should be
// given Style{Unicode: false}.
var cells = &runewidth.Condition{StrictEmojiNeutral: true}

const sgrReset = "\x1b[0m"

// columns is the display width of s, not counting SGR escape sequences.
func columns(s string) int {
	w := 0
	for s != "" {
		i := strings.IndexByte(s, '\x1b')
		if i < 0 {
			return w + cells.StringWidth(s)
		}
		w += cells.StringWidth(s[:i])
		j := strings.IndexByte(s[i:], 'm')
		if j < 0 {
			return w
		}
		s = s[i+j+1:]
	}
	return w
}

// truncate cuts s to at most w columns, ending in tail when anything was cut.
// Escapes before the cut are kept, so a reset is added after them.
func truncate(s string, w int, tail string) string {
	if len(s) <= w || columns(s) <= w {
		return s
	}
	room := w - cells.StringWidth(tail)
	if room < 0 {
		room, tail = w, ""
	}
	var b strings.Builder
	colored := false
	for s != "" {
		i := strings.IndexByte(s, '\x1b')
		if i != 0 {
			text := s
			if i > 0 {
				text = s[:i]
			}
			tw := cells.StringWidth(text)
			if tw > room {
				b.WriteString(cells.Truncate(text, room, ""))
				break
			}
			b.WriteString(text)
			room -= tw
			s = s[len(text):]
			continue
		}
		j := strings.IndexByte(s, 'm')
		if j < 0 {
			break
		}
		b.WriteString(s[:j+1])
		colored = true
		s = s[j+1:]
	}
	b.WriteString(tail)
	if colored {
		b.WriteString(sgrReset)
	}
	return b.String()
}

// clean makes text safe to draw by the sanitizer's rule, the one rule for
// text from the cluster (already applied where most of it enters; applying
// it again changes nothing): a newline, an escape or a bidi override shows
// as its escape, so it can neither break the frame's geometry nor act on
// the terminal nor reorder what is read. Without Unicode, what is left
// beyond ASCII, all of it printable, is drawn as '?'.
func clean(s string, ascii bool) string {
	s = sanitize.Text(s)
	if !ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= 0x80 {
			return '?'
		}
		return r
	}, s)
}

// joinFit joins as many leading parts as fit in w columns.
func joinFit(w int, sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		next := p
		if out != "" {
			next = out + sep + p
		}
		if columns(next) > w {
			break
		}
		out = next
	}
	return out
}

// line builds a row of coloured cells, switching colour only when it
// changes and writing spaces lazily so rows carry no trailing blanks.
type line struct {
	b      strings.Builder
	color  bool
	sgr    string
	spaces int
}

func (l *line) put(sgr, s string) {
	for ; l.spaces > 0; l.spaces-- {
		l.b.WriteByte(' ')
	}
	if l.color && sgr != l.sgr {
		if sgr == "" {
			l.b.WriteString(sgrReset)
		} else {
			l.b.WriteString("\x1b[0;" + sgr + "m")
		}
		l.sgr = sgr
	}
	l.b.WriteString(s)
}

func (l *line) space(n int) { l.spaces += n }

func (l *line) done() string {
	if l.sgr != "" {
		l.b.WriteString(sgrReset)
		l.sgr = ""
	}
	l.spaces = 0
	return l.b.String()
}

// answerKeys end every question; they must stay on screen whatever the width.
const answerKeys = " [y/N]"

// Question fits a yes/no question into width columns: the question is cut,
// never the answer keys after it, so nobody answers a prompt whose keys
// they could not see.
func Question(q string, width int, st Style) string {
	more := asciiGlyphs.more
	if st.Unicode {
		more = unicodeGlyphs.more
	}
	keys := answerKeys
	if columns(q)+len(keys) <= width {
		return q + keys
	}
	if width <= len(keys) {
		return truncate(strings.TrimSpace(keys), width, "")
	}
	return truncate(q, width-len(keys), more) + keys
}

// QuestionLines fits a yes/no question into width columns on one line, or
// on two with the words wrapped, so that the whole question is seen before
// it is answered; only a question too long for two lines is cut. The answer
// keys always end the last line.
func QuestionLines(q string, width int, st Style) []string {
	lines, _ := questionLines(q, width, 2, st)
	return lines
}

// questionLines is QuestionLines on at most maxLines lines (1 or 2), and
// says whether the question is shown whole.
func questionLines(q string, width, maxLines int, st Style) (lines []string, whole bool) {
	if columns(q)+len(answerKeys) <= width {
		return []string{q + answerKeys}, true
	}
	if maxLines < 2 || width <= len(answerKeys)+10 {
		return []string{Question(q, width, st)}, false
	}
	// Break at the last space that leaves the first line within width.
	words := strings.Fields(q)
	first := ""
	i := 0
	for ; i < len(words); i++ {
		next := strings.TrimSpace(first + " " + words[i])
		if columns(next) > width {
			break
		}
		first = next
	}
	if i == 0 { // one word wider than the screen
		return []string{Question(q, width, st)}, false
	}
	if i == len(words) { // the question fits, its keys do not
		return []string{first, strings.TrimSpace(answerKeys)}, true
	}
	rest := strings.Join(words[i:], " ")
	return []string{first, Question(rest, width, st)}, columns(rest)+len(answerKeys) <= width
}

// PromptLines fits a question in parts into width columns on at most
// maxLines lines (1 or 2): whole if it fits, else with its labels (the
// images) shortened, then left out, before anything else is cut, so that
// the verb, the workload, both revision numbers and the answer keys stay
// on screen.
func PromptLines(p prompt.Prompt, width, maxLines int, st Style) []string {
	maxLines = min(max(maxLines, 1), 2)
	if lines, whole := questionLines(p.String(), width, maxLines, st); whole {
		return lines
	}
	more := asciiGlyphs.more
	if st.Unicode {
		more = unicodeGlyphs.more
	}
	cut := func(s string, w int) string { return truncate(s, w, more) }
	for limit := p.LongestLabel() - 1; limit >= 4; limit-- {
		if lines, whole := questionLines(p.Shortened(limit, cut), width, maxLines, st); whole {
			return lines
		}
	}
	lines, _ := questionLines(p.Shortened(0, cut), width, maxLines, st)
	return lines
}
