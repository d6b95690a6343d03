package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
)

// Changes describes in plain lines what changed from prev to cur, for output
// that is not a terminal. With prev nil it describes cur in a few lines. It
// returns nil when nothing a reader would care about changed; pods merely
// getting older is not a change. Lines carry no timestamps and no colour.
func Changes(prev, cur *snapshot.Snapshot) []string {
	if cur == nil {
		return nil
	}
	if prev == nil {
		return initial(cur)
	}
	if cur.Phase == snapshot.PhaseDeleted {
		if prev.Phase == snapshot.PhaseDeleted {
			return nil
		}
		return []string{kindWord(cur) + " deleted"}
	}
	var out []string
	switch {
	case cur.Workload.Paused && !prev.Workload.Paused:
		out = append(out, "paused")
	case !cur.Workload.Paused && prev.Workload.Paused:
		out = append(out, "resumed")
	}
	if c := currentRev(cur); c != nil {
		if p := currentRev(prev); p == nil || p.Name != c.Name {
			out = append(out, fmt.Sprintf("rolling out %s: %s", revName(c, false), plainText(revision.ShortImages(c.Images))))
		}
	}
	out = append(out, newProblems(prev, cur)...)
	out = append(out, newFailures(prev, cur)...)
	if l := revisionLine(prev, cur); l != "" {
		out = append(out, l)
	}
	if cur.Phase != prev.Phase {
		switch cur.Phase {
		case snapshot.PhaseComplete:
			out = append(out, "rollout complete: "+plainText(cur.Message))
		case snapshot.PhaseFailed:
			out = append(out, strings.TrimSuffix("rollout failed: "+plainText(cur.Message), ": "))
		default:
			if cur.Message != "" {
				out = append(out, plainText(cur.Message))
			}
		}
	}
	return out
}

func initial(s *snapshot.Snapshot) []string {
	w := s.Workload
	first := strings.TrimSpace(plainText(w.Kind + " " + w.Namespace + "/" + w.Name))
	if st := w.Strategy; st.Type == "RollingUpdate" {
		first += fmt.Sprintf(" (RollingUpdate · maxSurge %d · maxUnavailable %d)", st.MaxSurge, st.MaxUnavailable)
	} else if st.Type != "" {
		first += " (" + plainText(st.Type) + ")"
	}
	if w.Paused {
		first += ", paused"
	}
	out := []string{first}
	switch {
	case s.Phase == snapshot.PhaseDeleted:
		return append(out, kindWord(s)+" deleted")
	case s.Message != "":
		out = append(out, plainText(s.Message))
	}
	var parts []string
	for i := range s.Revisions {
		rev := &s.Revisions[i]
		if !rev.Active() {
			continue
		}
		part := tallyOf(s, rev).describe(rev, nil)
		if n := rev.Counts()[snapshot.PodFailed]; n > 0 {
			part += fmt.Sprintf(", %d failed", n)
		}
		parts = append(parts, part)
	}
	if len(parts) > 0 {
		out = append(out, strings.Join(parts, " · "))
	}
	return out
}

// tally is what a reader of the log follows per revision: new pods becoming
// ready, old pods leaving.
type tally struct {
	current bool
	ready   int // of the new revision
	left    int // pods of an old revision not yet terminating
	desired int32
}

// tallyOf fills only the fields that matter for the revision's role, so that
// comparing tallies ignores, say, a new pod that is merely starting.
func tallyOf(s *snapshot.Snapshot, rev *snapshot.Revision) tally {
	t := tally{current: rev.Current}
	for i := range rev.Pods {
		switch st := rev.Pods[i].State; {
		case rev.Current && st == snapshot.PodReady:
			t.ready++
		case !rev.Current && st != snapshot.PodTerminating:
			t.left++
		}
	}
	if rev.Current {
		t.desired = s.Workload.Desired
	}
	return t
}

// describe writes the tally with its change since prev, when given.
func (t tally) describe(rev *snapshot.Revision, prev *tally) string {
	if prev != nil && prev.current != t.current {
		prev = nil // counts of another kind: no delta
	}
	delta := func(d int) string {
		if prev == nil || d == 0 {
			return ""
		}
		return fmt.Sprintf(" (%+d)", d)
	}
	if t.current {
		d := 0
		if prev != nil {
			d = t.ready - prev.ready
		}
		return fmt.Sprintf("%s: %d/%d ready%s", revName(rev, false), t.ready, t.desired, delta(d))
	}
	d := 0
	if prev != nil {
		d = t.left - prev.left
	}
	return fmt.Sprintf("%s: %s%s", revName(rev, false), plural(t.left, "pod left", "pods left"), delta(d))
}

