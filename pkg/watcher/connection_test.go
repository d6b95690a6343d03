package watcher

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

func TestConnectionHearsAcceptedWatches(t *testing.T) {
	status := http.StatusOK
	server := roundTripper(func(req *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
	})
	var heard []string
	c := &Connection{}
	c.listen(func() {}, func(r string) { heard = append(heard, r) })
	rt := c.Wrap(server)
	for _, url := range []string{
		"https://api/api/v1/namespaces/shop/pods?labelSelector=app%3Dx&watch=true",
		"https://api/api/v1/namespaces/shop/pods?labelSelector=app%3Dx", // a list
		"https://api/apis/apps/v1/namespaces/shop/replicasets?watch=true",
	} {
		if _, err := rt.RoundTrip(httptest.NewRequest(http.MethodGet, url, nil)); err != nil {
			t.Fatal(err)
		}
	}
	status = http.StatusForbidden
	if _, err := rt.RoundTrip(httptest.NewRequest(http.MethodGet, "https://api/api/v1/namespaces/shop/events?watch=true", nil)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(heard, ","); got != "pods,replicasets" {
		t.Errorf("heard of watches %q, want pods,replicasets", got)
	}
}

func TestProblemsClearWhenTheirWatchIsBack(t *testing.T) {
	w := New(fake.NewClientset(), workload.Deployment, "shop", "clerk-squad")
	w.setProblem("pods", errors.New("connection refused"))
	w.setProblem("replicasets", errors.New("connection refused"))
	w.setProblem("events", apierrors.NewForbidden(schema.GroupResource{Resource: "events"}, "", errors.New("no")))

	// Another informer's news says nothing about the pods' watch.
	w.heardFrom("deployments")
	w.watching("replicasets")
	if got := w.Problems(); len(got) != 2 || !strings.Contains(got[0], "cannot see events") || !strings.Contains(got[1], "reconnecting") {
		t.Fatalf("after the replicasets' watch came back: %q", got)
	}
	// An accepted watch does not lift a refusal; delivering something does.
	w.watching("events")
	w.watching("pods")
	if got := w.Problems(); len(got) != 1 || !strings.Contains(got[0], "cannot see events") {
		t.Fatalf("after the pods' watch came back: %q", got)
	}
	w.heardFrom("events")
	if got := w.Problems(); len(got) != 0 {
		t.Errorf("after events arrived: %q", got)
	}
}

// A proxy that refuses the tunnel to the API server chooses the status
// text Go's transport reports; the watcher's snapshot, which the live view's
// connection line and the log draw, shows its bidi and zero-width
// characters as escapes, never as themselves.
func TestConnectionLineShowsAProxysWordsInert(t *testing.T) {
	proxy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	go func() {
		for {
			c, err := proxy.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = c.Close() }()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				_, _ = io.WriteString(c, "HTTP/1.1 403 denied \u202etneilc\u200b\x1b[2J\r\nContent-Length: 0\r\n\r\n")
			}()
		}
	}()
	proxyURL, _ := url.Parse("http://" + proxy.Addr().String())
	conn := &Connection{}
	rt := conn.Wrap(&http.Transport{Proxy: http.ProxyURL(proxyURL)})

	w, _ := startWatch(t, fake.NewClientset(rollout()...))
	w.WithConnection(conn)
	req := httptest.NewRequest(http.MethodGet, "https://api.shop.invalid/api/v1/namespaces/shop/pods?watch=true", nil)
	req.RequestURI = ""
	if _, err := rt.RoundTrip(req); err == nil {
		t.Fatal("the proxy's refusal went unnoticed")
	}
	s := w.Snapshot(time.Now(), time.Now())
	if !s.Reconnecting {
		t.Fatalf("not reconnecting after the proxy refused: %q", s.Problems)
	}
	line := strings.Join(s.Problems, "\n")
	if !strings.Contains(line, `denied \u202etneilc\u200b\x1b[2J`) {
		t.Errorf("connection line %q does not show the proxy's words as escapes", line)
	}
	if i := strings.IndexFunc(line, sanitize.Unsafe); i >= 0 {
		t.Errorf("connection line holds %U raw: %q", []rune(line[i:])[0], line)
	}
}

// After an outage each informer's reflector waits out its own back-off
// before it watches again, without a word: the connection answers, yet the
// pods' cache is of before. Until the workload's, its revisions' and its
// pods' watches are all open, the snapshot says it may be behind, so
// --until-done's last frame waits for them.
func TestAWatchNotOpenAgainIsReconnecting(t *testing.T) {
	var bodies []*io.PipeWriter
	server := roundTripper(func(req *http.Request) (*http.Response, error) {
		r, w := io.Pipe()
		bodies = append(bodies, w)
		return &http.Response{StatusCode: http.StatusOK, Body: r, Request: req}, nil
	})
	conn := &Connection{}
	rt := conn.Wrap(server)
	w, _ := startWatch(t, fake.NewClientset(rollout()...))
	w.WithConnection(conn)
	open := func(url string) *http.Response {
		t.Helper()
		resp, err := rt.RoundTrip(httptest.NewRequest(http.MethodGet, url, nil))
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	reconnecting := func() bool { return w.Snapshot(time.Now(), time.Now()).Reconnecting }

	if !reconnecting() {
		t.Fatal("no watch is open, yet the picture is said to be current")
	}
	open("https://api/apis/apps/v1/namespaces/shop/deployments?fieldSelector=metadata.name%3Dclerk-squad&watch=true")
	open("https://api/apis/apps/v1/namespaces/shop/replicasets?watch=true")
	open("https://api/api/v1/namespaces/shop/pods?labelSelector=app%3Dclerk-squad") // a list is no watch
	if !reconnecting() {
		t.Fatal("the pods' watch is not open, yet the picture is said to be current")
	}
	pods := open("https://api/api/v1/namespaces/shop/pods?labelSelector=app%3Dclerk-squad&watch=true")
	if reconnecting() {
		t.Fatal("every watch is open, yet the picture is said to be behind")
	}

	// The server ends the pods' watch: its body reads to an error.
	_ = bodies[len(bodies)-1].CloseWithError(io.ErrUnexpectedEOF)
	if _, err := pods.Body.Read(make([]byte, 1)); err == nil {
		t.Fatal("the ended watch still reads")
	}
	if !reconnecting() {
		t.Fatal("the pods' watch ended, yet the picture is said to be current")
	}
	_ = pods.Body.Close() // closing it as well counts once
	// A release's informer watches the pods of every namespace.
	open("https://api/api/v1/pods?labelSelector=app%3Dclerk-squad&watch=true")
	if reconnecting() {
		t.Fatal("a cluster-wide pods watch is open, yet the picture is said to be behind")
	}
}
