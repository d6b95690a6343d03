package registry

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// go-containerregistry falls back to plain HTTP for a registry whose name
// looks private (an RFC 1918 address, localhost, *.local), and would send
// the user's credentials there in clear, to whatever answers on that
// address. Plain HTTP goes only to loopback (the test cluster's warehouse
// is http://127.0.0.1:5117) and to the hosts the user names insecure
// (--registry-insecure); any other http:// request is refused before it
// is sent, so no Authorization header ever travels in clear elsewhere.

// PlainHTTPError is a request over plain HTTP to a host the user did not
// name insecure.
type PlainHTTPError struct {
	Host string // host[:port], as the request names it
}

func (e *PlainHTTPError) Error() string {
	return fmt.Sprintf("refusing plain HTTP to registry %s (credentials and images would travel in clear); --registry-insecure=%s allows it", e.Host, e.Host)
}

// WithInsecure lets the client speak plain HTTP to hosts (host or
// host:port; a host without a port names every port of it), as the user
// names them with --registry-insecure.
func (c *Client) WithInsecure(hosts []string) *Client {
	c.insecure = append([]string(nil), hosts...)
	return c
}

// plainHTTP refuses http:// requests to hosts neither loopback nor named
// insecure by allowed.
type plainHTTP struct {
	next    http.RoundTripper
	allowed func(host string) bool
}

func (p *plainHTTP) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" && !loopback(req.URL.Host) && !p.allowed(req.URL.Host) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &PlainHTTPError{Host: req.URL.Host}
	}
	return p.next.RoundTrip(req)
}

// insecureHost reports whether the user named host (host[:port])
// insecure: as host:port, or as the host alone for any of its ports.
func (c *Client) insecureHost(host string) bool {
	name, _, err := net.SplitHostPort(host)
	if err != nil {
		name = host
	}
	for _, h := range c.insecure {
		if _, _, err := net.SplitHostPort(h); err == nil {
			if strings.EqualFold(h, host) {
				return true
			}
		} else if strings.EqualFold(strings.Trim(h, "[]"), strings.Trim(name, "[]")) {
			return true
		}
	}
	return false
}

// loopback reports whether host (host[:port]) is this machine by its
// address or as localhost. A name is not resolved: one that resolves to
// 127.0.0.1 today may not tomorrow.
func loopback(host string) bool {
	name, _, err := net.SplitHostPort(host)
	if err != nil {
		name = host
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	if strings.EqualFold(name, "localhost") {
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}

// guard is how every request of c leaves: plain HTTP only where allowed,
// and no answer read past maxRead.
func (c *Client) guard(t http.RoundTripper) http.RoundTripper {
	return &plainHTTP{next: &bounded{next: t, limit: maxRead}, allowed: c.insecureHost}
}
