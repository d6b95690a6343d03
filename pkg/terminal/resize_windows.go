//go:build windows

package terminal

import "os"

// Resizes never fires on Windows, which has no SIGWINCH; views still pick up
// the new size on their next redraw (at least once a second).
func Resizes() (<-chan os.Signal, func()) {
	return make(chan os.Signal), func() {}
}
