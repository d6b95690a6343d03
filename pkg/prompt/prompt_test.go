package prompt

import "testing"

func TestShortenedGivesUpLabelsFirst(t *testing.T) {
	p := Prompt{{Text: "Roll back deployment/shop from rev 3"}, {Text: "uniform:winter-2024", Label: true},
		{Text: " to rev 2"}, {Text: "", Label: true}, {Text: "? [y/N]"}}
	cut := func(s string, w int) string { return s[:w-1] + "…" }
	for _, tc := range []struct {
		limit int
		want  string
	}{
		{-1, "Roll back deployment/shop from rev 3 (uniform:winter-2024) to rev 2? [y/N]"},
		{8, "Roll back deployment/shop from rev 3 (uniform…) to rev 2? [y/N]"},
		{0, "Roll back deployment/shop from rev 3 to rev 2? [y/N]"},
	} {
		if got := p.Shortened(tc.limit, cut); got != tc.want {
			t.Errorf("limit %d: %q, want %q", tc.limit, got, tc.want)
		}
	}
	if p.String() != p.Shortened(-1, nil) || p.LongestLabel() != len("uniform:winter-2024") {
		t.Errorf("String %q, LongestLabel %d", p.String(), p.LongestLabel())
	}
	if got := Plain("Restart?"); got.String() != "Restart?" || got.LongestLabel() != 0 {
		t.Errorf("Plain: %q", got.String())
	}
}
