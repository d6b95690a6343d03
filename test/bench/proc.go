package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
)

// Every frame the plugin draws starts by homing the cursor and ends by
// clearing below it (pkg/terminal's Screen.Draw).
var (
	frameStart = []byte("\x1b[H")
	frameEnd   = []byte("\x1b[J")
)

// screenProc is a command in a pseudo-terminal. Every chunk of output is
// stamped on arrival, frames are counted, and a terminal emulator keeps the
// screen so that expectations can be checked the moment a chunk lands.
type screenProc struct {
	cmd  *exec.Cmd
	ptmx *os.File
	done chan struct{}
	err  error

	mu         sync.Mutex
	vt         vt10x.Terminal
	tail       []byte      // end of the last chunk, for sequences split across reads
	frames     []time.Time // arrival of each frame's first byte
	firstFrame time.Time   // arrival of the end of the first complete frame
	waits      []*screenWait
	output     int // bytes read
}

type screenWait struct {
	match func(screen string) bool
	hit   chan time.Time
}

// startScreen runs cmd in a cols×rows pseudo-terminal.
func startScreen(cmd *exec.Cmd, cols, rows int) (*screenProc, time.Time, error) {
	cmd.Env = append(cmd.Env, "TERM=xterm-256color", "LANG=C.UTF-8")
	p := &screenProc{cmd: cmd, vt: vt10x.New(vt10x.WithSize(cols, rows)), done: make(chan struct{})}
	start := time.Now()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		return nil, start, fmt.Errorf("start %s in a pty: %w", cmd.Args, err)
	}
	p.ptmx = ptmx
	go p.pump()
	return p, start, nil
}

func (p *screenProc) pump() {
	buf := make([]byte, 64*1024)
	for {
		n, err := p.ptmx.Read(buf)
		if n > 0 {
			p.took(time.Now(), buf[:n])
		}
		if err != nil {
			break
		}
	}
	p.err = p.cmd.Wait()
	close(p.done)
}

func (p *screenProc) took(at time.Time, b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.output += len(b)
	joined := append(p.tail, b...)
	for range bytes.Count(joined, frameStart) {
		p.frames = append(p.frames, at)
	}
	if p.firstFrame.IsZero() && len(p.frames) > 0 && bytes.Contains(joined, frameEnd) {
		p.firstFrame = at
	}
	// Keep less than a whole sequence, so none is counted twice.
	keep := min(len(joined), len(frameStart)-1)
	p.tail = append([]byte(nil), joined[len(joined)-keep:]...)
	_, _ = p.vt.Write(b)
	if len(p.waits) == 0 {
		return
	}
	screen := p.screenLocked()
	kept := p.waits[:0]
	for _, w := range p.waits {
		if w.match(screen) {
			w.hit <- at
			continue
		}
		kept = append(kept, w)
	}
	p.waits = kept
}

func (p *screenProc) screenLocked() string {
	cols, rows := p.vt.Size()
	var b strings.Builder
	for y := range rows {
		var l strings.Builder
		for x := range cols {
			c := p.vt.Cell(x, y).Char
			if c == 0 {
				c = ' '
			}
			l.WriteRune(c)
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// Screen is what the terminal shows now.
func (p *screenProc) Screen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.screenLocked()
}

// expect returns a channel that receives the arrival time of the chunk that
// first makes the screen match (now, if it already does).
func (p *screenProc) expect(match func(string) bool) <-chan time.Time {
	w := &screenWait{match: match, hit: make(chan time.Time, 1)}
	p.mu.Lock()
	defer p.mu.Unlock()
	if match(p.screenLocked()) {
		w.hit <- time.Now()
		return w.hit
	}
	p.waits = append(p.waits, w)
	return w.hit
}

// waitScreen waits until the screen matches and returns when it first did.
func (p *screenProc) waitScreen(ctx context.Context, timeout time.Duration, what string, match func(string) bool) (time.Time, error) {
	return p.await(ctx, timeout, what, p.expect(match))
}

func (p *screenProc) await(ctx context.Context, timeout time.Duration, what string, hit <-chan time.Time) (time.Time, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case at := <-hit:
		return at, nil
	case <-p.done:
		select {
		case at := <-hit:
			return at, nil
		default:
		}
		return time.Time{}, fmt.Errorf("plugin exited (%v) before the screen showed %s; screen:\n%s", p.err, what, p.Screen())
	case <-t.C:
		return time.Time{}, fmt.Errorf("screen did not show %s within %s; screen:\n%s", what, timeout, p.Screen())
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
}

// waitFirstFrame returns when the first complete frame arrived.
func (p *screenProc) waitFirstFrame(ctx context.Context, timeout time.Duration) (time.Time, error) {
	return p.waitScreen(ctx, timeout, "a first frame", func(string) bool { return !p.firstFrame.IsZero() })
}

// framesBetween returns the arrival times of frames whose first byte
// arrived in [from, to].
func (p *screenProc) framesBetween(from, to time.Time) []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []time.Time
	for _, t := range p.frames {
		if !t.Before(from) && !t.After(to) {
			out = append(out, t)
		}
	}
	return out
}

func (p *screenProc) pid() int { return p.cmd.Process.Pid }

// stop ends the plugin as Ctrl-C would and waits for it.
func (p *screenProc) stop() error {
	err := stopProcess(p.cmd, p.done)
	_ = p.ptmx.Close()
	return err
}

// lineProc is a command whose stdout is a pipe; each line is stamped on arrival.
type lineProc struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error

	mu      sync.Mutex
	lines   []stampedLine
	changed chan struct{} // closed and replaced whenever a line arrives
	stderr  bytes.Buffer
}

