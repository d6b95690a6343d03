package terminal

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// burstOf decodes chunks as reads that arrive together, and returns what
// ReadKeys would send for them.
func burstOf(chunks ...string) []Key {
	var d decoder
	for _, c := range chunks {
		d.feed([]byte(c))
	}
	return d.end(true)
}

func TestDecodeKeys(t *testing.T) {
	b, e := KeyBurst, KeyBurstEnd
	for _, tc := range []struct {
		in   []string
		want []Key
	}{
		{[]string{"q"}, []Key{"q"}},
		{[]string{"\x1b"}, []Key{KeyEsc}},
		{[]string{"\x1b[A\x1b[B"}, []Key{b, KeyUp, KeyDown, e}},
		{[]string{"\x1bOA"}, []Key{KeyUp}},
		{[]string{"\x1b[1;5A"}, []Key{KeyUp}},
		// An arrow key whose bytes came in three reads is one key.
		{[]string{"\x1b", "[", "A"}, []Key{KeyUp}},
		{[]string{"\x1b[200~yq\x1b[201~"}, []Key{b, "y", "q", e}},
		// A bracketed paste of one key is a paste, not a press; its
		// markers may be split anywhere.
		{[]string{"\x1b[200~y\x1b[201~"}, []Key{b, "y", e}},
		{[]string{"\x1b[2", "00~y\x1b", "[201", "~"}, []Key{b, "y", e}},
		{[]string{"\x1b[200~\x1b[201~"}, nil},
		{[]string{"\r\n\x03"}, []Key{b, KeyEnter, KeyEnter, KeyCtrlC, e}},
		{[]string{"\t\x1b[Z"}, []Key{b, KeyTab, KeyBackTab, e}},
		{[]string{"\x7fé"}, nil},
		// A sequence that never ends is no key.
		{[]string{"\x1b[1;"}, nil},
	} {
		if got := burstOf(tc.in...); !slices.Equal(got, tc.want) {
			t.Errorf("%q = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A bracketed paste stays one paste when it is sent on in parts (a paste
// longer than a burst holds): each part is framed as a burst, to its end
// marker, after which a key pressed alone is itself again.
func TestBracketedPasteSpansBursts(t *testing.T) {
	var d decoder
	var got []Key
	d.feed([]byte("\x1b[200~ab"))
	got = append(got, d.end(false)...) // full
	d.feed([]byte("y\x1b[201~"))
	got = append(got, d.end(true)...) // input paused
	d.feed([]byte("y"))
	got = append(got, d.end(true)...)
	want := []Key{KeyBurst, "a", "b", KeyBurstEnd, KeyBurst, "y", KeyBurstEnd, "y"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// reads hands out one chunk per Read, as a terminal does per write, with
// a pause before each chunk.
type reads struct {
	chunks []string
	pause  []time.Duration
}

func (r *reads) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	if len(r.pause) > 0 {
		time.Sleep(r.pause[0])
		r.pause = r.pause[1:]
	}
	n := copy(p, r.chunks[0])
	r.chunks = r.chunks[1:]
	return n, nil
}

func readAll(r io.Reader) []Key {
	var got []Key
	for k := range ReadKeys(r) {
		got = append(got, k)
	}
	return got
}

func TestReadKeysFramesBursts(t *testing.T) {
	// Reads far apart are separate presses; bytes read together a burst.
	got := readAll(&reads{chunks: []string{"u", "yq foo", "\x1b[A"}, pause: []time.Duration{0, 200 * time.Millisecond, 200 * time.Millisecond}})
	want := []Key{"u", KeyBurst, "y", "q", " ", "f", "o", "o", KeyBurstEnd, KeyUp, KeyEOF}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A paste without markers longer than one read arrives as reads that
// follow each other at once: 257 bytes ending in y were a 256-byte burst
// and then a y pressed alone.
func TestReadKeysJoinsReadsThatFollowAtOnce(t *testing.T) {
	paste := strings.Repeat("x", 256)
	got := readAll(&reads{chunks: []string{paste, "y"}, pause: []time.Duration{0, time.Millisecond}})
	if len(got) != 256+1+3 || got[0] != KeyBurst || got[len(got)-3] != "y" || got[len(got)-2] != KeyBurstEnd {
		t.Errorf("a 257-byte paste in two reads: %d keys, ending %q", len(got), got[max(0, len(got)-3):])
	}
}

// A slow link delivers an arrow key's ESC and its "[A" apart: that is the
// arrow, not Esc. A lone ESC is Esc once nothing follows.
func TestReadKeysWaitsForTheRestOfASequence(t *testing.T) {
	got := readAll(&reads{chunks: []string{"\x1b", "[A", "\x1b"}, pause: []time.Duration{0, 40 * time.Millisecond, 300 * time.Millisecond}})
	if want := []Key{KeyUp, KeyEsc, KeyEOF}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGuard(t *testing.T) {
	t0 := time.Now()
	var g Guard
	// Outside a question every key passes, bursts too.
	for _, k := range []Key{KeyBurst, "j", "u", KeyBurstEnd} {
		if got := g.Filter(k, false, t0); got != "" && got != k {
			t.Fatalf("%q became %q", k, got)
		}
	}
	g.Ask()
	if got := g.Filter("y", true, t0.Add(time.Hour)); got != "" {
		t.Errorf("a key before the question is drawn answered it")
	}
	keys := make(chan Key, 4)
	keys <- "y"
	keys <- KeyBurst
	g.Shown(t0, nil, keys)
	if len(keys) != 0 {
		t.Errorf("keys typed before the question was drawn were not flushed")
	}
	if got := g.Filter("y", true, t0.Add(AnswerDelay/2)); got != "" {
		t.Errorf("a key %s after the question answered it", AnswerDelay/2)
	}
	if got := g.Filter("y", true, t0.Add(AnswerDelay)); got != "" {
		t.Errorf("a key inside a burst (flushed KeyBurst) answered the question")
	}
	g.Filter(KeyBurstEnd, true, t0.Add(AnswerDelay))
	if got := g.Filter("y", true, t0.Add(AnswerDelay)); got != "y" {
		t.Errorf("a lone key after %s must answer, got %q", AnswerDelay, got)
	}
	g.Filter(KeyBurst, true, t0.Add(time.Second))
	for _, k := range []Key{"y", "q"} {
		if got := g.Filter(k, true, t0.Add(time.Second)); got != "" {
			t.Errorf("pasted %q answered the question", k)
		}
	}
	if got := g.Filter(KeyCtrlC, true, t0.Add(time.Second)); got != KeyCtrlC {
		t.Errorf("Ctrl-C must always pass, got %q", got)
	}
}
