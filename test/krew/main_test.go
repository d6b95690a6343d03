//go:build linux

// Package krew installs the plugin the way users will: through krew, from the
// archives and the manifest that `make dist` wrote, with no network. Run it
// with `make krew-test`, which builds dist/ and puts kubectl-krew and
// validate-krew-manifest on PATH.
package krew

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// offlineEnv marks the copy of the test binary that runs cut off from the network.
const offlineEnv = "MANNEQUIN_KREW_TEST_OFFLINE"

func TestMain(m *testing.M) {
	flag.Parse()
	if os.Getenv(offlineEnv) == "" {
		code, err := runOffline()
		if err == nil {
			os.Exit(code)
		}
		// Nothing below needs the network, so the tests still mean something.
		fmt.Fprintf(os.Stderr, "krew test: cannot run without network (%v); running with it\n", err)
	} else if err := loopbackUp(); err != nil {
		fmt.Fprintf(os.Stderr, "krew test: bring up loopback: %v\n", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// runOffline runs this test binary again in a network namespace of its own,
// which has only a loopback interface: any download krew tried from outside
// 127.0.0.1 would fail, so passing proves it needs none.
func runOffline() (int, error) {
	cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), offlineEnv+"=1")
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	if uid, gid := os.Getuid(), os.Getgid(); uid != 0 {
		// Without root, a user namespace in which we are root grants the
		// right to make a network namespace and to bring its loopback up.
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: gid, Size: 1}}
	}
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	if err := cmd.Wait(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), nil
		}
		return 0, err
	}
	return 0, nil
}

// loopbackUp brings up lo, which a new network namespace has down.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
