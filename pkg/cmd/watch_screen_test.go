package cmd

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
)

// On a terminal, --until-done draws the live view on the alternate screen
// and leaves the last frame and the summary on the normal one.
func TestWatchOnATerminalLeavesTheLastFrame(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	d.Status.ObservedGeneration = d.Generation
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	screen := &fixtures.Buffer{}
	go func() { _, _ = io.Copy(screen, ptmx) }()
	o := &WatchOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(fake.NewClientset(d, rss[0], rss[1]))},
		IOStreams: genericiooptions.IOStreams{In: tty, Out: tty, ErrOut: tty}, Color: "never", UntilDone: true, Timeout: 20 * time.Second}
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
