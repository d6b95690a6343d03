package theme

import (
	"strings"
	"testing"
)

// Whatever pterm decided at init, Setup(false) leaves no escape sequence in
// anything the theme draws; Setup(true) brings colour back.
func TestSetupDecidesForPterm(t *testing.T) {
	t.Cleanup(func() { Setup(false) })
	draw := func() string {
		return Header("REVISION") + Good.Sprint("ok") + Accent.Sprint("accent") +
			Success.Sprint("rollout complete") + Warning.Sprint("why") + Error.Sprint("failed")
	}
	Setup(false)
	if got := draw(); strings.ContainsRune(got, '\x1b') {
		t.Fatalf("styling off still wrote escapes: %q", got)
	}
	if On() {
		t.Fatal("On() after Setup(false)")
	}
	if got := Success.Sprint("rollout complete"); got != "SUCCESS: rollout complete" {
		t.Fatalf("plain success line = %q, want a grep-able \"SUCCESS: ...\"", got)
	}
	Setup(true)
	if got := draw(); !strings.Contains(got, "\x1b[") {
		t.Fatalf("styling on wrote no escapes: %q", got)
	}
}

func TestAutoHonoursNoColorAndDumbTerminals(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	if !Auto(true) {
		t.Error("a terminal without NO_COLOR should get colour")
	}
	if Auto(false) {
		t.Error("a pipe got colour")
	}
	t.Setenv("NO_COLOR", "1")
	if Auto(true) {
		t.Error("NO_COLOR=1 was ignored")
	}
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "dumb")
	if Auto(true) {
		t.Error("TERM=dumb got colour")
	}
}

// The RGB accent is drawn at the depth the terminal supports.
func TestAccentFollowsTerminalDepth(t *testing.T) {
	t.Cleanup(func() { Setup(false) })
	Setup(true)
	t.Setenv("CI", "")
	for _, c := range []struct{ force, want string }{
		{"3", "\x1b[38;2;95;175;215m"},
		{"2", "\x1b[38;5;"},
		{"1", "\x1b[9"}, // a bright basic colour
	} {
		t.Setenv("FORCE_COLOR", c.force)
		if got := Accent.Sprint("x"); !strings.HasPrefix(got, c.want) {
			t.Errorf("FORCE_COLOR=%s: accent = %q, want prefix %q", c.force, got, c.want)
		}
	}
}