type stampedLine struct {
	at   time.Time
	text string
}

func startLines(cmd *exec.Cmd) (*lineProc, error) {
	p := &lineProc{cmd: cmd, done: make(chan struct{}), changed: make(chan struct{})}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = &lockedWriter{mu: &p.mu, w: &p.stderr}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Args, err)
	}
	go func() {
		r := bufio.NewReaderSize(out, 64*1024)
		for {
			s, err := r.ReadString('\n')
			if s != "" {
				at := time.Now()
				p.mu.Lock()
				p.lines = append(p.lines, stampedLine{at, strings.TrimRight(s, "\n")})
				close(p.changed)
				p.changed = make(chan struct{})
				p.mu.Unlock()
			}
			if err != nil {
				break
			}
		}
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// next is the index the next line will have.
func (p *lineProc) next() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.lines)
}

// waitLine returns the first line at index from or later that matches.
func (p *lineProc) waitLine(ctx context.Context, from int, timeout time.Duration, what string, match func(string) bool) (stampedLine, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		for i := from; i < len(p.lines); i++ {
			if match(p.lines[i].text) {
				l := p.lines[i]
				p.mu.Unlock()
				return l, nil
			}
		}
		from = len(p.lines)
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-p.done:
			return stampedLine{}, fmt.Errorf("%s exited (%v) before printing %s: %s", p.cmd.Args[0], p.err, what, p.stderrText())
		case <-deadline.C:
			return stampedLine{}, fmt.Errorf("%s printed no %s within %s", strings.Join(p.cmd.Args, " "), what, timeout)
		case <-ctx.Done():
			return stampedLine{}, ctx.Err()
		}
	}
}

func (p *lineProc) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.TrimSpace(p.stderr.String())
}

func (p *lineProc) stop() error { return stopProcess(p.cmd, p.done) }

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// stopProcess sends SIGTERM, then SIGKILL after 5 s, and waits for the exit.
func stopProcess(cmd *exec.Cmd, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	default:
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop %s: %w", cmd.Args[0], err)
	}
	select {
	case <-done:
		return nil
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("%s ignored SIGTERM for 5 s", strings.Join(cmd.Args, " "))
	}
}

// peakRSS reads the process's high-water mark of resident memory (VmHWM)
// in bytes. kubectl execs its plugins, so kubectl's PID is the plugin's.
func peakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read peak RSS: %w", err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse VmHWM %q: %w", v, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// rssSplit reads the resident memory now, split into anonymous pages (the
// heap, stacks) and file pages (mostly the executable's own code and data).
func rssSplit(pid int) (anon, file int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read RSS: %w", err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "RssAnon" && k != "RssFile") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("parse %s %q: %w", k, v, err)
		}
		if k == "RssAnon" {
			anon = kb * 1024
		} else {
			file = kb * 1024
		}
	}
	return anon, file, nil
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read CPU time: %w", err)
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	rest := string(data[bytes.LastIndexByte(data, ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
	}
	// USER_HZ is 100 on every Linux this runs on.
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}
