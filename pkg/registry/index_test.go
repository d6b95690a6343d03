package registry

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	ggcr "github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// A multi-platform tag resolves to its index: that is the digest a
// kubelet records and the one that says whether the tag was pushed again;
// the layers are the platform's own, and each platform manifest of the
// index is also recognised as the image.
func TestAMultiPlatformTagIsItsIndex(t *testing.T) {
	for _, mt := range []types.MediaType{types.OCIImageIndex, types.DockerManifestList} {
		srv := httptest.NewServer(ggcr.New(ggcr.Logger(log.New(io.Discard, "", 0))))
		addr := strings.TrimPrefix(srv.URL, "http://")
		idx := mutate.IndexMediaType(empty.Index, mt)
		manifests := map[string]v1.Hash{}
		for _, p := range []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64", Variant: "v8"}} {
			img, err := random.Image(1000, 2)
			if err != nil {
				t.Fatal(err)
			}
			cfg, _ := img.ConfigFile()
			cfg = cfg.DeepCopy()
			cfg.OS, cfg.Architecture, cfg.Variant = p.OS, p.Architecture, p.Variant
			if img, err = mutate.ConfigFile(img, cfg); err != nil {
				t.Fatal(err)
			}
			d, _ := img.Digest()
			manifests[p.Architecture] = d
			idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
		}
		ref := addr + "/uniform:gala"
		r, _ := name.ParseReference(ref)
		if err := remote.WriteIndex(r, idx); err != nil {
			t.Fatal(err)
		}
		want, _ := idx.Digest()

		got, err := New(5*time.Second).Image(context.Background(), ref)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got.Digest != want.String() {
			t.Errorf("%s: digest %s, want the index's %s (the platform manifest is %s)", mt, got.Digest, want, manifests["amd64"])
		}
		if got.Platform != "linux/amd64" {
			t.Errorf("%s: platform %s", mt, got.Platform)
		}
		for arch, d := range manifests {
			if !got.Names(d.String()) {
				t.Errorf("%s: the %s manifest %s is not recognised as the image", mt, arch, d)
			}
		}
		if got.Names("sha256:0000000000000000000000000000000000000000000000000000000000000000") {
			t.Errorf("%s: any digest is the image", mt)
		}
	}
}
