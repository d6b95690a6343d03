package podlog

import (
	"context"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func TestLastKeepsTheEndAndMakesItInert(t *testing.T) {
	log := "starting\r\n\nloading pockets\n  \npanic: scanner has no pocket\x1b[2J\ngoroutine 1 [running]:\n"
	got := Last(log, 3)
	want := []string{"loading pockets", "panic: scanner has no pocket", "goroutine 1 [running]:"}
	if len(got) != 3 || got[0] != want[0] || got[2] != want[2] || !strings.HasPrefix(got[1], want[1]) || strings.Contains(got[1], "\x1b") {
		t.Errorf("%q, want %q with no escape", got, want)
	}
	if got := Last("", 5); got != nil {
		t.Errorf("an empty log: %q", got)
	}
}

// The read asks the API for the tail only, bounded in bytes, of the
// container and restart asked.
func TestTailAsksForTheTailOnly(t *testing.T) {
	c := fake.NewClientset(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "shop"}})
	var asked *corev1.PodLogOptions
	c.PrependReactor("get", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if g, ok := a.(k8stesting.GenericActionImpl); ok && a.GetSubresource() == "log" {
			asked, _ = g.Value.(*corev1.PodLogOptions)
		}
		return false, nil, nil
	})
	lines, err := Tail(c, 5)(context.Background(), "shop", "web-1", "uniform", true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lines, []string{"fake logs"}) {
		t.Errorf("lines %q", lines)
	}
	if asked == nil || asked.Container != "uniform" || !asked.Previous || *asked.TailLines != 5 || *asked.LimitBytes != maxBytes {
		t.Errorf("asked %+v", asked)
	}
}
