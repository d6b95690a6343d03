//go:build !linux

package terminal

import "io"

// FlushInput discards unread terminal input on Linux. Elsewhere a Guard's
// AnswerDelay and burst rule still keep typed-ahead keys from answering.
func FlushInput(io.Reader) {}
