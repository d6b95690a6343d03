package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	ggcr "github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// hostile is an in-process registry that holds a real image, and answers
// for one path (a manifest or a blob) with size bytes made on the fly,
// counting what it sent: nothing that large is ever held in memory here.
type hostile struct {
	addr string
	sent atomic.Int64
}

func newHostile(t *testing.T, path string, size int64, withLength bool) *hostile {
	t.Helper()
	h := &hostile{}
	reg := ggcr.New(ggcr.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path || r.Method != http.MethodGet {
			reg.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", string(types.DockerManifestSchema2))
		if withLength {
			w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		}
		chunk := bytes.Repeat([]byte("x"), 32<<10)
		for left := size; left > 0; left -= int64(len(chunk)) {
			if left == size {
				// Begins as a manifest would, then goes on and on.
				copy(chunk, `{"schemaVersion":2,"annotations":{"a":"`)
			} else {
				copy(chunk, bytes.Repeat([]byte("x"), 64))
			}
			n, err := w.Write(chunk[:min(int64(len(chunk)), left)])
			h.sent.Add(int64(n))
			if err != nil {
				return
			}
			if !withLength {
				w.(http.Flusher).Flush() // chunked: no size said
			}
		}
	}))
	t.Cleanup(srv.Close)
	h.addr = strings.TrimPrefix(srv.URL, "http://")
	return h
}

// allocated runs f and returns the bytes it allocated (with whatever ran
// beside it: the in-process registry).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A manifest of 64 MiB, said by its Content-Length or not, is refused
// after at most a few MiB: go-containerregistry alone reads up to 100 MiB.
func TestAnOversizeManifestIsRefusedUnread(t *testing.T) {
	for _, withLength := range []bool{true, false} {
		t.Run("Content-Length "+strconv.FormatBool(withLength), func(t *testing.T) {
			h := newHostile(t, "/v2/uniform/manifests/huge", 64<<20, withLength)
			c := New(10 * time.Second)
			var err error
			alloc := allocated(func() { _, err = c.Image(context.Background(), h.addr+"/uniform:huge") })
			if sent := h.sent.Load(); sent > 24<<20 {
				t.Errorf("the registry sent %d MiB before the refusal", sent>>20)
			}
			if alloc > 32<<20 {
				t.Errorf("the lookup allocated %d MiB", alloc>>20)
			}
			var e *TooLargeError
			if !errors.As(err, &e) || !strings.Contains(err.Error(), "a manifest of") || !strings.Contains(err.Error(), h.addr+"/uniform:huge; refusing to read more than 4 MiB") {
				t.Fatalf("want the manifest refused for its size, got %v", err)
			}
			if withLength && !strings.Contains(err.Error(), "64 MiB") {
				t.Errorf("the declared size should be said: %v", err)
			}
		})
	}
}

// A manifest that declares a config of 64 MiB is refused before the config
// is asked for, with a line that says so.
func TestAnOversizeDeclaredConfigIsRefusedUnread(t *testing.T) {
	img, err := random.Image(100, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfgDigest, _ := img.ConfigName()
	h := newHostile(t, "/v2/uniform/blobs/"+cfgDigest.String(), 64<<20, true)
	ref, _ := name.ParseReference(h.addr + "/uniform:liar")
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	// The same image, but its manifest declares a config of 64 MiB.
	m, _ := img.Manifest()
	m = m.DeepCopy()
	m.Config.Size = 64 << 20
	raw, _ := json.Marshal(m)
	req, _ := http.NewRequest(http.MethodPut, "http://"+h.addr+"/v2/uniform/manifests/liar", bytes.NewReader(raw))
	req.Header.Set("Content-Type", string(m.MediaType))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("push the lying manifest: %v %v", resp, err)
	}

	c := New(10 * time.Second)
	alloc := allocated(func() { _, err = c.Image(context.Background(), h.addr+"/uniform:liar") })
	if sent := h.sent.Load(); sent > 24<<20 {
		t.Errorf("the registry sent %d MiB of the config before the refusal", sent>>20)
	}
	if alloc > 32<<20 {
		t.Errorf("the lookup allocated %d MiB", alloc>>20)
	}
	want := "the registry declares a config of 64 MiB for " + h.addr + "/uniform:liar; refusing to read more than 4 MiB"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// A body is read whole up to the bound, and fails on the byte past it.
func TestBoundedBody(t *testing.T) {
	for _, tc := range []struct {
		size  int
		fails bool
	}{{0, false}, {99, false}, {100, false}, {101, true}, {5000, true}} {
		b := &boundedBody{ReadCloser: io.NopCloser(bytes.NewReader(make([]byte, tc.size))), left: 100, tooLarge: errors.New("too large")}
		got, err := io.ReadAll(b)
		if fails := err != nil; fails != tc.fails || len(got) > 100 {
			t.Errorf("%d bytes: read %d, %v", tc.size, len(got), err)
		}
	}
}