// revisionLine summarises every revision that is or was active, when any
// of them moved. Revisions are matched by ReplicaSet name: a rollback
// renumbers a revision but keeps its name.
func revisionLine(prev, cur *snapshot.Snapshot) string {
	before := make(map[string]tally)
	for i := range prev.Revisions {
		if rev := &prev.Revisions[i]; rev.Active() {
			before[rev.Name] = tallyOf(prev, rev)
		}
	}
	var parts []string
	changed := false
	for i := range cur.Revisions {
		rev := &cur.Revisions[i]
		b, was := before[rev.Name]
		if !rev.Active() && !was {
			continue
		}
		t := tallyOf(cur, rev)
		delete(before, rev.Name)
		if !was {
			changed = true
			parts = append(parts, t.describe(rev, nil))
			continue
		}
		if t != b {
			changed = true
		}
		parts = append(parts, t.describe(rev, &b))
	}
	// Revisions whose ReplicaSet is gone altogether.
	for i := range prev.Revisions {
		rev := &prev.Revisions[i]
		if b, ok := before[rev.Name]; ok && b.left > 0 {
			changed = true
			parts = append(parts, tally{}.describe(rev, &b))
		}
	}
	if !changed {
		return ""
	}
	return strings.Join(parts, " · ")
}

// newFailures names each pod that newly failed, or failed anew for another
// reason; a pod stuck in the same state is reported once.
func newFailures(prev, cur *snapshot.Snapshot) []string {
	before := make(map[string]string)
	for i := range prev.Revisions {
		for _, p := range prev.Revisions[i].Pods {
			if p.State == snapshot.PodFailed {
				before[p.Name] = p.Reason
			}
		}
	}
	var out []string
	for i := range cur.Revisions {
		for _, p := range cur.Revisions[i].Pods {
			if p.State != snapshot.PodFailed {
				continue
			}
			if reason, ok := before[p.Name]; ok && reason == p.Reason {
				continue
			}
			reason := p.Reason
			if reason == "" {
				reason = "failed"
			}
			out = append(out, "pod "+plainText(p.Name)+": "+plainText(reason))
		}
	}
	return out
}

func newProblems(prev, cur *snapshot.Snapshot) []string {
	seen := make(map[string]bool, len(prev.Problems))
	for _, p := range prev.Problems {
		seen[p] = true
	}
	var out []string
	for _, p := range cur.Problems {
		if !seen[p] {
			out = append(out, plainText(p))
		}
	}
	return out
}

func currentRev(s *snapshot.Snapshot) *snapshot.Revision {
	for i := range s.Revisions {
		if s.Revisions[i].Current {
			return &s.Revisions[i]
		}
	}
	return nil
}

// revName falls back to the ReplicaSet's name when it has no revision number.
func revName(rev *snapshot.Revision, ascii bool) string {
	if rev.Number == 0 {
		return clean(rev.Name, ascii)
	}
	return fmt.Sprintf("rev %d", rev.Number)
}

func kindWord(s *snapshot.Snapshot) string {
	if s.Workload.Kind == "" {
		return "workload"
	}
	return strings.ToLower(plainText(s.Workload.Kind))
}

// plainText keeps a log line one line long.
func plainText(s string) string { return clean(s, false) }

// maxSaid bounds how many findings and events a Log remembers having said,
// so that a session of days keeps a flat memory.
const maxSaid = 4096

// Log turns successive snapshots into plain lines: what changed, plus each
// reason for being stuck and each Warning event the first time it shows up
// in the session (a crash-looping pod must not repeat its hint every cycle).
type Log struct {
	prev *snapshot.Snapshot
	// said holds the keys said, at most maxSaid of them; ring lists them in
	// the order said and, once full, next is the oldest, forgotten first.
	// One forgotten and met again is said again: rare, and better than
	// growing for the whole session.
	said map[string]bool
	ring []string
	next int
	// present holds the keys of the previous snapshot: they are never said
	// again while they last, even when there are more of them than said
	// can hold (else each frame would forget the keys it meets next).
	present map[string]bool
}

