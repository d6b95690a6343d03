package snapshot

import (
	"math"
	"sort"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// WarningEvents keeps the Warning events about the given objects and merges
// those with the same object kind, reason and message, so that a pod pulling
// in a loop is one line with a count, not a screenful.
func WarningEvents(events []*corev1.Event, about map[types.UID]bool) []Event {
	type key struct{ kind, reason, message string }
	merged := map[key]*Event{}
	for _, e := range events {
		if e.Type != corev1.EventTypeWarning || !about[e.InvolvedObject.UID] {
			continue
		}
		k := key{e.InvolvedObject.Kind, sanitize.Text(e.Reason), sanitize.Text(e.Message)}
		count := e.Count
		if count == 0 {
			count = 1
		}
		if e.Series != nil && e.Series.Count > count {
			count = e.Series.Count
		}
		last := e.LastTimestamp.Time
		if e.Series != nil && e.Series.LastObservedTime.After(last) {
			last = e.Series.LastObservedTime.Time
		}
		if last.IsZero() {
			last = e.EventTime.Time
		}
		if m, ok := merged[k]; ok {
			// Count is int32, as in the API; events of many pods looping for
			// weeks can add up past it, and a wrapped count reads negative.
			m.Count = int32(min(int64(m.Count)+int64(count), math.MaxInt32))
			if last.After(m.Last) {
				m.Last, m.Object = last, eventObject(e)
			}
			continue
		}
		merged[k] = &Event{Object: eventObject(e), Reason: k.reason, Message: k.message, Count: count, Last: last}
	}
	out := make([]Event, 0, len(merged))
	for _, e := range merged {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Last.Equal(out[j].Last) {
			return out[i].Last.After(out[j].Last)
		}
		return out[i].Message < out[j].Message
	})
	return out
}

// eventObject names what an event is about; anyone who may create events
// chooses these strings.
func eventObject(e *corev1.Event) string {
	return sanitize.Text(e.InvolvedObject.Kind + "/" + e.InvolvedObject.Name)
}
