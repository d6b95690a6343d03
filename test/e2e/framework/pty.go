package framework

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
	"golang.org/x/sys/unix"
)

// Terminal is a command running in a pseudo-terminal of a fixed size, with a
// terminal emulator reading its output so tests can look at the screen.
type Terminal struct {
	cmd    *exec.Cmd
	ptmx   *os.File
	vt     vt10x.Terminal
	before *unix.Termios

	mu   sync.Mutex
	raw  bytes.Buffer
	done chan struct{}
	err  error
}

// StartTerminal runs `kubectl args…` in a cols×rows pseudo-terminal.
func (e Env) StartTerminal(ctx context.Context, cols, rows int, args ...string) (*Terminal, error) {
	return e.StartTerminalCommand(ctx, cols, rows, "kubectl", args...)
}

// StartTerminalCommand runs `name args…` in a cols×rows pseudo-terminal,
// e.g. a shell that pipes the plugin's output elsewhere.
func (e Env) StartTerminalCommand(ctx context.Context, cols, rows int, name string, args ...string) (*Terminal, error) {
	cmd := e.Command(ctx, name, args...)
	// Defaults for a modern terminal, unless the test asks for another.
	cmd.Env = append([]string{"TERM=xterm-256color", "LANG=C.UTF-8"}, cmd.Env...)
	cmd.Env = append(cmd.Env, e.Extra...)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		return nil, fmt.Errorf("start in a pty: %w", err)
	}
	t := &Terminal{cmd: cmd, ptmx: ptmx, vt: vt10x.New(vt10x.WithSize(cols, rows)), done: make(chan struct{})}
	t.before, _ = unix.IoctlGetTermios(int(ptmx.Fd()), unix.TCGETS)
	go t.pump()
	return t, nil
}

func (t *Terminal) pump() {
	buf := make([]byte, 32*1024)
	for {
		n, err := t.ptmx.Read(buf)
		if n > 0 {
			t.mu.Lock()
			t.raw.Write(buf[:n])
			_, _ = t.vt.Write(buf[:n])
			t.mu.Unlock()
		}
		if err != nil {
			break
		}
	}
	t.err = t.cmd.Wait()
	close(t.done)
}

// Screen returns the visible screen, one string per row, trailing blanks trimmed.
func (t *Terminal) Screen() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	cols, rows := t.vt.Size()
	lines := make([]string, rows)
	for y := 0; y < rows; y++ {
		var b strings.Builder
		for x := 0; x < cols; x++ {
			c := t.vt.Cell(x, y).Char
			if c == 0 {
				c = ' '
			}
			b.WriteRune(c)
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return lines
}

// Raw returns every byte the program wrote so far.
func (t *Terminal) Raw() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.raw.String()
}

// AltScreen and CursorVisible report the emulator's state.
func (t *Terminal) AltScreen() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.vt.Mode()&vt10x.ModeAltScreen != 0
}

// CursorVisible reports whether the program left the cursor shown.
func (t *Terminal) CursorVisible() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.vt.CursorVisible()
}

// WaitForScreen polls the screen until match accepts it.
func (t *Terminal) WaitForScreen(timeout time.Duration, match func([]string) bool) ([]string, error) {
	deadline := time.Now().Add(timeout)
	for {
		s := t.Screen()
		if match(s) {
			return s, nil
		}
		select {
		case <-t.done:
			s = t.Screen()
			if match(s) {
				return s, nil
			}
			return s, fmt.Errorf("program exited (%v) before the screen matched", t.err)
		default:
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("screen did not match within %s", timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Send types keys into the terminal.
func (t *Terminal) Send(keys string) error {
	_, err := t.ptmx.Write([]byte(keys))
	return err
}

// Resize changes the terminal size (the program gets SIGWINCH).
func (t *Terminal) Resize(cols, rows int) error {
	t.mu.Lock()
	t.vt.Resize(cols, rows)
	t.mu.Unlock()
	return pty.Setsize(t.ptmx, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
}

// Signal sends sig to the plugin process (kubectl's child) or to kubectl.
func (t *Terminal) Signal(sig os.Signal) error { return t.cmd.Process.Signal(sig) }

// Wait waits for the program to exit and returns its exit code.
func (t *Terminal) Wait(timeout time.Duration) (int, error) {
	select {
	case <-t.done:
	case <-time.After(timeout):
		_ = t.cmd.Process.Kill()
		<-t.done
		return -1, fmt.Errorf("program did not exit within %s", timeout)
	}
	var ee *exec.ExitError
	if errors.As(t.err, &ee) {
		return ee.ExitCode(), nil
	}
	return 0, t.err
}

// ModeRestored reports whether the terminal's line discipline (echo,
// canonical input, output processing) is as it was before the program ran.
func (t *Terminal) ModeRestored() (bool, error) {
	after, err := unix.IoctlGetTermios(int(t.ptmx.Fd()), unix.TCGETS)
	if err != nil {
		return false, err
	}
	if t.before == nil {
		return false, errors.New("no termios recorded at start")
	}
	return after.Lflag == t.before.Lflag && after.Iflag == t.before.Iflag && after.Oflag == t.before.Oflag, nil
}

// Close releases the pseudo-terminal; the program gets a hangup if still running.
func (t *Terminal) Close() {
	_ = t.ptmx.Close()
	select {
	case <-t.done:
	case <-time.After(5 * time.Second):
		_ = t.cmd.Process.Kill()
	}
}

// Kill stops the program now.
func (t *Terminal) Kill(ctx context.Context) { _ = t.cmd.Process.Kill() }

// Hangup closes the terminal, as when its window is closed: the program
// gets SIGHUP and loses its input and output. (The signal is sent directly:
// the master's close takes effect only when the reader in pump returns.)
func (t *Terminal) Hangup() error {
	if err := t.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		return err
	}
	return t.ptmx.Close()
}

// Exited reports, without waiting, whether the program has ended and how.
func (t *Terminal) Exited() (int, bool) {
	select {
	case <-t.done:
	default:
		return 0, false
	}
	var ee *exec.ExitError
	if errors.As(t.err, &ee) {
		return ee.ExitCode(), true
	}
	return 0, true
}
