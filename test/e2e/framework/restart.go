package framework

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
)

// RestartAPIServer stops only the kube-apiserver process, keeps it down for
// downFor, starts it again with the same command line and waits until it is
// ready. The new PID replaces the old one in the records that
// hack/cluster-down.sh and kwokctl use, so teardown still ends it.
func (c *Cluster) RestartAPIServer(ctx context.Context, downFor time.Duration) error {
	kwokDir := filepath.Join(c.Dir, "kwok", "clusters", "mannequin")
	pidFile := filepath.Join(kwokDir, "pids", "kube-apiserver.pid")
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		return fmt.Errorf("read apiserver pid: %w", err)
	}
	old, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		return fmt.Errorf("parse apiserver pid %q: %w", raw, err)
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", old))
	if err != nil {
		return fmt.Errorf("read apiserver command line: %w", err)
	}
	args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	// A graceful shutdown waits on open watches for a long time; after a few
	// seconds the process is killed, which is a realistic fault too.
	if err := syscall.Kill(old, syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop apiserver: %w", err)
	}
	if Eventually(5*time.Second, func() (bool, error) { return gone(old), nil }) != nil {
		_ = syscall.Kill(old, syscall.SIGKILL)
	}
	if err := Eventually(30*time.Second, func() (bool, error) { return gone(old), nil }); err != nil {
		return fmt.Errorf("apiserver %d did not stop: %w", old, err)
	}
	time.Sleep(downFor)

	logf, err := os.OpenFile(filepath.Join(kwokDir, "logs", "kube-apiserver.log"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = kwokDir
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own session, like the components kwokctl starts: a Ctrl-C in the
	// test's terminal must not reach it; teardown stops it by PID.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start apiserver: %w", err)
	}
	pid := cmd.Process.Pid
	go func() { _ = cmd.Wait() }()
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return err
	}
	if err := c.replacePID(old, pid); err != nil {
		return err
	}
	return waitReady(ctx, c.Client)
}

func (c *Cluster) replacePID(old, pid int) error {
	path := filepath.Join(c.Dir, "pids")
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var out []string
	for _, f := range strings.Fields(string(raw)) {
		if f == strconv.Itoa(old) {
			f = strconv.Itoa(pid)
		}
		out = append(out, f)
	}
	return os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o644)
}

func waitReady(ctx context.Context, c kubernetes.Interface) error {
	return Eventually(60*time.Second, func() (bool, error) {
		body, err := c.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err == nil && string(body) == "ok", err
	})
}

// gone reports whether pid has exited; a zombie that nobody reaped yet has.
func gone(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The state follows the command name, which is in parentheses.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] == "Z"
}
