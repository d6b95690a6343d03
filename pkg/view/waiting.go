package view

import (
	"io"
	"sync"
	"time"

	"github.com/pterm/pterm"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
)

// WaitingDelay is how long a first frame may take before the user is told
// what it waits for: a near cluster answers well within it, so the
// spinner never flickers there.
const WaitingDelay = 300 * time.Millisecond

// ShowWaiting draws pterm's spinner with text on errOut once delay has
// passed, until the returned stop clears it. The caller decides that errOut
// is a terminal: a spinner has no place in a pipe or a log.
func ShowWaiting(errOut io.Writer, text string, delay time.Duration) (stop func()) {
	var mu sync.Mutex
	var spinner *pterm.SpinnerPrinter
	stopped := false
	timer := time.AfterFunc(delay, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		p := pterm.DefaultSpinner.WithWriter(errOut).WithRemoveWhenDone(true).WithShowTimer(false).
			WithStyle(&theme.New).WithMessageStyle(&theme.Faint)
		if !terminal.UTF8() {
			p = p.WithSequence(`|`, `/`, `-`, `\`)
		}
		spinner, _ = p.Start(text)
	})
	return func() {
		timer.Stop()
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		if spinner != nil {
			_ = spinner.Stop()
			spinner = nil
		}
	}
}
