package snapshot

import (
	"math"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// Merged counts stop at the largest int32 rather than wrap to negative.
func TestWarningEventsCountSaturates(t *testing.T) {
	warning := func(pod types.UID, count int32) *corev1.Event {
		return &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: string(pod) + ".1"},
			InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: string(pod), UID: pod},
			Type:           corev1.EventTypeWarning,
			Reason:         "BackOff",
			Message:        "Back-off restarting failed container",
			Count:          count,
		}
	}
	about := map[types.UID]bool{"a": true, "b": true, "c": true}
	for _, tt := range []struct {
		name   string
		events []*corev1.Event
	}{
		{"two", []*corev1.Event{warning("a", math.MaxInt32-1), warning("b", 5)}},
		{"three, past the top twice", []*corev1.Event{warning("a", math.MaxInt32), warning("b", math.MaxInt32), warning("c", math.MaxInt32)}},
	} {
		got := WarningEvents(tt.events, about)
		if len(got) != 1 {
			t.Fatalf("%s: %d events, want them merged into 1", tt.name, len(got))
		}
		if got[0].Count != math.MaxInt32 {
			t.Errorf("%s: count %d, want %d", tt.name, got[0].Count, int32(math.MaxInt32))
		}
	}
}

// Events carry text that anyone allowed to create them chooses.
func TestWarningEventsAreSanitized(t *testing.T) {
	const hostile = "x\x1b]52;c;aGk=\x07\x1b[2J\x1b[1A\u009b2J\u202e"
	ev := &corev1.Event{
		Type: corev1.EventTypeWarning, Reason: "R" + hostile, Message: hostile, Count: 1,
		InvolvedObject: corev1.ObjectReference{Kind: "Pod" + hostile, Name: "p", UID: types.UID("pod")},
	}
	got := WarningEvents([]*corev1.Event{ev}, map[types.UID]bool{"pod": true})
	if len(got) != 1 {
		t.Fatalf("want the event, got %+v", got)
	}
	for what, s := range map[string]string{"reason": got[0].Reason, "message": got[0].Message, "object": got[0].Object} {
		if strings.ContainsFunc(s, sanitize.Unsafe) {
			t.Errorf("event %s keeps control characters: %q", what, s)
		}
	}
}
