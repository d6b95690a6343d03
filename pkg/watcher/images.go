package watcher

import (
	"context"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// imageKey is an image as looked up: its layers are the platform's.
type imageKey struct{ ref, platform string }

// lookupPlatform is the platform the images of s are looked up for: that
// of the nodes the revision being rolled out runs on, as its template pins
// them; a node there has the replaced revision's layers of that platform.
func lookupPlatform(s *snapshot.Snapshot) string {
	if cur, _ := pullPair(s); cur != nil {
		return cur.Platform()
	}
	return ""
}

// imageLookups bounds the registry requests in flight: the view never
// waits for them, and a registry should not see a burst from one watch.
const imageLookups = 2

// imageTimeout bounds one lookup; a registry that hangs is then simply
// not heard from.
const imageTimeout = 10 * time.Second

// WithImageLookup lets the new revision's shelf say what each node must
// pull. Each image is asked about once per session, in the background.
func (w *Workload) WithImageLookup(f registry.Lookup) *Workload {
	w.enrich.imageLookup = f
	w.enrich.imageSlots = make(chan struct{}, imageLookups)
	return w
}

// pullPair is the revision being rolled out and the one it replaces: the
// newest other revision, whose pods run on the nodes now.
func pullPair(s *snapshot.Snapshot) (cur, old *snapshot.Revision) {
	for i := range s.Revisions {
		r := &s.Revisions[i]
		switch {
		case r.Current:
			cur = r
		case old == nil || r.Number > old.Number:
			old = r
		}
	}
	return cur, old
}

// pullRevisions are the revisions whose images the registry is asked
// about: the current one (is its tag still what the pods run?) and the one
// it replaces (what must a node pull?).
func pullRevisions(s *snapshot.Snapshot) []*snapshot.Revision {
	var out []*snapshot.Revision
	cur, old := pullPair(s)
	for _, r := range []*snapshot.Revision{cur, old} {
		if r != nil {
			out = append(out, r)
		}
	}
	return out
}

// eachImage calls f with every image of the revisions the registry is
// asked about.
func eachImage(s *snapshot.Snapshot, f func(r *snapshot.Revision, image string)) {
	for _, r := range pullRevisions(s) {
		for _, c := range r.Containers {
			f(r, c.Image)
		}
	}
}

// lookupImages asks, in the background, about the images of the current
// revision and of the one it replaces that were not asked about yet.
func (e *enrichment) lookupImages(s *snapshot.Snapshot) {
	if e.imageLookup == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	platform := lookupPlatform(s)
	eachImage(s, func(_ *snapshot.Revision, image string) {
		key := imageKey{image, platform}
		if _, asked := e.images[key]; !asked {
			e.images[key] = nil // asked; nil until the registry answers
			go e.lookupImage(key)
		}
	})
}

func (e *enrichment) lookupImage(key imageKey) {
	select {
	case e.imageSlots <- struct{}{}:
	case <-e.ctx.Done():
		return
	}
	defer func() { <-e.imageSlots }()
	ctx, cancel := context.WithTimeout(e.ctx, imageTimeout)
	defer cancel()
	img, err := e.imageLookup(ctx, key.ref, key.platform)
	if err != nil {
		img = nil // the shelf says nothing rather than something wrong
	}
	e.mu.Lock()
	e.images[key] = img
	e.mu.Unlock()
	e.wake()
}

// knownImages fills in what the registry has said: each image's digest
// there, and the current revision's Pull once the registry has
// answered for every image of both revisions: a snapshot never waits.
func (e *enrichment) knownImages(s *snapshot.Snapshot) {
	if e.imageLookup == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	platform := lookupPlatform(s)
	eachImage(s, func(r *snapshot.Revision, image string) {
		if img := e.images[imageKey{image, platform}]; img != nil {
			if r.Registry == nil {
				r.Registry = map[string]snapshot.Resolved{}
			}
			r.Registry[image] = snapshot.Resolved{Digest: img.Digest, Manifests: img.Manifests}
		}
	})
	cur, old := pullPair(s)
	if cur == nil || old == nil {
		return
	}
	before := map[string]*registry.Image{}
	for _, c := range old.Containers {
		img := e.images[imageKey{c.Image, platform}]
		if img == nil {
			return
		}
		before[c.Name] = img
	}
	p := &snapshot.Pull{From: old.Number}
	for _, c := range cur.Containers {
		img := e.images[imageKey{c.Image, platform}]
		if img == nil {
			return
		}
		d := registry.PullFor(before[c.Name], img)
		p.Bytes += d.Bytes
		p.Layers += d.Layers
		p.Shared += d.Shared
		p.Platform = sanitize.Text(img.Platform) // a registry writes it
	}
	cur.Pull = p
}