// Level tells how much a log line matters, for the prefix that marks it.
type Level int

const (
	Note    Level = iota // a step of the rollout
	Success              // the rollout completed
	Warning              // a reason for being stuck, a Warning event
	Failure              // the rollout failed or the workload went away
)

// Line is one line of the log and how much it matters.
type Line struct {
	Level Level
	Text  string
}

// Next returns the lines that cur adds to the log.
func (l *Log) Next(cur *snapshot.Snapshot) []string {
	lines := l.NextLines(cur)
	out := make([]string, len(lines))
	for i, line := range lines {
		out[i] = line.Text
	}
	return out
}

// NextLines is Next with each line's level.
func (l *Log) NextLines(cur *snapshot.Snapshot) []Line {
	if l.said == nil {
		l.said = map[string]bool{}
	}
	var out []Line
	for _, text := range Changes(l.prev, cur) {
		out = append(out, Line{changeLevel(cur, text), text})
	}
	l.prev = cur
	present := map[string]bool{}
	for _, f := range cur.Findings {
		if l.first("finding|"+f.Key(), present) {
			line := "why: " + f.Summary() + ": " + f.Hint
			if f.Message != "" && !strings.Contains(f.Hint, f.Message) {
				line += " (" + f.Message + ")"
			}
			out = append(out, Line{Warning, plainText(line)})
		}
		// What a failing container said, beneath its finding: once per
		// crash that said something new.
		lw := f.LastWords
		if lw == nil || len(lw.Lines) == 0 || !l.first("words|"+f.Key()+"|"+strings.Join(lw.Lines, "\n"), present) {
			continue
		}
		out = append(out, Line{Note, plainText("  " + LastWordsTitle(lw))})
		for _, w := range lw.Lines {
			out = append(out, Line{Note, plainText("  | " + w)})
		}
	}
	for _, e := range cur.Events {
		if !l.first("event|"+e.Reason+"|"+e.Message, present) {
			continue
		}
		out = append(out, Line{Warning, plainText(fmt.Sprintf("event ×%d %s %s: %s", e.Count, e.Reason, e.Object, e.Message))})
	}
	l.present = present
	return out
}

// changeLevel tells the level of a line Changes wrote for cur.
func changeLevel(cur *snapshot.Snapshot, text string) Level {
	switch {
	case strings.HasPrefix(text, "rollout complete"):
		return Success
	case strings.HasPrefix(text, "rollout failed"), text == kindWord(cur)+" deleted":
		return Failure
	case strings.HasPrefix(text, "pod "):
		return Warning // a pod that newly failed
	}
	return Note
}

// LogLine formats a log line at t: a timestamp, then the text, marked by
// pterm's prefix printers when it matters (SUCCESS, WARNING, ERROR) so that
// a CI log's reader spots it. Without styling the mark is a word and a
// colon: the line stays grep-able.
func LogLine(t time.Time, line Line) string { return logLine(t, "", line) }

// LogLineFor is LogLine for one workload of several: its name follows the
// timestamp, so that a log of a release reads, and greps, by workload.
func LogLineFor(t time.Time, who string, line Line) string { return logLine(t, who, line) }

// logLine writes the timestamp, who when given, then the marked text.
func logLine(t time.Time, who string, line Line) string {
	text := line.Text
	switch line.Level {
	case Success:
		text = theme.Success.Sprint(text)
	case Warning:
		text = theme.Warning.Sprint(text)
	case Failure:
		text = theme.Error.Sprint(text)
	}
	if who != "" {
		text = plainText(who) + " " + text
	}
	return t.Format("15:04:05") + " " + text
}

// first notes key as present in this snapshot and reports whether it is to
// be said: neither said before, as far as the Log remembers, nor present
// in the previous snapshot.
func (l *Log) first(key string, present map[string]bool) bool {
	present[key] = true
	if l.said[key] || l.present[key] {
		return false
	}
	if len(l.ring) < maxSaid {
		l.ring = append(l.ring, key)
	} else {
		delete(l.said, l.ring[l.next])
		l.ring[l.next] = key
		l.next = (l.next + 1) % maxSaid
	}
	l.said[key] = true
	return true
}
