package terminal

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"
)

// arrive delivers chunks to a decoder as ReadKeys does, chunk i after
// pauses[i]: a burst ends when a pause outlasts what the decoder waits for,
// or when it is full. It returns every key sent on, and the keys of the
// last chunk alone.
func arrive(chunks [][]byte, pauses []time.Duration) []Key {
	var d decoder
	var keys []Key
	active := false
	for i, c := range chunks {
		if active && pauses[i] >= d.wait() {
			keys = append(keys, d.end(true)...)
		}
		d.feed(c)
		active = true
		if d.full() {
			keys = append(keys, d.end(false)...)
		}
	}
	return append(keys, d.end(true)...)
}

// answers runs keys through a Guard whose question has been on screen for
// long, as Confirm and the views do, and returns the keys that would
// answer it (Ctrl-C only cancels and is left out).
func answers(keys []Key) []Key {
	var g Guard
	g.Ask()
	t0 := time.Now()
	g.Shown(t0, nil, nil)
	var got []Key
	for _, k := range keys {
		if a := g.Filter(k, true, t0.Add(time.Hour)); a != "" && a != KeyCtrlC {
			got = append(got, a)
		}
	}
	return got
}

// split cuts b at random places into reads, each after a random pause
// below limit (none before the first).
func split(b []byte, r *rand.Rand, limit time.Duration) ([][]byte, []time.Duration) {
	var chunks [][]byte
	var pauses []time.Duration
	for len(b) > 0 {
		n := 1 + r.IntN(min(len(b), 300))
		var p time.Duration
		if len(chunks) > 0 && limit > 0 {
			p = time.Duration(r.Int64N(int64(limit)))
		}
		chunks, pauses = append(chunks, b[:n]), append(pauses, p)
		b = b[n:]
	}
	return chunks, pauses
}

// No paste answers a question, whatever its length (1 to 4,096 bytes) and
// however its reads are split: a bracketed one over pauses up to the
// paste's idle limit, one without markers when its reads follow each other
// at once (as a terminal writes a paste). A y pressed alone a second
// later still answers.
func FuzzPastesNeverAnswer(f *testing.F) {
	f.Add([]byte("yq foo.yaml"), uint64(1), true)
	f.Add(append(bytes.Repeat([]byte("x"), 256), 'y'), uint64(2), false)
	f.Add(append(bytes.Repeat([]byte("x"), 512), 'y'), uint64(3), true)
	f.Add([]byte("y"), uint64(4), true)
	f.Add([]byte("\x1b[201~y"), uint64(5), true)
	f.Add([]byte("\x1b[A\x1by"), uint64(6), false)
	f.Fuzz(func(t *testing.T, content []byte, seed uint64, bracketed bool) {
		if len(content) == 0 || len(content) > 4096 {
			return
		}
		r := rand.New(rand.NewPCG(seed, seed>>7))
		var chunks [][]byte
		var pauses []time.Duration
		if bracketed {
			// A terminal ends a paste at its marker and nowhere else; the
			// text it pastes cannot end it early.
			for bytes.Contains(content, []byte(pasteEnd)) {
				content = bytes.ReplaceAll(content, []byte(pasteEnd), nil)
			}
			// It writes the start marker with the text: pauses fall
			// within the paste, not inside the marker, where they would
			// be an Esc pressed and text typed.
			chunks, pauses = split(append(content, pasteEnd...), r, pasteIdle)
			chunks[0] = append([]byte(pasteStart), chunks[0]...)
		} else {
			// One key alone is a press, pasted or not: there is nothing to
			// tell it by.
			if len(arrive([][]byte{content}, []time.Duration{0})) <= 1 {
				return
			}
			chunks, pauses = split(content, r, burstGap)
		}
		if got := answers(arrive(chunks, pauses)); len(got) > 0 {
			t.Fatalf("the paste %q (bracketed %v), in %d reads, answered with %q", content, bracketed, len(chunks), got)
		}
		after := arrive(append(chunks, []byte("y")), append(pauses, time.Second))
		if got := answers(after); len(got) != 1 || got[0] != "y" {
			t.Fatalf("a y pressed alone a second after the paste %q answered %q, want y", content, got)
		}
	})
}

// Whatever the bytes and however they arrive, the decoder neither panics
// nor loses its framing: every KeyBurst is closed by a KeyBurstEnd before
// the next.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte("\x1b[200~\x1b[2"), uint64(1))
	f.Add([]byte("\x1b\x1b[\x1bO"), uint64(2))
	f.Fuzz(func(t *testing.T, b []byte, seed uint64) {
		r := rand.New(rand.NewPCG(seed, seed>>3))
		chunks, pauses := split(b, r, pasteIdle+escapeWait)
		keys := arrive(chunks, pauses)
		open := false
		for i, k := range keys {
			switch k {
			case KeyBurst:
				if open {
					t.Fatalf("a burst opened inside another at %d: %q", i, keys)
				}
				open = true
			case KeyBurstEnd:
				if !open {
					t.Fatalf("a burst closed that was not open at %d: %q", i, keys)
				}
				open = false
			}
		}
		if open {
			t.Fatalf("a burst never closed: %q", keys)
		}
	})
}
