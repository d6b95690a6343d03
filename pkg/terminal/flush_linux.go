package terminal

import (
	"io"

	"golang.org/x/sys/unix"
)

// FlushInput discards what was typed into the terminal in but not read yet.
func FlushInput(in io.Reader) {
	if f, ok := in.(interface{ Fd() uintptr }); ok {
		_ = unix.IoctlSetInt(int(f.Fd()), unix.TCFLSH, unix.TCIFLUSH)
	}
}
