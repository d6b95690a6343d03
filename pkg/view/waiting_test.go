package view

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/theme"
)

// A slow first frame is announced after the delay and the announcement is
// cleared when it ends; a quick one never shows a spinner at all.
func TestShowWaitingOnlyWhenSlow(t *testing.T) {
	theme.Setup(true)
	t.Cleanup(func() { theme.Setup(false) })

	var quick fixtures.Buffer
	stop := ShowWaiting(&quick, "reading deploy/web and its pods…", 200*time.Millisecond)
	stop()
	time.Sleep(300 * time.Millisecond)
	if quick.String() != "" {
		t.Fatalf("a quick start drew %q", quick.String())
	}

	var slow fixtures.Buffer
	stop = ShowWaiting(&slow, "reading deploy/web and its pods…", 20*time.Millisecond)
	time.Sleep(400 * time.Millisecond)
	stop()
	out := slow.String()
	if !strings.Contains(out, "reading deploy/web and its pods…") {
		t.Fatalf("a slow start did not say what it waits for: %q", out)
	}
	// Cleared: the last thing written blanks the line and returns the
	// carriage, so the first frame starts on a clean line.
	segments := strings.Split(strings.TrimSuffix(out, "\r"), "\r")
	if last := segments[len(segments)-1]; !strings.HasSuffix(out, "\r") || strings.TrimSpace(last) != "" || len(last) < len("reading deploy/web") {
		t.Fatalf("the spinner was not cleared: %q", out[max(0, len(out)-80):])
	}
	time.Sleep(250 * time.Millisecond)
	if after := slow.String(); after != out {
		t.Fatalf("the spinner drew after stop: %q", after[len(out):])
	}
}
