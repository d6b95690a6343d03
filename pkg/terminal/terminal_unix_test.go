//go:build unix

package terminal

import (
	"errors"
	"reflect"
	"testing"

	"github.com/creack/pty"
	"golang.org/x/term"
)

// failingWriter refuses every write, as a closed or broken terminal does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("write refused") }

// When Open cannot switch to the alternate screen it must put the input
// back as it found it: the caller gets no Screen to Restore.
func TestOpenRestoresInputOnWriteError(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open a pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	before, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatalf("read the pty's mode: %v", err)
	}

	s, err := Open(failingWriter{}, tty)
	if err == nil {
		s.Restore()
		t.Fatal("Open succeeded with a writer that fails")
	}
	if s != nil {
		t.Errorf("Open returned a Screen with its error %q", err)
	}
	after, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatalf("read the pty's mode: %v", err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the terminal was left in another mode:\nbefore %+v\nafter  %+v", before, after)
	}
}
