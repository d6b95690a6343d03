package render

import (
	"strings"
	"testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/prompt"
)

// undoPrompt is an undo's question between two revisions of long images.
func undoPrompt(from, to string) prompt.Prompt {
	return prompt.Prompt{
		{Text: "Roll back deployment/clerk-squad from rev 12"},
		{Text: from, Label: true},
		{Text: " to rev 11"},
		{Text: to, Label: true},
		{Text: "?"},
	}
}

// A question too long for the screen gives up its image labels first: the
// verb, the workload, both revision numbers and [y/N] stay, on two lines
// or on one.
func TestPromptLinesShortenImagesFirst(t *testing.T) {
	long := "registry.internal.example.com/platform/team-retail/uniform:summer-2023-build-4711,sidecar=registry.internal.example.com/platform/mesh/proxy:v1.22.3"
	p := undoPrompt(long, strings.Replace(long, "summer-2023", "winter-2024", 1))
	for _, tc := range []struct{ width, lines int }{{100, 2}, {60, 2}, {100, 1}, {70, 1}} {
		got := PromptLines(p, tc.width, tc.lines, Style{Unicode: true})
		all := strings.Join(got, " ")
		if len(got) > tc.lines {
			t.Errorf("%dx%d: %d lines: %q", tc.width, tc.lines, len(got), got)
		}
		for _, must := range []string{"Roll back", "deployment/clerk-squad", "from rev 12", "to rev 11", "[y/N]"} {
			if !strings.Contains(all, must) {
				t.Errorf("%d columns, %d lines: %q is missing from %q", tc.width, tc.lines, must, got)
			}
		}
		for _, line := range got {
			if columns(line) > tc.width {
				t.Errorf("%d columns: a line of %d: %q", tc.width, columns(line), line)
			}
		}
	}
	// Room for the whole question: nothing is shortened.
	if got := strings.Join(PromptLines(p, 400, 2, Style{}), ""); got != p.String()+" [y/N]" {
		t.Errorf("at 400 columns the question was changed: %q", got)
	}
}
