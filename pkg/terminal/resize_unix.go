//go:build !windows

package terminal

import (
	"os"
	"os/signal"
	"syscall"
)

// Resizes delivers a value whenever the terminal changes size; stop with the
// returned function.
func Resizes() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGWINCH)
	return ch, func() { signal.Stop(ch) }
}
