package cmd

import "testing"

func TestOneLineSanitizesErrors(t *testing.T) {
	got := oneLine("admission webhook said:\n\x1b]52;c;aGk=\x07 \u202eno\r\n")
	want := `admission webhook said: \x1b]52;c;aGk=\x07 \u202eno`
	if got != want {
		t.Errorf("oneLine = %q, want %q", got, want)
	}
}
