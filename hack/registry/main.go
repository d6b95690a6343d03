// Command registry is the test cluster's warehouse: a real OCI registry
// (go-containerregistry's implementation of the distribution API) on
// loopback, stocked with the project's own images, so that the tests and the
// demo see what a registry holds without downloading anything.
//
// Everything under /v2/private/ opens only with the warehouse's key (HTTP
// basic auth, the credentials of hack/registry/warehouse-key.yaml); the rest
// is public. Manifests can be deleted, as in real registries, so that a test
// can make an old image disappear.
//
//	go run ./hack/registry -addr 127.0.0.1:5117
package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The warehouse's key, as in hack/registry/warehouse-key.yaml.
const (
	keyUser     = "warehouse"
	keyPassword = "mannequin-keeper"
	// marker tells cluster-up that a registry already on the port is ours.
	marker = "X-Mannequin-Registry"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:5117", "address to listen on (loopback)")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "registry:", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           warehouse(registry.New(registry.Logger(log.New(io.Discard, "", 0)))),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errs := make(chan error, 1)
	go func() { errs <- srv.Serve(l) }()
	if err := stock(l.Addr().String()); err != nil {
		return fmt.Errorf("stock the warehouse: %w", err)
	}
	fmt.Printf("registry at %s is stocked\n", l.Addr())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	select {
	case err := <-errs:
		return err
	case <-sigs:
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		return srv.Shutdown(ctx)
	}
}

// requests counts the distribution API requests served by client (the
// first word of the User-Agent, e.g. kubectl-mannequin), so that a test can
// tell whether the plugin contacted the registry:
// GET /_warehouse/requests?agent=kubectl-mannequin (all without agent).
var requests = struct {
	sync.Mutex
	by    map[string]int
	total int
}{by: map[string]int{}}

