package cmd

import (
	"context"
	"errors"
	"strings"
	"testing"

	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
)

func lookupAnswering(err error) registry.Lookup {
	return func(_ context.Context, ref, _ string) (*registry.Image, error) {
		if err != nil {
			return nil, &registry.Error{Ref: ref, Problem: registry.Problem(err.Error()), Err: err}
		}
		return &registry.Image{Ref: ref}, nil
	}
}

// An unattended undo refuses a target whose image the registry certainly
// no longer holds, unless --force; a registry that does not answer never
// blocks a rollback.
func TestUndoPreflightWithoutATerminal(t *testing.T) {
	d, rss := fixtures.TwoRevisions()
	c := fake.NewClientset(d, rss[0], rss[1])
	_, err := runUndo(t, c, func(o *UndoOptions) { o.Yes, o.images = true, lookupAnswering(errors.New(string(registry.NotFound))) })
	if err == nil || !strings.Contains(err.Error(), "not in the registry any more") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("undo to a deleted image: %v", err)
	}
	if got := image(t, c); got != "winter" {
		t.Fatalf("the refused undo changed the image to %q", got)
	}
	if _, err := runUndo(t, c, func(o *UndoOptions) {
		o.Yes, o.images = true, lookupAnswering(errors.New(string(registry.Unreachable)))
	}); err != nil || image(t, c) != "summer" {
		t.Fatalf("an unreachable registry blocked the undo: %v, image %q", err, image(t, c))
	}
	if _, err := runUndo(t, c, func(o *UndoOptions) {
		o.Yes, o.Force, o.ToRevision, o.images = true, true, 2, lookupAnswering(errors.New(string(registry.NotFound)))
	}); err != nil || image(t, c) != "winter" {
		t.Fatalf("--force: %v, image %q", err, image(t, c))
	}
}
