package watcher

import (
	"errors"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// Connection follows the health of the client's connection to the API
// server from the requests themselves. client-go's reflectors retry a
// refused watch quietly, so without this a view would look frozen, not
// disconnected, while the apiserver is away.
type Connection struct {
	mu       sync.Mutex
	lastErr  error
	downFrom time.Time
	// onChange and onWatch hold one function per watcher on the
	// connection (a release has many). onWatch hears of every watch the
	// server accepted, by resource: the one sign that an idle informer is
	// connected again. Both are keyed by listener, so that a watcher
	// that stops (a member leaving a release) takes its own away.
	onChange map[int]func()
	onWatch  map[int]func(resource string)
	listener int // the key of the last listener
	// open counts the watches whose answer is still being read, by URL
	// path. A reflector whose watch ends waits out its back-off before it
	// lists and watches again (up to a minute after a few apiserver
	// restarts) and tells nobody: an informer's cache is behind for that
	// long while every other request succeeds.
	open map[string]int
}

// listen adds a watcher's functions until unlisten is called.
func (c *Connection) listen(change func(), watch func(string)) (unlisten func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.onChange == nil {
		c.onChange, c.onWatch = map[int]func(){}, map[int]func(string){}
	}
	c.listener++
	key := c.listener
	c.onChange[key], c.onWatch[key] = change, watch
	return func() {
		c.mu.Lock()
		delete(c.onChange, key)
		delete(c.onWatch, key)
		c.mu.Unlock()
	}
}

// heard copies the functions to call, so that none is called with the lock
// held (a listener may listen or unlisten).
func (c *Connection) heard() (change []func(), watch []func(string)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range c.onChange {
		change = append(change, f)
	}
	for _, f := range c.onWatch {
		watch = append(watch, f)
	}
	return change, watch
}

// Wrap is a rest.Config WrapTransport: it watches every request go by.
func (c *Connection) Wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		// A request we cancelled ourselves says nothing about the server.
		if req.Context().Err() == nil {
			c.observe(err)
		}
		watch := err == nil && resp.StatusCode == http.StatusOK && req.URL.Query().Get("watch") == "true"
		if watch {
			c.opened(req.URL.Path)
			_, onWatch := c.heard()
			for _, f := range onWatch {
				f(path.Base(req.URL.Path))
			}
		}
		if err == nil && resp.Body != nil {
			// A watch is one long response: the server going away shows up
			// as a failed read of its body, not as a failed request.
			resp.Body = &watchedBody{ReadCloser: resp.Body, req: req, conn: c, watch: watch}
		}
		return resp, err
	})
}

func (c *Connection) opened(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open == nil {
		c.open = map[string]int{}
	}
	c.open[path]++
}

func (c *Connection) closed(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open[path]--; c.open[path] <= 0 {
		delete(c.open, path)
	}
}

// Watching reports whether a watch of path (as the request's URL path
// ends: /namespaces/shop/pods, or /v1/pods across namespaces) is open now.
func (c *Connection) Watching(path string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for p := range c.open {
		if strings.HasSuffix(p, path) {
			return true
		}
	}
	return false
}

type watchedBody struct {
	io.ReadCloser
	req   *http.Request
	conn  *Connection
	watch bool // an accepted watch, counted open until its answer ends
	done  sync.Once
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && b.req.Context().Err() == nil {
		b.conn.observe(err)
	}
	if err != nil {
		b.ended()
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.ended()
	return b.ReadCloser.Close()
}

// ended: the watch's answer is over, whether read to its end, failed, or
// closed by its reader.
func (b *watchedBody) ended() {
	if b.watch {
		b.done.Do(func() { b.conn.closed(b.req.URL.Path) })
	}
}

func (c *Connection) observe(err error) {
	c.mu.Lock()
	changed := (err == nil) != (c.lastErr == nil)
	if err != nil && c.lastErr == nil {
		c.downFrom = time.Now()
	}
	c.lastErr = err
	c.mu.Unlock()
	if changed {
		onChange, _ := c.heard()
		for _, f := range onChange {
			f()
		}
	}
}

// Down reports since when requests have been failing, and the last failure
// (nil when the connection is fine). The failure's text is sanitized: a
// proxy between us and the API server chooses it (a refused CONNECT is
// reported in the proxy's own status text), and it is drawn as it is.
func (c *Connection) Down() (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lastErr == nil {
		return c.downFrom, nil
	}
	return c.downFrom, inertError{c.lastErr}
}

// inertError says what err says, sanitized, and still unwraps to it, so
// that errors.Is and errors.As see the transport's error.
type inertError struct{ err error }

func (e inertError) Error() string { return sanitize.Text(e.err.Error()) }
func (e inertError) Unwrap() error { return e.err }

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
