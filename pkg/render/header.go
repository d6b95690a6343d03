package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// header returns the lines above the shelves. Each level gives lines back to
// the pods: 0 is everything, 1 loses the blank line (and Frame the legend),
// 2 folds the header into two lines without timing, 3 into one line.
func (r *renderer) header(level int) []string {
	if level >= 2 {
		lines := []string{r.summary()}
		if level == 2 {
			lines = append(lines, r.progress(false))
			if n := len(r.s.Problems); n > 0 {
				p := "! " + r.text(r.s.Problems[0])
				if n > 1 {
					p += fmt.Sprintf(" (+%d more)", n-1)
				}
				lines = append(lines, r.paint(sgrWarn, r.fit(p)))
			}
		}
		return lines
	}
	lines := []string{r.title()}
	if st := r.strategy(); st != "" {
		lines = append(lines, st)
	}
	lines = append(lines, r.phase(), r.progress(true))
	for _, p := range r.s.Problems {
		lines = append(lines, r.paint(sgrWarn, r.fit("! "+r.text(p))))
	}
	if level == 0 {
		lines = append(lines, "")
	}
	return lines
}

// names returns the workload's name bare and with its namespace.
func (r *renderer) names() (name, full string) {
	w := r.s.Workload
	name, full = r.text(w.Name), r.text(w.Name)
	if w.Namespace != "" {
		full = r.text(w.Namespace) + "/" + name
	}
	return name, full
}

func (r *renderer) title() string {
	name, full := r.names()
	kind := r.text(r.s.Workload.Kind)
	return r.paint(sgrTitle, r.fit(strings.TrimSpace(kind+" "+full), full, name))
}

func (r *renderer) strategy() string {
	st := r.s.Workload.Strategy
	sep := r.g.sep
	switch {
	case st.Type == "OnDelete":
		return r.fit("OnDelete"+sep+"pods are replaced only when deleted", "OnDelete")
	case st.Type != "RollingUpdate":
		return r.fit(r.text(st.Type))
	case st.Ordered:
		return r.fit(
			fmt.Sprintf("RollingUpdate%spartition %d%s%s%shighest ordinal first", sep, st.Partition, sep, r.text(st.PodManagementPolicy), sep),
			fmt.Sprintf("RollingUpdate%spartition %d%s%s", sep, st.Partition, sep, r.text(st.PodManagementPolicy)),
			fmt.Sprintf("partition %d", st.Partition),
		)
	case st.PerNode:
		return r.fit(
			fmt.Sprintf("RollingUpdate%smaxSurge %d%smaxUnavailable %d nodes at a time", sep, st.MaxSurge, sep, st.MaxUnavailable),
			fmt.Sprintf("surge %d%sunavailable %d per node", st.MaxSurge, sep, st.MaxUnavailable),
			fmt.Sprintf("surge %d%sunavail %d", st.MaxSurge, sep, st.MaxUnavailable),
		)
	}
	return r.fit(
		fmt.Sprintf("RollingUpdate%smaxSurge %d%smaxUnavailable %d", sep, st.MaxSurge, sep, st.MaxUnavailable),
		fmt.Sprintf("RollingUpdate%ssurge %d%sunavailable %d", sep, st.MaxSurge, sep, st.MaxUnavailable),
		fmt.Sprintf("surge %d%sunavailable %d", st.MaxSurge, sep, st.MaxUnavailable),
		fmt.Sprintf("surge %d%sunavail %d", st.MaxSurge, sep, st.MaxUnavailable),
	)
}

// phase is kubectl's own words when they fit, ours when they do not.
func (r *renderer) phase() string {
	prefix := ""
	if r.s.Workload.Paused {
		prefix = "paused" + r.g.sep
	}
	msg := r.text(r.s.Message)
	short := r.shortPhase()
	if msg == "" {
		msg = short
	}
	return r.paint(r.phaseColor(), r.fit(prefix+msg, prefix+short))
}

func (r *renderer) phaseColor() string {
	switch {
	case r.s.Phase == snapshot.PhaseComplete:
		return sgrGood
	case r.s.Phase == snapshot.PhaseFailed || r.s.Phase == snapshot.PhaseDeleted:
		return sgrFail
	}
	return sgrWarn
}

