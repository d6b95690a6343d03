package registry

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	ggcr "github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// privateWarehouse serves a registry that wants a password over plain HTTP
// only, as if at a private address (10.11.12.13, where go-containerregistry
// falls back to http://): every connection, to whatever address, reaches
// it. It records each request that arrived with credentials.
func privateWarehouse(t *testing.T) (host string, dial http.RoundTripper, leaked func() []string) {
	t.Helper()
	reg := ggcr.New(ggcr.Logger(log.New(io.Discard, "", 0)))
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			mu.Lock()
			seen = append(seen, r.Method+" "+r.URL.Path)
			mu.Unlock()
		}
		if !letInKeeper(w, r) {
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	host = "10.11.12.13:" + port
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	t.Cleanup(tr.CloseIdleConnections)
	img, _ := random.Image(100, 1)
	ref, _ := name.ParseReference(host + "/private/uniform:winter")
	if err := remote.Write(ref, img, remote.WithTransport(tr), remote.WithAuth(&authn.Basic{Username: "keeper", Password: "right"})); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	seen = nil // the push above was ours
	mu.Unlock()
	return host, tr, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// dockerConfig puts credentials for host where the user keeps them.
func dockerConfig(t *testing.T, host, user, password string) {
	t.Helper()
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	cfg := fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, host, auth)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
}

// A registry at a private address that speaks plain HTTP only is refused,
// with the flag that allows it named, and no credential (the user's own,
// nor a pull Secret's) reaches it in clear; named insecure, it is asked.
func TestPlainHTTPOnlyWhereTheUserSaysSo(t *testing.T) {
	host, dial, leaked := privateWarehouse(t)
	dockerConfig(t, host, "keeper", "right")
	ref := host + "/private/uniform:winter"

	_, err := New(5*time.Second).WithTransport(dial).Image(context.Background(), ref)
	want := "refusing plain HTTP to registry " + host + " (credentials and images would travel in clear); --registry-insecure=" + host + " allows it"
	var plain *PlainHTTPError
	if !errors.As(err, &plain) || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if _, err := New(5*time.Second).WithTransport(dial).TryPullSecret(context.Background(), pullSecret(t, host, "keeper", "right"), ref); !errors.As(err, &plain) {
		t.Errorf("a pull Secret tried over plain HTTP: %v", err)
	}
	if l := leaked(); len(l) > 0 {
		t.Fatalf("credentials went over plain HTTP to %s: %v", host, l)
	}

	for _, named := range []string{host, "10.11.12.13"} {
		c := New(5 * time.Second).WithTransport(dial).WithInsecure([]string{"elsewhere.example", named})
		if img, err := c.Image(context.Background(), ref); err != nil || len(img.Layers) != 1 {
			t.Errorf("--registry-insecure=%s: %v %+v", named, err, img)
		}
		if v, err := c.TryPullSecret(context.Background(), pullSecret(t, host, "keeper", "right"), ref); err != nil || v != Accepted {
			t.Errorf("--registry-insecure=%s, the right pull Secret: %s %v", named, v, err)
		}
	}
	// Another port of the same address is not named by host:port.
	c := New(5 * time.Second).WithTransport(dial).WithInsecure([]string{"10.11.12.13:1"})
	if _, err := c.Image(context.Background(), ref); !errors.As(err, &plain) {
		t.Errorf("--registry-insecure=10.11.12.13:1 let %s speak plain HTTP: %v", host, err)
	}
}

func TestLoopbackAndNamedHosts(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1:5117": true, "127.1.2.3": true, "[::1]:5000": true, "localhost:5000": true, "LOCALHOST": true,
		"10.0.0.1:5000": false, "registry.local:5000": false, "localhost.example:5000": false, "[::2]:5000": false,
	} {
		if got := loopback(host); got != want {
			t.Errorf("loopback(%q) = %v", host, got)
		}
	}
	c := New(time.Second).WithInsecure([]string{"registry.lan", "10.0.0.1:5000", "[fd00::1]"})
	for host, want := range map[string]bool{
		"registry.lan": true, "REGISTRY.LAN:443": true, "10.0.0.1:5000": true, "10.0.0.1:5001": false,
		"10.0.0.1": false, "[fd00::1]:5000": true, "registry.lan.example": false,
	} {
		if got := c.insecureHost(host); got != want {
			t.Errorf("insecureHost(%q) = %v", host, got)
		}
	}
}
