package registry

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	ggcr "github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type counting struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// warehouse serves a real registry holding two images that share a base
// layer, and one under private/ that needs a password.
func warehouse(t *testing.T) (addr string, base, oldApp, newApp v1.Layer) {
	t.Helper()
	reg := ggcr.New(ggcr.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v2/private/") {
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	addr = strings.TrimPrefix(srv.URL, "http://")
	layer := func(size int64) v1.Layer {
		l, err := random.Layer(size, types.DockerLayer)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	base, oldApp, newApp = layer(4000), layer(1000), layer(2000)
	push := func(tag string, layers ...v1.Layer) {
		img := empty.Image
		for i, l := range layers {
			var err error
			img, err = mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: []string{"base", "app"}[i]}})
			if err != nil {
				t.Fatal(err)
			}
		}
		cfg, _ := img.ConfigFile()
		cfg = cfg.DeepCopy()
		cfg.OS, cfg.Architecture = "linux", "amd64"
		img, _ = mutate.ConfigFile(img, cfg)
		ref, err := name.ParseReference(addr + "/uniform:" + tag)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(ref, img); err != nil {
			t.Fatal(err)
		}
	}
	push("summer", base, oldApp)
	push("winter", base, newApp)
	return addr, base, oldApp, newApp
}

func TestImageLayersAndWhatANodeMustPull(t *testing.T) {
	addr, base, _, newApp := warehouse(t)
	count := &counting{next: http.DefaultTransport}
	c := New(5 * time.Second).WithTransport(count)
	ctx := context.Background()
	summer, err := c.Image(ctx, addr+"/uniform:summer")
	if err != nil {
		t.Fatal(err)
	}
	winter, err := c.Image(ctx, addr+"/uniform:winter")
	if err != nil {
		t.Fatal(err)
	}
	baseSize, _ := base.Size()
	appSize, _ := newApp.Size()
	if len(winter.Layers) != 2 || winter.Layers[0].CreatedBy != "base" || winter.Layers[1].Size != appSize ||
		winter.Size != baseSize+appSize || winter.Platform != "linux/amd64" || !strings.HasPrefix(winter.Digest, "sha256:") {
		t.Fatalf("winter: %+v", winter)
	}
	if p := PullFor(summer, winter); p != (Pull{Bytes: appSize, Layers: 1, Shared: 1}) {
		t.Errorf("pull from summer to winter: %+v, want the app layer only (%d bytes)", p, appSize)
	}
	if p := PullFor(nil, winter); p.Bytes != winter.Size || p.Shared != 0 {
		t.Errorf("pull onto an empty node: %+v", p)
	}
	// Once per reference per session.
	before := count.n.Load()
	if _, err := c.Image(ctx, addr+"/uniform:winter"); err != nil || count.n.Load() != before {
		t.Errorf("a second lookup made %d requests (%v)", count.n.Load()-before, err)
	}
}

func TestRegistryRefusalsAreSorted(t *testing.T) {
	addr, _, _, _ := warehouse(t)
	c := New(2 * time.Second)
	for ref, want := range map[string]Problem{
		addr + "/uniform:autumn":         NotFound,
		addr + "/private/uniform:winter": Unauthorized,
		"127.0.0.1:1/uniform:winter":     Unreachable,
	} {
		_, err := c.Image(context.Background(), ref)
		var e *Error
		if !errors.As(err, &e) || e.Problem != want {
			t.Errorf("%s: %v, want %q", ref, err, want)
		}
	}
}

func pullSecret(t *testing.T, host, user, password string) *corev1.Secret {
	t.Helper()
	cfg, err := json.Marshal(map[string]any{"auths": map[string]any{host: map[string]string{"username": user, "password": password}}})
	if err != nil {
		t.Fatal(err)
	}
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "key"}, Type: corev1.SecretTypeDockerConfigJson,
		Data: map[string][]byte{corev1.DockerConfigJsonKey: cfg}}
}

// A pull Secret is tried as a kubelet would use it: the registry accepts
// the right password, refuses a wrong one, and a Secret for another
// registry holds nothing for this one.
func TestTryPullSecret(t *testing.T) {
	host := keeperRegistry(t)
	img, _ := random.Image(100, 1)
	ref, _ := name.ParseReference(host + "/private/uniform:winter")
	if err := remote.Write(ref, img, remote.WithAuth(&authn.Basic{Username: "keeper", Password: "right"})); err != nil {
		t.Fatal(err)
	}
	c := New(5 * time.Second)
	for _, tc := range []struct {
		secret *corev1.Secret
		want   Verdict
	}{
		{pullSecret(t, host, "keeper", "right"), Accepted},
		{pullSecret(t, host, "keeper", "wrong"), Refused},
		{pullSecret(t, "elsewhere.example", "keeper", "right"), NoCredentials},
	} {
		got, err := c.TryPullSecret(context.Background(), tc.secret, ref.String())
		if err != nil || got != tc.want {
			t.Errorf("want %s, got %s (%v)", tc.want, got, err)
		}
	}
}

// A lookup abandoned by its caller is not remembered: the next one asks.
func TestAnAbandonedLookupIsAskedAgain(t *testing.T) {
	addr, _, _, _ := warehouse(t)
	c := New(5 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Image(ctx, addr+"/uniform:winter"); err == nil {
		t.Fatal("a cancelled lookup succeeded")
	}
	if img, err := c.Image(context.Background(), addr+"/uniform:winter"); err != nil || len(img.Layers) != 2 {
		t.Fatalf("after a cancelled lookup: %v %+v", err, img)
	}
}

// keeperRegistry serves an in-process registry on loopback that lets in
// only the user keeper with the password right, and returns its host.
func keeperRegistry(t *testing.T) string {
	t.Helper()
	reg := ggcr.New(ggcr.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !letInKeeper(w, r) {
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// letInKeeper tells whether r carries the user keeper's password, and
// answers 401 with a Basic challenge when it does not.
func letInKeeper(w http.ResponseWriter, r *http.Request) bool {
	if u, p, ok := r.BasicAuth(); ok && u == "keeper" && p == "right" {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
	w.WriteHeader(http.StatusUnauthorized)
	return false
}
