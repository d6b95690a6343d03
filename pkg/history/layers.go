package history

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/dustin/go-humanize"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// ContainerImage is what the registry holds for one container's image of a
// revision, and what a node running the revision it replaced must pull.
type ContainerImage struct {
	Container string `json:"container"`
	Image     string `json:"image"`
	Digest    string `json:"digest,omitempty"`
	Platform  string `json:"platform,omitempty"`
	// Size is the compressed size of all layers.
	Size   int64        `json:"size,omitempty"`
	Layers []ImageLayer `json:"layers,omitempty"`
	// Replaces is the revision this one replaced (the next older one),
	// whose layers a node running it already has; 0 for the oldest.
	Replaces int64 `json:"replaces,omitempty"`
	// PullBytes is what such a node must fetch to run this revision.
	PullBytes int64 `json:"pullBytes"`
	// Problem is why the registry did not say, e.g. "not found".
	Problem string `json:"problem,omitempty"`
}

// ImageLayer is one layer of a container's image.
type ImageLayer struct {
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
	CreatedBy string `json:"createdBy,omitempty"`
	// Shared: the revision replaced has this layer already.
	Shared bool `json:"shared"`
}

// Lookup answers what the registry holds for an image reference, for a
// platform ("linux/arm64"; "" for the registry client's own).
type Lookup func(ref, platform string) (*registry.Image, error)

// ImagesOf asks the registry about each container of revs[i] and compares
// it with the same container in revs[i+1], the revision it replaced (revs
// are newest first, as the history lists them). Both are looked up for
// the platform the revision's pods are pinned to, if any: a node of that
// platform has the replaced revision's layers for it.
func ImagesOf(revs []Revision, i int, look Lookup) []ContainerImage {
	r := &revs[i]
	platform := r.Platform()
	var older *Revision
	if i+1 < len(revs) {
		older = &revs[i+1]
	}
	var out []ContainerImage
	for _, c := range r.Containers {
		ci := ContainerImage{Container: c.Name, Image: c.Image}
		img, err := look(c.Image, platform)
		if err != nil {
			ci.Problem = problem(err)
			out = append(out, ci)
			continue
		}
		var before *registry.Image
		if older != nil {
			ci.Replaces = older.Number
			for _, oc := range older.Containers {
				if oc.Name == c.Name {
					before, _ = look(oc.Image, platform)
				}
			}
		}
		have := map[string]bool{}
		if before != nil {
			for _, l := range before.Layers {
				have[l.Digest] = true
			}
		}
		ci.Digest, ci.Platform, ci.Size = img.Digest, img.Platform, img.Size
		ci.PullBytes = registry.PullFor(before, img).Bytes
		for _, l := range img.Layers {
			ci.Layers = append(ci.Layers, ImageLayer{Digest: l.Digest, Size: l.Size, CreatedBy: l.CreatedBy, Shared: have[l.Digest]})
		}
		out = append(out, ci)
	}
	return out
}

func problem(err error) string {
	var e *registry.Error
	if errors.As(err, &e) {
		return string(e.Problem)
	}
	return "not checked: " + err.Error()
}

// LayerLines describes one revision's images for a terminal or a log: the
// image, its digest, platform and size, a table of its layers (digest,
// size, what made it, shared or to pull), and the bytes a node running the
// replaced revision pulls. Text from the registry and the cluster is
// sanitized. table lays out rows under a header, as the history's table is.
func LayerLines(r *Revision, images []ContainerImage, table func(header []string, rows [][]string) []string) []string {
	var out []string
	for _, ci := range images {
		out = append(out, fmt.Sprintf("rev %d · %s · %s", r.Number, sanitize.Text(ci.Container), sanitize.Text(ci.Image)))
		if ci.Problem != "" {
			out = append(out, "  registry: "+sanitize.Text(ci.Problem))
			continue
		}
		out = append(out, fmt.Sprintf("  %s · %s · %s in %d layers", shortDigest(ci.Digest), sanitize.Text(ci.Platform), humanize.Bytes(uint64(ci.Size)), len(ci.Layers)))
		against := "ON A NEW NODE"
		if ci.Replaces > 0 {
			against = fmt.Sprintf("ON A REV %d NODE", ci.Replaces)
		}
		rows := make([][]string, 0, len(ci.Layers))
		shared := 0
		for _, l := range ci.Layers {
			state := "to pull"
			if l.Shared {
				state, shared = "shared", shared+1
			}
			made := sanitize.Text(l.CreatedBy)
			if made == "" {
				made = "<not recorded>"
			}
			rows = append(rows, []string{shortDigest(l.Digest), humanize.Bytes(uint64(l.Size)), made, state})
		}
		for _, l := range table([]string{"LAYER", "SIZE", "MADE BY", against}, rows) {
			out = append(out, "  "+l)
		}
		pulled := len(ci.Layers) - shared
		who := "a new node"
		if ci.Replaces > 0 {
			who = fmt.Sprintf("a node running rev %d", ci.Replaces)
		}
		out = append(out, fmt.Sprintf("  %s pulls %s (%s, %d shared)", who, humanize.Bytes(uint64(ci.PullBytes)), plural(pulled, "layer"), shared))
	}
	return out
}

func shortDigest(d string) string {
	d = strings.TrimPrefix(d, "sha256:")
	if len(d) > 12 {
		return d[:12]
	}
	return d
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Prefetch asks look about every image of the first n revisions and of the
// one each replaced, for the platform its pods are pinned to (see
// ImagesOf), a few at a time, and answers from what look learnt: look
// remembers its answers (registry.Client.ImageFor does).
func Prefetch(ctx context.Context, look registry.Lookup, revs []Revision, n int) Lookup {
	type image struct{ ref, platform string }
	var images []image
	seen := map[image]bool{}
	for i := 0; i < len(revs) && i < n; i++ {
		platform := revs[i].Platform()
		for j := i; j <= i+1 && j < len(revs); j++ {
			for _, c := range revs[j].Containers {
				if im := (image{c.Image, platform}); !seen[im] {
					seen[im] = true
					images = append(images, im)
				}
			}
		}
	}
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, im := range images {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, _ = look(ctx, im.ref, im.platform)
		}()
	}
	wg.Wait()
	return func(ref, platform string) (*registry.Image, error) { return look(ctx, ref, platform) }
}
