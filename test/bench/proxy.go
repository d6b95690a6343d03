package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// countingProxy sits between a client and the apiserver on loopback and
// records every request, so that one client's requests can be counted
// exactly (the apiserver's own metrics do not split by client). With a
// delay it also stands for a distant apiserver.
type countingProxy struct {
	srv   *http.Server
	addr  string
	delay time.Duration

	mu   sync.Mutex
	reqs []apiRequest
}

type apiRequest struct {
	at    time.Time
	agent string
	verb  string // watch, list, get, discovery, or the HTTP method
	path  string
}

// startProxy forwards plain HTTP on a loopback port to the apiserver of cfg,
// authenticating as cfg does.
func startProxy(cfg *rest.Config) (*countingProxy, error) { return startDelayingProxy(cfg, 0) }

// startDelayingProxy is startProxy that holds every request for delay
// before passing it on, so that every response, a watch's first included,
// comes delay later than from the apiserver itself: a cluster one round
// trip of delay away. Events on an open watch are not held, as on a real
// long link once the stream flows.
func startDelayingProxy(cfg *rest.Config, delay time.Duration) (*countingProxy, error) {
	target, err := url.Parse(cfg.Host)
	if err != nil {
		return nil, fmt.Errorf("parse apiserver address: %w", err)
	}
	transport, err := rest.TransportFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("apiserver transport: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	p := &countingProxy{addr: l.Addr().String(), delay: delay}
	rp := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport: transport,
		// Watches are streams: pass every event on at once.
		FlushInterval: -1,
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.reqs = append(p.reqs, apiRequest{at: time.Now(), agent: r.UserAgent(), verb: verbOf(r), path: r.URL.Path})
		p.mu.Unlock()
		if p.delay > 0 {
			t := time.NewTimer(p.delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

func (p *countingProxy) close() { _ = p.srv.Close() }

// requests returns those whose user agent starts with agent.
func (p *countingProxy) requests(agent string) []apiRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []apiRequest
	for _, r := range p.reqs {
		if strings.HasPrefix(r.agent, agent) {
			out = append(out, r)
		}
	}
	return out
}

// kubeconfig writes a kubeconfig that reaches the apiserver through the
// proxy; each proxy has its own file, so that several can run at once.
func (p *countingProxy) kubeconfig(dir string) (string, error) {
	c := clientcmdapi.NewConfig()
	c.Clusters["proxy"] = &clientcmdapi.Cluster{Server: "http://" + p.addr}
	c.AuthInfos["proxy"] = &clientcmdapi.AuthInfo{}
	c.Contexts["proxy"] = &clientcmdapi.Context{Cluster: "proxy", AuthInfo: "proxy"}
	c.CurrentContext = "proxy"
	_, port, err := net.SplitHostPort(p.addr)
	if err != nil {
		return "", fmt.Errorf("proxy address %q: %w", p.addr, err)
	}
	path := filepath.Join(dir, "proxy-"+port+".kubeconfig")
	if err := clientcmd.WriteToFile(*c, path); err != nil {
		return "", fmt.Errorf("write proxy kubeconfig: %w", err)
	}
	return path, nil
}

// resourcePath is an API path from its resource on:
// /api/v1/… or /apis/GROUP/VERSION/…, then [namespaces/NS/]RESOURCE[/NAME]
// gives RESOURCE[/NAME]; ok is false for discovery paths.
func resourcePath(path string) (parts []string, ok bool) {
	parts = strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) > 2 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) > 3 && parts[0] == "apis":
		parts = parts[3:]
	default:
		return nil, false
	}
	if len(parts) > 2 && parts[0] == "namespaces" {
		parts = parts[2:]
	}
	return parts, true
}

// verbOf names a request the way the apiserver's audit log would.
func verbOf(r *http.Request) string {
	if r.Method != http.MethodGet {
		return r.Method
	}
	if w := r.URL.Query().Get("watch"); w == "true" || w == "1" {
		return "watch"
	}
	parts, ok := resourcePath(r.URL.Path)
	if !ok {
		return "discovery"
	}
	if len(parts) == 1 {
		return "list"
	}
	return "get"
}
