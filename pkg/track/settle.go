package track

import (
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// Grace bounds how long a finished rollout waits for the pods in view
// to agree with the workload's status. Watches reconnect one by one after
// an outage, each with its own back-off; the last frame must not show
// mannequins of a moment the status has already left behind.
const Grace = 10 * time.Second

// GraceReconnecting is the bound while the connection is still down
// or one of the watches is not open again: after apiserver restarts, a
// watch's back-off can keep it away for tens of seconds, and the last frame
// would show pods of before the outage.
const GraceReconnecting = time.Minute

// Settle decides when --until-done may end the watch.
type Settle struct {
	since time.Time // when the status first said complete; zero otherwise
}

// Over reports whether s ends the watch at now; when it does not yet only
// because the pods lag, wait is how long to wait at most before asking again.
func (st *Settle) Over(s *snapshot.Snapshot, now time.Time) (over bool, wait time.Duration) {
	if !s.Done() {
		st.since = time.Time{}
		return false, 0
	}
	if s.Phase != snapshot.PhaseComplete || s.PodsAgree() {
		return true, 0
	}
	if st.since.IsZero() {
		st.since = now
	}
	grace := Grace
	if s.Reconnecting {
		grace = GraceReconnecting
	}
	if left := grace - now.Sub(st.since); left > 0 {
		return false, left
	}
	return true, 0
}
