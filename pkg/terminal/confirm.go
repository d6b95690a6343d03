package terminal

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"
)

// ErrInterrupted means the user pressed Ctrl-C (or the process got SIGINT or
// SIGTERM) instead of answering.
var ErrInterrupted = errors.New("interrupted")

// Confirm asks a yes/no question and reads a single key: y or Y is yes,
// anything else no. Only a key pressed on its own, after the question has
// been shown for AnswerDelay, answers (see Guard): what was typed ahead is
// flushed, and pasted text is ignored. The terminal is put back as it was
// before returning, whatever happens.
func Confirm(in io.Reader, out io.Writer, question string) (bool, error) {
	f, ok := in.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, errors.New("cannot ask for confirmation: standard input is not a terminal; pass --yes to proceed")
	}
	fd := int(f.Fd())
	st, err := term.MakeRaw(fd)
	if err != nil {
		return false, fmt.Errorf("put the terminal in raw mode: %w", err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	defer func() { _ = term.Restore(fd, st) }()
	// A paste is told from a key pressed by its markers (see ReadKeys);
	// the shell gets the terminal back as it was, without them.
	fmt.Fprint(out, bracketedPasteOn)
	defer fmt.Fprint(out, bracketedPasteOff)

	var g Guard
	FlushInput(in)
	fmt.Fprintf(out, "%s [y/N] ", question)
	keys := ReadKeys(in)
	g.Shown(time.Now(), in, keys)
	for {
		select {
		case <-sigs:
			fmt.Fprint(out, "\r\n")
			return false, ErrInterrupted
		case k, ok := <-keys:
			if !ok {
				k = KeyEOF
			}
			switch g.Filter(k, true, time.Now()) {
			case "":
				continue
			case KeyEOF:
				fmt.Fprint(out, "\r\n")
				return false, errors.New("standard input closed before an answer")
			case KeyCtrlC:
				fmt.Fprint(out, "^C\r\n")
				return false, ErrInterrupted
			case "y", "Y":
				fmt.Fprint(out, "y\r\n")
				return true, nil
			}
			fmt.Fprint(out, "\r\n")
			return false, nil
		}
	}
}
