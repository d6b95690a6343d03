package action

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// ImageLookup answers what a registry holds for an image reference.
type ImageLookup func(ctx context.Context, ref string) (*registry.Image, error)

// preflightTimeout bounds the registry check before a question: an
// unreachable registry must never hold back an emergency rollback.
const preflightTimeout = 3 * time.Second

// Preflight is what the registry says of the images an undo brings back.
// The most common surprise of a "safe" rollback is an old image deleted
// since: the undo then ends in ImagePullBackOff.
type Preflight struct {
	Gone      []string // not in the registry any more (not found)
	Refused   []string // the registry would not show them (unauthorized)
	Unchecked []string // the registry did not answer
	Checked   int      // images the registry holds
}

// CheckImages asks the registry about every image of the plan's target.
func (p *Plan) CheckImages(ctx context.Context, look ImageLookup) {
	ctx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	pf := &Preflight{}
	for _, c := range p.Target.Containers {
		_, err := look(ctx, c.Image)
		var e *registry.Error
		switch {
		case err == nil:
			pf.Checked++
		case errors.As(err, &e) && e.Problem == registry.NotFound:
			pf.Gone = append(pf.Gone, c.Image)
		case errors.As(err, &e) && e.Problem == registry.Unauthorized:
			pf.Refused = append(pf.Refused, c.Image)
		default:
			pf.Unchecked = append(pf.Unchecked, c.Image)
		}
	}
	p.Preflight = pf
}

// Say is the preflight in a few words for the question. It names no image:
// the question names the target's images already, and a long question is
// one read less carefully.
func (pf *Preflight) Say() string {
	var parts []string
	if n := len(pf.Gone); n > 0 {
		parts = append(parts, fmt.Sprintf("WARNING: %s gone from the registry, pods would not start", count(n, "image")))
	}
	if n := len(pf.Refused); n > 0 {
		parts = append(parts, fmt.Sprintf("%s refused to us by the registry", count(n, "image")))
	}
	if n := len(pf.Unchecked); n > 0 {
		parts = append(parts, fmt.Sprintf("%s not checked, registry unreachable", count(n, "image")))
	}
	if len(parts) == 0 {
		return "images still in the registry"
	}
	return strings.Join(parts, "; ")
}

// GoneError is the refusal of an unattended undo to an image that is
// certainly gone.
func (pf *Preflight) GoneError(p *Plan) error {
	if len(pf.Gone) == 0 {
		return nil
	}
	out := make([]string, len(pf.Gone))
	for i, r := range pf.Gone {
		out[i] = sanitize.Text(r)
	}
	return fmt.Errorf("not rolling back %s/%s to %s: %s not in the registry any more (not found), so its pods would not start; pass --force to roll back anyway",
		lower(p.Kind), p.Object.GetName(), p.Target.Label(), strings.Join(out, ", "))
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
