package terminal

import (
	"io"
	"slices"
	"testing"
	"time"
)

func TestDecodeKeys(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Key
	}{
		{"q", []Key{"q"}},
		{"\x1b", []Key{KeyEsc}},
		{"\x1b[A\x1b[B", []Key{KeyUp, KeyDown}},
		{"\x1bOA", []Key{KeyUp}},
		{"\x1b[1;5A", []Key{KeyUp}},
		{"\x1b[200~yq\x1b[201~", []Key{"y", "q"}},
		{"\r\n\x03", []Key{KeyEnter, KeyEnter, KeyCtrlC}},
		{"\t\x1b[Z", []Key{KeyTab, KeyBackTab}},
		{"\x7fé", nil},
	} {
		if got := decodeKeys([]byte(tc.in)); !slices.Equal(got, tc.want) {
			t.Errorf("decodeKeys(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// reads hands out one chunk per Read, as a terminal does per write.
type reads struct{ chunks []string }

func (r *reads) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0])
	r.chunks = r.chunks[1:]
	return n, nil
}

func TestReadKeysFramesBursts(t *testing.T) {
	var got []Key
	for k := range ReadKeys(&reads{chunks: []string{"u", "yq foo", "\x1b[A"}}) {
		got = append(got, k)
	}
	want := []Key{"u", KeyBurst, "y", "q", " ", "f", "o", "o", KeyBurstEnd, KeyUp, KeyEOF}
	if !slices.Equal(got, want) {
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
