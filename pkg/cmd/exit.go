package cmd

// Exit codes: distinct where a script needs to tell them apart. `--help`
// and the README list them (exitCodesHelp).
const (
	// ExitOK: the command did its job; with --until-done, the rollout completed.
	ExitOK = 0
	// ExitFailed: the rollout failed (progress deadline, deleted, OnDelete
	// with --until-done), or the command could not do its job (forbidden,
	// not found, unreachable), as kubectl's 1.
	ExitFailed = 1
	// ExitUsage: the command line is wrong (flag, argument, kind); nothing
	// was asked of the cluster that changes it.
	ExitUsage = 2
	// ExitTimeout: --timeout passed before the rollout ended.
	ExitTimeout = 3
	// ExitInterrupted: Ctrl-C (130); SIGTERM gives 143, 128 + the signal.
	ExitInterrupted = 130
)

// exitCodesHelp is the table `--help` shows.
const exitCodesHelp = `Exit codes:
  0    done (with --until-done: the rollout completed)
  1    the rollout failed, or the command could not do its job
  2    usage error (flag, argument or kind); nothing was changed
  3    timed out (--timeout)
  130  interrupted (Ctrl-C; 143 for SIGTERM)`

// usageError marks err as a mistake in the command line.
func usageError(err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: ExitUsage, Err: err}
}
