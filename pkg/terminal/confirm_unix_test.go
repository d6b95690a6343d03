//go:build linux

package terminal

import (
	"bytes"
	"testing"
	"time"

	"github.com/creack/pty"
)

// confirmWith runs Confirm on a real pseudo-terminal and types into it.
func confirmWith(t *testing.T, typing func(type_ func(string))) (bool, error) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	// What was typed before the question must be thrown away.
	if _, err := ptmx.Write([]byte("y")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	type result struct {
		yes bool
		err error
	}
	done := make(chan result, 1)
	var out bytes.Buffer
	go func() {
		yes, err := Confirm(tty, &out, "Roll back?")
		done <- result{yes, err}
	}()
	typing(func(s string) { _, _ = ptmx.Write([]byte(s)) })
	select {
	case r := <-done:
		return r.yes, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("Confirm did not return")
	}
	return false, nil
}

func TestConfirmOnlyAnswersAQuestionSeen(t *testing.T) {
	yes, err := confirmWith(t, func(typeKeys func(string)) {
		time.Sleep(50 * time.Millisecond)
		typeKeys("y") // too soon after the question
		time.Sleep(AnswerDelay + 100*time.Millisecond)
		typeKeys("yq foo.yaml\n") // pasted
		time.Sleep(100 * time.Millisecond)
		typeKeys("n")
	})
	if err != nil || yes {
		t.Errorf("typed-ahead, hurried or pasted y confirmed: %v %v", yes, err)
	}
	yes, err = confirmWith(t, func(typeKeys func(string)) {
		time.Sleep(AnswerDelay + 100*time.Millisecond)
		typeKeys("y")
	})
	if err != nil || !yes {
		t.Errorf("a y typed after the question was shown must confirm: %v %v", yes, err)
	}
}
