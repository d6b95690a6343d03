package cmd

import (
	"net"
	"net/http"
	"net/http/pprof"
	"os"
)

// profileAddrEnv names a loopback address on which the plugin serves Go's
// pprof endpoints, for the soak test and for profiling a slow view:
//
//	MANNEQUIN_PPROF_ADDR=127.0.0.1:6060 kubectl mannequin watch deploy/x
const profileAddrEnv = "MANNEQUIN_PPROF_ADDR"

// serveProfiles starts the pprof server when asked to; it never listens
// beyond loopback.
func serveProfiles() {
	addr := os.Getenv(profileAddrEnv)
	if addr == "" {
		return
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go func() { _ = http.Serve(ln, mux) }()
}
