//go:build soak

package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSoak watches one Deployment of 200 pods through 20 consecutive
// rollouts: resident memory after the last stays within 10 % of after the
// first, and the goroutine count stays flat. Run with `make soak`.
func TestSoak(t *testing.T) {
	ns := namespace(t)
	createDeployment(t, ns, deployment("soak", deployOpts{replicas: 200, image: summer, maxSurge: 50, readyDelay: "1s"}))
	waitRolledOut(t, ns, "soak", 5*time.Minute)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e := env
	e.Extra = append(append([]string{}, env.Extra...), "MANNEQUIN_PPROF_ADDR="+addr)
	cmd := e.Command(ctxFor(t, 60*time.Minute), "kubectl", "mannequin", "watch", "deploy/soak", "-n", ns, "--plain")
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	var firstRSS, firstG int
	for i := 1; i <= 20; i++ {
		setImage(t, ns, "soak", fmt.Sprintf("registry.example/uniform:soak-%d", i))
		waitRolledOut(t, ns, "soak", 5*time.Minute)
		time.Sleep(2 * time.Second) // let the last events arrive
		rss, g := rssKB(t, cmd.Process.Pid), goroutines(t, addr)
		t.Logf("rollout %2d: RSS %d KiB, %d goroutines", i, rss, g)
		if i == 1 {
			firstRSS, firstG = rss, g
		}
		if i == 20 {
			if rss > firstRSS*110/100 {
				t.Errorf("RSS grew from %d KiB to %d KiB (more than 10 %%)", firstRSS, rss)
			}
			if g > firstG+5 {
				t.Errorf("goroutines grew from %d to %d", firstG, g)
			}
		}
	}
}

func rssKB(t *testing.T, pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

func goroutines(t *testing.T, addr string) int {
	resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, _ := bufio.NewReader(resp.Body).ReadString('\n')
	// "goroutine profile: total 42"
	n, err := strconv.Atoi(strings.TrimSpace(line[strings.LastIndex(line, " ")+1:]))
	if err != nil {
		t.Fatalf("goroutine profile: %q", line)
	}
	return n
}