// warehouse locks /v2/private/ behind basic auth, as a private registry
// answers a client without credentials: 401 and a challenge.
func warehouse(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(marker, "1")
		requests.Lock()
		if r.URL.Path == "/_warehouse/requests" {
			n := requests.total
			if agent := r.URL.Query().Get("agent"); agent != "" {
				n = requests.by[agent]
			}
			requests.Unlock()
			fmt.Fprintln(w, n)
			return
		}
		agent, _, _ := strings.Cut(r.UserAgent(), "/")
		requests.by[agent]++
		requests.total++
		requests.Unlock()
		if strings.HasPrefix(r.URL.Path, "/v2/private/") {
			user, pass, ok := r.BasicAuth()
			if !ok || user != keyUser || pass != keyPassword {
				w.Header().Set("WWW-Authenticate", `Basic realm="warehouse"`)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"the warehouse opens only with its key"}]}`)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// layer is one layer of a uniform and what made it, as the image's config
// history says.
type layer struct {
	createdBy string
	files     map[string]int // path → size of its (incompressible) content
	seed      int64
}

var (
	base = layer{"base: a slim Debian 12 root filesystem (the mannequin's body)",
		map[string]int{"etc/os-release": 256, "usr/lib/base.bin": 2 << 20}, 1}
	runtime = layer{"runtime: the tailor's tools (libraries the app needs)",
		map[string]int{"usr/lib/runtime.bin": 1536 << 10}, 2}
	// The arm64 builds share their own base and runtime, as real images
	// built for two platforms do.
	baseArm64 = layer{"base: a slim Debian 12 root filesystem for arm64",
		map[string]int{"etc/os-release": 256, "usr/lib/base.bin": 2 << 20}, 11}
	runtimeArm64 = layer{"runtime: the tailor's tools for arm64",
		map[string]int{"usr/lib/runtime.bin": 1536 << 10}, 12}
)

func app(season string, size int, seed int64) layer {
	return layer{"app: the " + season + " uniform (the application's code)",
		map[string]int{"app/uniform-" + season: size}, seed}
}

// A format a registry serves an image in: Docker schema 2 (what the
// single-platform images above are) or OCI.
type format int

const (
	docker format = iota
	oci
)

// platformImage is one platform's build of a multi-platform image.
type platformImage struct {
	platform v1.Platform
	layers   []layer
}

// multi is a multi-platform image: an OCI index or a Docker manifest list
// of platform builds, and, as buildx pushes them, attestation manifests
// (platform unknown/unknown) beside them.
type multi struct {
	ref          string
	format       format
	builds       []platformImage
	attestations bool
}

var (
	amd64      = v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64      = v1.Platform{OS: "linux", Architecture: "arm64"}
	arm64v8    = v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
	multiStock = []multi{
		// A two-platform OCI index, as nearly every public image is.
		{"uniform:gala-2025", oci, []platformImage{
			{amd64, []layer{base, runtime, app("gala-2025", 350<<10, 21)}},
			{arm64, []layer{baseArm64, runtimeArm64, app("gala-2025-arm64", 340<<10, 22)}},
		}, false},
		// A Docker manifest list whose arm64 build names its variant.
		{"uniform:spring-2025", docker, []platformImage{
			{amd64, []layer{base, runtime, app("spring-2025", 330<<10, 23)}},
			{arm64v8, []layer{baseArm64, runtimeArm64, app("spring-2025-arm64", 320<<10, 24)}},
		}, false},
		// An OCI index with attestation entries, as docker buildx pushes.
		{"uniform:buildx-2025", oci, []platformImage{
			{amd64, []layer{base, runtime, app("buildx-2025", 310<<10, 25)}},
			{arm64, []layer{baseArm64, runtimeArm64, app("buildx-2025-arm64", 300<<10, 26)}},
		}, true},
	}
)

// buildMulti builds m's index (or manifest list).
func buildMulti(m multi) (v1.ImageIndex, error) {
	mt := types.OCIImageIndex
	if m.format == docker {
		mt = types.DockerManifestList
	}
	idx := mutate.IndexMediaType(empty.Index, mt)
	for _, b := range m.builds {
		img, err := build(b.layers, b.platform, m.format)
		if err != nil {
			return nil, err
		}
		p := b.platform
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
		if !m.attestations {
			continue
		}
		att, err := attestation(img)
		if err != nil {
			return nil, err
		}
		d, err := img.Digest()
		if err != nil {
			return nil, err
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: "unknown", Architecture: "unknown"},
			Annotations: map[string]string{
				"vnd.docker.reference.digest": d.String(),
				"vnd.docker.reference.type":   "attestation-manifest",
			},
		}})
	}
	return idx, nil
}

// attestation is an in-toto attestation manifest about img, shaped as
// buildx writes one: an OCI manifest of one layer, no runnable config.
func attestation(img v1.Image) (v1.Image, error) {
	d, err := img.Digest()
	if err != nil {
		return nil, err
	}
	statement := []byte(`{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"digest":{"sha256":"` + d.Hex + `"}}],"predicateType":"https://slsa.dev/provenance/v0.2"}`)
	l := static.NewLayer(statement, "application/vnd.in-toto+json")
	att, err := mutate.Append(mutate.MediaType(empty.Image, types.OCIManifestSchema1), mutate.Addendum{Layer: l})
	if err != nil {
		return nil, err
	}
	return mutate.ConfigMediaType(att, types.OCIConfigJSON), nil
}

// stock pushes the images the tests and the demo use: three layers each,
// the base and the runtime shared, the app layer its own; the
// single-platform ones as Docker schema 2 manifests, the multi-platform
// ones (multiStock) as OCI indexes and a Docker manifest list.
func stock(addr string) error {
	images := []struct {
		ref    string
		layers []layer
	}{
		{"uniform:summer-2023", []layer{base, runtime, app("summer-2023", 300<<10, 3)}},
		{"uniform:winter-2024", []layer{base, runtime, app("winter-2024", 420<<10, 4)}},
		{"uniform:autumn-2024", []layer{base, runtime, app("autumn-2024", 380<<10, 5)}},
		{"private/uniform:winter-2024", []layer{base, runtime, app("winter-2024", 420<<10, 4)}},
		// The demo's broken uniform: its name makes kwok crash it (see
		// hack/kwok/stages.yaml), and hack/kwok/logs holds what it says.
		{"uniform:crash-no-pockets", []layer{base, runtime, app("crash-no-pockets", 360<<10, 6)}},
	}
	key := authn.FromConfig(authn.AuthConfig{Username: keyUser, Password: keyPassword})
	for _, im := range images {
		img, err := build(im.layers, amd64, docker)
		if err != nil {
			return err
		}
		ref, err := name.ParseReference(addr + "/" + im.ref)
		if err != nil {
			return err
		}
		if err := remote.Write(ref, img, remote.WithAuth(key)); err != nil {
			return fmt.Errorf("push %s: %w", ref, err)
		}
	}
	for _, m := range multiStock {
		idx, err := buildMulti(m)
		if err != nil {
			return fmt.Errorf("build %s: %w", m.ref, err)
		}
		ref, err := name.ParseReference(addr + "/" + m.ref)
		if err != nil {
			return err
		}
		if err := remote.WriteIndex(ref, idx, remote.WithAuth(key)); err != nil {
			return fmt.Errorf("push %s: %w", ref, err)
		}
	}
	return nil
}

// build makes an image of layers for platform p, in format f.
func build(layers []layer, p v1.Platform, f format) (v1.Image, error) {
	img := empty.Image
	layerType := types.DockerLayer
	if f == oci {
		img = mutate.ConfigMediaType(mutate.MediaType(img, types.OCIManifestSchema1), types.OCIConfigJSON)
		layerType = types.OCILayer
	}
	created := v1.Time{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, l := range layers {
		content, err := tarOf(l)
		if err != nil {
			return nil, err
		}
		tl, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(content)), nil
		}, tarball.WithMediaType(layerType))
		if err != nil {
			return nil, err
		}
		img, err = mutate.Append(img, mutate.Addendum{Layer: tl, History: v1.History{CreatedBy: l.createdBy, Created: created}})
		if err != nil {
			return nil, err
		}
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture, cfg.Variant = p.OS, p.Architecture, p.Variant
	cfg.Config.Entrypoint = []string{"/app/uniform"}
	return mutate.ConfigFile(img, cfg)
}

// tarOf writes the layer's files with seeded random content: the same
// layer is byte for byte the same in every image and every run, and does
// not compress, so its size is what it says.
func tarOf(l layer) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	rnd := rand.New(rand.NewSource(l.seed))
	paths := make([]string, 0, len(l.files))
	for p := range l.files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		data := make([]byte, l.files[path])
		rnd.Read(data)
		hdr := &tar.Header{Name: path, Mode: 0o644, Size: int64(len(data)), ModTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, errors.Join(errors.New("close layer tar"), err)
	}
	return buf.Bytes(), nil
}
