package action

import (
	"fmt"
	"strings"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/prompt"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// Prompt is the undo's question in parts, so that a small screen shortens
// the images before anything else: the verb, the workload, both revision
// numbers and the registry's finding are always shown.
func (p *Plan) Prompt() prompt.Prompt {
	from, to := "the current template", fmt.Sprintf("rev %d", p.Target.Number)
	var fromImages, toImages string
	if p.Current != nil {
		from = fmt.Sprintf("rev %d", p.Current.Number)
		fromImages, toImages = imageLabels(p.Current, p.Target)
	} else {
		toImages = revision.ShortImages(p.Target.SafeImages())
	}
	q := prompt.Prompt{
		{Text: fmt.Sprintf("Roll back %s/%s from %s", workload.Lower(p.Kind), p.Object.GetName(), from)},
		{Text: fromImages, Label: true},
		{Text: " to " + to},
		{Text: toImages, Label: true},
		{Text: "?"},
	}
	if p.Preflight != nil {
		q = append(q, prompt.Part{Text: " (" + p.Preflight.Say() + ")"})
	}
	return q
}

// imageLabels names the images of two revisions as briefly as tells them
// apart: the image's last path element, or, for a container whose images
// share that short name but are not the same image (another registry or
// path), the whole image.
func imageLabels(a, b *revision.Revision) (string, string) {
	ai, bi := a.SafeImages(), b.SafeImages()
	short := func(imgs []string, other []string) string {
		out := make([]string, len(imgs))
		for i, img := range imgs {
			out[i] = revision.ShortImage(img)
			for _, o := range other {
				if o != img && revision.ShortImage(o) == out[i] {
					out[i] = img
				}
			}
		}
		return strings.Join(out, ",")
	}
	return short(ai, bi), short(bi, ai)
}
