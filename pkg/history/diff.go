package history

import (
	"fmt"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// Diff is a unified diff between two revisions' pod templates, from a to b.
func Diff(a, b *Revision) (string, error) {
	ya, err := TemplateYAML(a.Template)
	if err != nil {
		return "", err
	}
	yb, err := TemplateYAML(b.Template)
	if err != nil {
		return "", err
	}
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(ya),
		B:        difflib.SplitLines(yb),
		FromFile: fmt.Sprintf("revision %d", a.Number),
		ToFile:   fmt.Sprintf("revision %d", b.Number),
		Context:  3,
	})
}

// ColorDiff paints a unified diff: removals red, additions green, hunks cyan.
func ColorDiff(diff string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(diff, "\n") {
		trimmed := strings.TrimRight(line, "\n")
		nl := line[len(trimmed):]
		switch {
		case strings.HasPrefix(line, "---"), strings.HasPrefix(line, "+++"):
			b.WriteString("\x1b[1m" + trimmed + "\x1b[0m" + nl)
		case strings.HasPrefix(line, "-"):
			b.WriteString("\x1b[31m" + trimmed + "\x1b[0m" + nl)
		case strings.HasPrefix(line, "+"):
			b.WriteString("\x1b[32m" + trimmed + "\x1b[0m" + nl)
		case strings.HasPrefix(line, "@@"):
			b.WriteString("\x1b[36m" + trimmed + "\x1b[0m" + nl)
		default:
			b.WriteString(line)
		}
	}
	return b.String()
}
