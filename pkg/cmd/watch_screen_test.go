package cmd

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
)

// On a terminal, --until-done draws the live view on the alternate screen
// and leaves the last frame and the summary on the normal one.
func TestWatchOnATerminalLeavesTheLastFrame(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	d.Status.ObservedGeneration = d.Generation
	o, screen, _ := watchOnAPty(t, d, rss[0], rss[1])
	if err := runAll(context.Background(), o, []string{"deploy/steer"}); err != nil {
		t.Fatalf("a finished rollout on a terminal: %v\n%s", err, screen)
	}
	screen.WaitFor(t, "last frame at ")
	screen.WaitFor(t, "rolled out")
}

// --timeout ends a rollout that does not finish with exit 3, naming the
// workload.
func TestWatchTimesOut(t *testing.T) {
	d, rss := fixtures.TwoRevisions() // the controller never observes it
	streams, _, _, _ := genericiooptions.NewTestIOStreams()
	o := &WatchOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(fake.NewClientset(d, rss[0], rss[1]))},
		IOStreams: streams, Color: "auto", Plain: true, UntilDone: true, Timeout: time.Second}
	err := runAll(context.Background(), o, []string{"deploy/steer"})
	var ex *ExitError
	if !errors.As(err, &ex) || ex.Code != ExitTimeout || !strings.HasPrefix(ex.Err.Error(), `timed out after 1s waiting for deployment "steer" to finish its rollout`) {
		t.Errorf("a rollout that never ends, --timeout 1s: %v", err)
	}
}

// Quitting with q before the rollout ends is no success: --until-done
// then prints no summary (it said "rolled out" for a rollout that had not).
func TestWatchQuitBeforeTheEndSaysNoSummary(t *testing.T) {
	d, rss := fixtures.TwoRevisions() // the controller never observes it
	o, screen, ptmx := watchOnAPty(t, d, rss[0], rss[1])
	done := make(chan error, 1)
	go func() { done <- runAll(context.Background(), o, []string{"deploy/steer"}) }()
	screen.WaitFor(t, "quit")
	if _, err := ptmx.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("quitting: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("q did not end the view:\n%s", screen)
	}
	screen.WaitFor(t, "last frame at ")
	time.Sleep(100 * time.Millisecond) // whatever follows the last frame
	if s := screen.String(); strings.Contains(s, "rolled out") || strings.Contains(s, "SUCCESS") {
		t.Errorf("a summary after quitting an unfinished rollout:\n%s", s)
	}
}

// watchOnAPty is `watch --until-done` of objs' cluster on a 100×24
// terminal: the options, what the terminal shows, and its keyboard.
func watchOnAPty(t *testing.T, objs ...runtime.Object) (*WatchOptions, *fixtures.Buffer, *os.File) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	screen := &fixtures.Buffer{}
	go func() { _, _ = io.Copy(screen, ptmx) }()
	o := &WatchOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(fake.NewClientset(objs...))},
		IOStreams: genericiooptions.IOStreams{In: tty, Out: tty, ErrOut: tty}, Color: "never", UntilDone: true, Timeout: 20 * time.Second}
	return o, screen, ptmx
}
