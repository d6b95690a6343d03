package registry

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/dustin/go-humanize"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// A registry is untrusted input: whoever may edit a workload chooses the
// image, so the registry, and what it answers. go-containerregistry reads a
// manifest up to 100 MiB and a config blob whole, at whatever size the
// manifest declares. The plugin reads only manifests, indexes, configs and
// error bodies, each a few kilobytes in real registries: nothing larger
// than maxRead is read.
const maxRead = 4 << 20

// TooLargeError is a registry's answer refused for its size.
type TooLargeError struct {
	What string // "a manifest", "a config", "a blob", "a response"
	Of   string // the image, or the URL
	// Size is what the registry declares (the manifest's descriptor or
	// the response's Content-Length); -1 when it sent more than maxRead
	// without saying.
	Size     int64
	Declared bool // by the manifest, rather than by the response
}

func (e *TooLargeError) Error() string {
	verb := "sends"
	if e.Declared {
		verb = "declares"
	}
	size := "more than " + bytesOf(maxRead)
	if e.Size >= 0 {
		size = bytesOf(e.Size)
	}
	return fmt.Sprintf("the registry %s %s of %s for %s; refusing to read more than %s", verb, e.What, size, e.Of, bytesOf(maxRead))
}

// bytesOf writes n in MiB when it is a whole number of them (4 MiB rather
// than humanize's 4.0 MiB).
func bytesOf(n int64) string {
	if n > 0 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return humanize.IBytes(uint64(n))
}

// checkConfigSize refuses, before it is fetched, a config that the manifest
// of ref declares larger than maxRead.
func checkConfigSize(ref string, m *v1.Manifest) error {
	if m.Config.Size > maxRead {
		return &TooLargeError{What: "a config", Of: ref, Size: m.Config.Size, Declared: true}
	}
	return nil
}

// bounded refuses a response whose Content-Length is over limit, and
// fails a body that goes past it, before either is read into memory.
type bounded struct {
	next  http.RoundTripper
	limit int64
}

func (b *bounded) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := b.next.RoundTrip(req)
	if err != nil || req.Method == http.MethodHead || resp.Body == nil {
		return resp, err
	}
	what, of := describe(req)
	if resp.ContentLength > b.limit {
		// Closed unread: the connection goes, not the bytes.
		resp.Body.Close()
		return nil, &TooLargeError{What: what, Of: of, Size: resp.ContentLength}
	}
	resp.Body = &boundedBody{ReadCloser: resp.Body, left: b.limit, tooLarge: &TooLargeError{What: what, Of: of, Size: -1}}
	return resp, nil
}

// boundedBody reads at most left bytes and fails on any byte past them.
type boundedBody struct {
	io.ReadCloser
	left     int64
	tooLarge error
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.tooLarge
	}
	// One byte more than allowed tells a body at the bound from one past it.
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	if int64(n) > b.left {
		n, b.left = int(b.left), -1
		return n, b.tooLarge
	}
	b.left -= int64(n)
	return n, err
}

// describe names what a registry request asks for, for an error: a
// manifest or a blob of an image, else the URL.
func describe(req *http.Request) (what, of string) {
	path := req.URL.Path
	repo, ref, ok := strings.Cut(strings.TrimPrefix(path, "/v2/"), "/manifests/")
	if ok && strings.HasPrefix(path, "/v2/") {
		return "a manifest", req.URL.Host + "/" + repo + joinRef(ref)
	}
	if repo, ref, ok := strings.Cut(strings.TrimPrefix(path, "/v2/"), "/blobs/"); ok && strings.HasPrefix(path, "/v2/") {
		return "a blob", req.URL.Host + "/" + repo + "@" + ref
	}
	u := *req.URL
	u.RawQuery, u.User = "", nil
	return "a response", u.String()
}

// joinRef puts a tag after ":" and a digest after "@", as an image names them.
func joinRef(ref string) string {
	if strings.Contains(ref, ":") {
		return "@" + ref
	}
	return ":" + ref
}

// refusal returns err's refusal by the plugin's own bounds (a size, plain
// HTTP), which a lookup reports as it is, or nil.
func refusal(err error) error {
	var size *TooLargeError
	if errors.As(err, &size) {
		return size
	}
	var plain *PlainHTTPError
	if errors.As(err, &plain) {
		return plain
	}
	return nil
}
