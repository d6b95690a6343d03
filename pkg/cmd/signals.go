package cmd

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// signalError is the cause of a context ended by SIGINT or SIGTERM.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return "interrupted by " + e.sig.String() }

// withSignals ends ctx on SIGINT or SIGTERM, remembering which, so that the
// exit code can say it (130, 143) after the terminal has been restored.
func withSignals(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case s := <-ch:
			cancel(&signalError{sig: s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}

// signalExit is the conventional exit for the signal that ended ctx: 128+n.
func signalExit(ctx context.Context) *ExitError {
	var se *signalError
	if errors.As(context.Cause(ctx), &se) {
		if s, ok := se.sig.(syscall.Signal); ok {
			return &ExitError{Code: 128 + int(s)}
		}
	}
	return &ExitError{Code: 130}
}
