// Package registry asks image registries what they hold for an image: the
// digest a tag resolves to, the platform, and its layers with their sizes
// and what made each (from the config's history). It speaks the
// distribution protocol through go-containerregistry, with credentials from
// where a user keeps them (~/.docker/config.json and its helpers) or none.
package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/version"
	corev1 "k8s.io/api/core/v1"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// userAgent tells registries (and their logs) who asks.
var userAgent = "kubectl-mannequin/" + version.Version

// Image is what a registry holds for one image reference.
type Image struct {
	Ref string // as asked, e.g. 127.0.0.1:5117/uniform:winter-2024
	// Digest is what the reference resolves to at the top: the index's
	// (or manifest list's) for a multi-platform image, else the
	// manifest's. It is what a kubelet records as a pod's imageID, and
	// what tells whether a tag was pushed again.
	Digest string
	// Manifests are the digests of the index's platform manifests (none
	// for a single-platform image): some runtimes record one of those
	// instead of the index's.
	Manifests []string
	Platform  string // of the manifest the layers are from, e.g. linux/arm64
	Size      int64  // compressed bytes of all layers: what a pull moves
	Layers    []Layer
}

// Names reports whether digest (as a pod's imageID records it) is this
// image: the digest the reference resolves to, or one of its index's
// platform manifests.
func (i *Image) Names(digest string) bool {
	return digest == i.Digest || slices.Contains(i.Manifests, digest)
}

// Layer is one layer of an image.
type Layer struct {
	Digest    string
	Size      int64  // compressed bytes
	CreatedBy string // from the config's history; empty when not recorded
}

// Client looks images up, once per reference per session: a registry's
// answer for a tag changes rarely, and asking again would only load it.
type Client struct {
	keychain authn.Keychain
	platform v1.Platform
	timeout  time.Duration
	// transport carries the requests; tests count them.
	transport http.RoundTripper
	// insecure are the hosts the user lets speak plain HTTP.
	insecure []string

	mu    sync.Mutex
	cache map[string]*lookup
}

type lookup struct {
	done chan struct{}
	img  *Image
	err  error
}

// New returns a client with the user's Docker credentials, looking up
// images for linux/amd64 unless told otherwise, each lookup within timeout.
func New(timeout time.Duration) *Client {
	c := &Client{
		keychain: authn.DefaultKeychain,
		platform: v1.Platform{OS: "linux", Architecture: "amd64"},
		timeout:  timeout,
		cache:    map[string]*lookup{},
	}
	return c.WithTransport(remote.DefaultTransport)
}

// WithTransport makes the client's requests go through t, within the
// client's bounds (guard).
func (c *Client) WithTransport(t http.RoundTripper) *Client {
	c.transport = c.guard(t)
	return c
}

// Lookup answers what a registry holds for an image reference, for a
// platform ("linux/arm64"; "" for the client's own): Client.ImageFor, or a
// test's stand-in for it.
type Lookup func(ctx context.Context, ref, platform string) (*Image, error)

// Image looks ref up for the client's platform (linux/amd64 unless told
// otherwise), or returns the answer already had.
func (c *Client) Image(ctx context.Context, ref string) (*Image, error) {
	return c.ImageFor(ctx, ref, "")
}

// ImageFor looks ref up for platform ("linux/arm64", "linux/arm64/v8"; ""
// for the client's), or returns the answer already had: the layers and
// sizes of a multi-platform image are the platform's own. Concurrent calls
// for one reference and platform make one request.
func (c *Client) ImageFor(ctx context.Context, ref, platform string) (*Image, error) {
	key := ref + " " + platform
	c.mu.Lock()
	l, ok := c.cache[key]
	if !ok {
		l = &lookup{done: make(chan struct{})}
		c.cache[key] = l
	}
	c.mu.Unlock()
	if ok {
		select {
		case <-l.done:
			return l.img, l.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	l.img, l.err = c.fetch(ctx, ref, platform)
	close(l.done)
	// A caller that gave up (its own deadline, a cancelled view) learnt
	// nothing about the image: the next caller asks again.
	if errors.Is(l.err, context.Canceled) || errors.Is(l.err, context.DeadlineExceeded) {
		c.mu.Lock()
		if c.cache[key] == l {
			delete(c.cache, key)
		}
		c.mu.Unlock()
	}
	return l.img, l.err
}

func (c *Client) fetch(ctx context.Context, ref, platform string) (*Image, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("image %q: %w", ref, err)
	}
	want := c.platform
	if platform != "" {
		p, err := v1.ParsePlatform(platform)
		if err != nil {
			return nil, fmt.Errorf("platform %q: %w", platform, err)
		}
		want = *p
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	desc, err := remote.Get(r, remote.WithContext(ctx), remote.WithAuthFromKeychain(c.keychain),
		remote.WithPlatform(want), remote.WithTransport(c.transport), remote.WithUserAgent(userAgent))
	if err != nil {
		return nil, explain(r, err)
	}
	out := &Image{Ref: ref, Digest: desc.Digest.String()}
	if desc.MediaType.IsIndex() {
		index, err := desc.ImageIndex()
		if err != nil {
			return nil, fmt.Errorf("index of %s: %w", ref, err)
		}
		im, err := index.IndexManifest()
		if err != nil {
			return nil, fmt.Errorf("index of %s: %w", ref, err)
		}
		for _, m := range im.Manifests {
			out.Manifests = append(out.Manifests, m.Digest.String())
		}
	}
	// The platform's own image, for an index.
	img, err := desc.Image()
	if err != nil {
		return nil, explain(r, err)
	}
	manifest, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("manifest of %s: %w", ref, err)
	}
	if err := checkConfigSize(ref, manifest); err != nil {
		return nil, err
	}
	config, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("config of %s: %w", ref, err)
	}
	out.Platform = config.OS + "/" + config.Architecture
	if config.Variant != "" {
		out.Platform += "/" + config.Variant
	}
	// History entries that made no layer (ENV, CMD...) do not count.
	var made []string
	for _, h := range config.History {
		if !h.EmptyLayer {
			made = append(made, h.CreatedBy)
		}
	}
	for i, l := range manifest.Layers {
		layer := Layer{Digest: l.Digest.String(), Size: l.Size}
		if len(made) == len(manifest.Layers) {
			layer.CreatedBy = made[i]
		}
		out.Layers = append(out.Layers, layer)
		out.Size += l.Size
	}
	return out, nil
}