func (r *renderer) shortPhase() string {
	w := r.s.Workload
	switch r.s.Phase {
	case snapshot.PhaseWaitingSpec:
		return "waiting for spec update"
	case snapshot.PhaseUpdating:
		return fmt.Sprintf("updating %d/%d", w.Updated, w.Desired)
	case snapshot.PhaseTerminating:
		return fmt.Sprintf("%d old terminating", w.Current-w.Updated)
	case snapshot.PhaseAvailability:
		return fmt.Sprintf("%d/%d available", w.Available, w.Updated)
	case snapshot.PhaseComplete:
		return "rolled out"
	case snapshot.PhaseFailed:
		return "failed: deadline exceeded"
	case snapshot.PhaseDeleted:
		return "deleted"
	}
	return r.text(string(r.s.Phase))
}

// summary is the whole header in one line.
func (r *renderer) summary() string {
	name, full := r.names()
	phase := r.shortPhase()
	if r.s.Workload.Paused {
		phase = "paused" + r.g.sep + phase
	}
	sep := r.g.sep
	l := r.fit(full+sep+phase, name+sep+phase, phase)
	return r.paint(r.phaseColor(), l)
}

// progress draws a bar, solid for new pods that are ready and shaded for
// updated ones still starting, followed by as many counts as fit.
func (r *renderer) progress(timing bool) string {
	w := r.s.Workload
	parts := []string{
		fmt.Sprintf("%d/%d updated", w.Updated, w.Desired),
		fmt.Sprintf("%d ready", w.Ready),
		fmt.Sprintf("%d available", w.Available),
	}
	if timing {
		if el, ok := r.elapsed(); ok {
			parts = append(parts, duration(el)+" elapsed")
		}
		if eta, ok := r.eta(); ok {
			parts = append(parts, "ETA ~"+duration(eta))
		}
	}
	bw := min(20, r.w/3) - len(r.g.open) - len(r.g.close)
	if w.Desired <= 0 || bw < 3 {
		return joinFit(r.w, r.g.sep, parts...)
	}
	bar := r.bar(bw)
	rest := joinFit(r.w-columns(bar)-1, r.g.sep, parts...)
	if rest == "" {
		return bar
	}
	return bar + " " + rest
}

// bar is the progress bar in cells cells (plus the ASCII brackets).
func (r *renderer) bar(cells int) string {
	w := r.s.Workload
	newReady := 0
	if cur := r.current(); cur != nil {
		newReady = cur.n[ready]
	}
	solid := scale(newReady, w.Desired, cells)
	shaded := max(scale(int(w.Updated), w.Desired, cells)-solid, 0)
	empty := cells - solid - shaded
	return r.g.open +
		r.paint(sgrNew, strings.Repeat(r.g.bar[0], solid)) +
		r.paint(sgrNew, strings.Repeat(r.g.bar[1], shaded)) +
		r.paint(sgrOld, strings.Repeat(r.g.bar[2], empty)) +
		r.g.close
}

// scale maps n of total onto span cells, never overflowing them.
func scale(n int, total int32, span int) int {
	if n <= 0 || total <= 0 {
		return 0
	}
	return min(n*span/int(total), span)
}

func (r *renderer) current() *shelf {
	for i := range r.shelves {
		if r.shelves[i].rev.Current {
			return &r.shelves[i]
		}
	}
	return nil
}

// elapsed is the age of the rollout in progress; a finished one has none.
func (r *renderer) elapsed() (time.Duration, bool) {
	s := r.s
	start := s.Rollout.Started
	if s.Done() || s.Now.IsZero() || start.IsZero() || s.Now.Before(start) {
		return 0, false
	}
	return s.Now.Sub(start), true
}

// eta extrapolates the pace at which the current rollout has made new pods
// ready: progress from before it (an undo to a revision that still had
// ready pods) is not counted.
func (r *renderer) eta() (time.Duration, bool) {
	s := r.s
	cur := r.current()
	if s.Done() || s.Workload.Paused || cur == nil {
		return 0, false
	}
	el, ok := r.elapsed()
	ready := cur.n[ready]
	done := ready - s.Rollout.ReadyAtStart
	left := int(s.Workload.Desired) - ready
	if !ok || el < time.Second || done <= 0 || left <= 0 {
		return 0, false
	}
	return time.Duration(float64(el) * float64(left) / float64(done)), true
}

// duration formats d to the second, short enough for a header.
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}
