package history

import (
	"fmt"
	"strings"

	"github.com/aymanbagabas/go-udiff"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
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
	return udiff.ToUnified(diffLabel(a), diffLabel(b), ya, udiff.Lines(ya, yb), 3)
}

// diffLabel says which revision a side of a diff is: "revision 3 (current,
// uniform:autumn-2024)".
func diffLabel(r *Revision) string {
	what := revision.ShortImages(r.SafeImages())
	if r.Current {
		what = "current, " + what
	}
	return fmt.Sprintf("revision %d (%s)", r.Number, what)
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