// Problem says in words why a registry did not answer an image.
type Problem string

const (
	NotFound     Problem = "not found"
	Unauthorized Problem = "refused (unauthorized)"
	Unreachable  Problem = "not checked (registry unreachable)"
)

// Error is a registry's refusal or silence about one image.
type Error struct {
	Ref     string
	Problem Problem
	Err     error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s: %v", e.Ref, e.Problem, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// explain sorts a failed lookup into what a user acts on.
func explain(r name.Reference, err error) error {
	if err == nil {
		return nil
	}
	if r := refusal(err); r != nil {
		return r
	}
	var terr *transport.Error
	if errors.As(err, &terr) {
		switch terr.StatusCode {
		case http.StatusNotFound:
			return &Error{Ref: r.String(), Problem: NotFound, Err: err}
		case http.StatusUnauthorized, http.StatusForbidden:
			return &Error{Ref: r.String(), Problem: Unauthorized, Err: err}
		}
		return err
	}
	return &Error{Ref: r.String(), Problem: Unreachable, Err: err}
}

// Pull is what a node that has old must fetch to run new: the layers of new
// it does not have yet, and their bytes. With old nil, everything.
type Pull struct {
	Bytes  int64
	Layers int // to fetch
	Shared int // already on the node
}

// PullFor compares two images layer by layer.
func PullFor(old, new *Image) Pull {
	have := map[string]bool{}
	if old != nil {
		for _, l := range old.Layers {
			have[l.Digest] = true
		}
	}
	var p Pull
	for _, l := range new.Layers {
		if have[l.Digest] {
			p.Shared++
			continue
		}
		p.Layers++
		p.Bytes += l.Size
	}
	return p
}

// Verdict is what a registry says of one pull Secret for one image.
type Verdict string

const (
	Accepted Verdict = "accepted"
	Refused  Verdict = "refused"
	// NoCredentials: the Secret holds nothing for the image's registry.
	NoCredentials Verdict = "no credentials"
)

// TryPullSecret asks the registry whether secret (a kubernetes.io/
// dockerconfigjson or dockercfg Secret) opens ref, as a kubelet would use
// it: each of its credentials that matches ref's registry and repository
// path (matching), the longest match first, until one is let in. The
// Secret's data is used for these requests and not kept.
func (c *Client) TryPullSecret(ctx context.Context, secret *corev1.Secret, ref string) (Verdict, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", fmt.Errorf("image %q: %w", ref, err)
	}
	entries, err := secretEntries(secret)
	if err != nil {
		return "", fmt.Errorf("read Secret %s: %w", secret.Name, err)
	}
	auths := matching(entries, r.Context())
	if len(auths) == 0 {
		return NoCredentials, nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	for _, auth := range auths {
		_, err = remote.Head(r, remote.WithContext(ctx), remote.WithAuth(authn.FromConfig(auth)), remote.WithTransport(c.transport), remote.WithUserAgent(userAgent))
		var e *Error
		switch err := explain(r, err); {
		case err == nil:
			return Accepted, nil
		case errors.As(err, &e) && e.Problem == Unauthorized:
			continue
		case errors.As(err, &e) && e.Problem == NotFound:
			// Let in, and told the image is not there: the key works.
			return Accepted, nil
		default:
			return "", err
		}
	}
	return Refused, nil
}
