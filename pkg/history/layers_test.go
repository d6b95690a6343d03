package history

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
)

// warehouse answers lookups from a map of "ref platform" to image, and
// records what it was asked.
type warehouse struct {
	images map[string]*registry.Image
	asked  []string
}

func (w *warehouse) look(ref, platform string) (*registry.Image, error) {
	w.asked = append(w.asked, ref+" "+platform)
	if img, ok := w.images[ref+" "+platform]; ok {
		return img, nil
	}
	if ref == "u:locked" {
		return nil, &registry.Error{Ref: ref, Problem: registry.Unauthorized}
	}
	if ref == "u:flaky" {
		return nil, errors.New("dial tcp: i/o timeout")
	}
	return nil, &registry.Error{Ref: ref, Problem: registry.NotFound}
}

func layer(d string, size int64) registry.Layer {
	return registry.Layer{Digest: "sha256:" + strings.Repeat(d, 64), Size: size, CreatedBy: "COPY " + d}
}

func image(platform string, layers ...registry.Layer) *registry.Image {
	img := &registry.Image{Digest: "sha256:" + fmt.Sprintf("%064d", len(layers)), Platform: platform, Layers: layers}
	for _, l := range layers {
		img.Size += l.Size
	}
	return img
}

func TestImagesOfComparesWithTheRevisionReplaced(t *testing.T) {
	base, summer, winter := layer("a", 1000), layer("b", 200), layer("c", 300)
	w := &warehouse{images: map[string]*registry.Image{
		"u:winter ": image("linux/amd64", base, winter),
		"u:summer ": image("linux/amd64", base, summer),
	}}
	revs := forDeployment(nil, rs("new", "2", "u:winter"), rs("old", "1", "u:summer"))

	got := ImagesOf(revs, 0, w.look)
	if len(got) != 1 {
		t.Fatalf("one container, got %+v", got)
	}
	ci := got[0]
	if ci.Replaces != 1 || ci.PullBytes != 300 || ci.Size != 1300 || ci.Platform != "linux/amd64" || ci.Problem != "" {
		t.Errorf("rev 2 on a rev 1 node: %+v", ci)
	}
	if len(ci.Layers) != 2 || !ci.Layers[0].Shared || ci.Layers[1].Shared {
		t.Errorf("the base layer is shared, winter's is to pull: %+v", ci.Layers)
	}

	oldest := ImagesOf(revs, 1, w.look)[0]
	if oldest.Replaces != 0 || oldest.PullBytes != 1200 {
		t.Errorf("the oldest revision is pulled whole by a new node: %+v", oldest)
	}

	lines := LayerLines(&revs[0], got, func(header []string, rows [][]string) []string {
		out := []string{strings.Join(header, "|")}
		for _, r := range rows {
			out = append(out, strings.Join(r, "|"))
		}
		return out
	})
	want := []string{
		"rev 2 · app · u:winter",
		"  000000000000 · linux/amd64 · 1.3 kB in 2 layers",
		"  LAYER|SIZE|MADE BY|ON A REV 1 NODE",
		"  aaaaaaaaaaaa|1.0 kB|COPY a|shared",
		"  cccccccccccc|300 B|COPY c|to pull",
		"  a node running rev 1 pulls 300 B (1 layer, 1 shared)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("layer lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// A revision pinned to arm64 nodes is looked up for linux/arm64, and so is
// the revision it replaced: an arm64 node holds that one's arm64 layers.
func TestImagesOfAsksForThePinnedPlatform(t *testing.T) {
	w := &warehouse{images: map[string]*registry.Image{
		"u:winter linux/arm64": image("linux/arm64", layer("d", 10)),
		"u:summer linux/arm64": image("linux/arm64", layer("e", 20)),
	}}
	pinned := rs("new", "2", "u:winter")
	pinned.Spec.Template.Spec.NodeSelector = map[string]string{"kubernetes.io/arch": "arm64"}
	revs := forDeployment(nil, pinned, rs("old", "1", "u:summer"))
	got := ImagesOf(revs, 0, w.look)[0]
	if got.Platform != "linux/arm64" || got.PullBytes != 10 {
		t.Errorf("pinned to arm64: %+v", got)
	}
	if strings.Join(w.asked, ",") != "u:winter linux/arm64,u:summer linux/arm64" {
		t.Errorf("asked %q", w.asked)
	}
}

func TestImagesOfSaysWhyTheRegistryDidNot(t *testing.T) {
	w := &warehouse{}
	revs := forDeployment(nil, rs("new", "3", "u:gone", "u:locked"), rs("old", "2", "u:flaky"))
	got := append(ImagesOf(revs, 0, w.look), ImagesOf(revs, 1, w.look)...)
	problems := []string{got[0].Problem, got[1].Problem, got[2].Problem}
	if problems[0] != string(registry.NotFound) || problems[1] != string(registry.Unauthorized) || problems[2] != "not checked: dial tcp: i/o timeout" {
		t.Errorf("problems: %q", problems)
	}
	lines := LayerLines(&revs[0], got[:1], nil)
	if len(lines) != 2 || lines[1] != "  registry: "+string(registry.NotFound) {
		t.Errorf("a problem is said in place of the layers: %q", lines)
	}
}

func TestColorDiffPaintsEachKindOfLine(t *testing.T) {
	got := ColorDiff("--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n same\n")
	want := "\x1b[1m--- a\x1b[0m\n\x1b[1m+++ b\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n\x1b[31m-old\x1b[0m\n\x1b[32m+new\x1b[0m\n same\n"
	if got != want {
		t.Errorf("ColorDiff = %q, want %q", got, want)
	}
}

// The diff is the unified format people and patch(1) read: both labels,
// then hunks with three lines of context.
func TestDiffIsUnified(t *testing.T) {
	revs := forDeployment(nil, rs("b", "2", "u:winter"), rs("a", "1", "u:summer"))
	d, err := Diff(&revs[1], &revs[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(d, "\n")
	if len(lines) < 5 || lines[0] != "--- revision 1 (u:summer)" || lines[1] != "+++ revision 2 (u:winter)" || !strings.HasPrefix(lines[2], "@@ -") {
		t.Fatalf("diff:\n%s", d)
	}
	if !strings.Contains(d, "\n-  - image: u:summer\n+  - image: u:winter\n") {
		t.Errorf("the image line should be replaced:\n%s", d)
	}
}

func TestDetailAndCopiesStandAlone(t *testing.T) {
	r := rs("a", "4", "u:summer")
	r.Spec.Template.Labels = map[string]string{"app": "x", "pod-template-hash": "abc"}
	revs := forDeployment(r, r)
	d := Detail("shop", "deployment.apps/d", &revs[0])
	if _, ok := d.Template.Labels["pod-template-hash"]; ok || d.Template.Labels["app"] != "x" || d.Kind != "Revision" {
		t.Errorf("detail: %+v", d)
	}
	if _, ok := revs[0].Template.Labels["pod-template-hash"]; !ok {
		t.Error("Detail changed the revision it was given")
	}
	c := d.DeepCopyObject().(*RevisionDetail)
	c.Template.Labels["app"], c.Containers[0].Image = "y", "u:other"
	if d.Template.Labels["app"] != "x" || d.Containers[0].Image != "u:summer" {
		t.Error("a copy of the detail shares its template or containers")
	}

	l := List("shop", "deployment.apps/d", revs)
	l.Items[0].Images = []ContainerImage{{Image: "u:summer", Layers: []ImageLayer{{Digest: "sha256:1"}}}}
	lc := l.DeepCopyObject().(*RevisionList)
	lc.Items[0].Images[0].Layers[0].Digest = "sha256:2"
	if l.Items[0].Images[0].Layers[0].Digest != "sha256:1" || lc.Kind != "RevisionList" {
		t.Error("a copy of the list shares its layers")
	}
}

// Prefetch asks once about each image of the revisions listed and of the
// ones they replaced, for the listed revision's platform, and no more.
func TestPrefetchAsksOnceEach(t *testing.T) {
	revs := []Revision{
		{Number: 3, Containers: []revision.Container{{Name: "a", Image: "x:3"}, {Name: "b", Image: "side:1"}}},
		{Number: 2, Containers: []revision.Container{{Name: "a", Image: "x:2"}, {Name: "b", Image: "side:1"}}},
		{Number: 1, Containers: []revision.Container{{Name: "a", Image: "x:1"}}},
	}
	var mu sync.Mutex
	asked := map[string]int{}
	look := func(_ context.Context, ref, platform string) (*registry.Image, error) {
		mu.Lock()
		asked[ref+" "+platform]++
		mu.Unlock()
		return &registry.Image{Ref: ref}, nil
	}
	answer := Prefetch(context.Background(), look, revs, 1)
	// Unpinned pods: no platform named, the registry client decides.
	want := map[string]int{"x:3 ": 1, "side:1 ": 1, "x:2 ": 1}
	if !maps.Equal(asked, want) {
		t.Errorf("asked %v, want %v", asked, want)
	}
	if im, err := answer("x:1", "linux/arm64"); err != nil || im.Ref != "x:1" {
		t.Errorf("the answer asks on: %v, %v", im, err)
	}
}
