// Command profiled is the plugin with profiling, built by `go run ./test/bench
// -profile` in place of kubectl-mannequin. With MANNEQUIN_PROFILE_DIR set it
// writes there a CPU profile of the whole session, a heap profile of what is
// live whenever it gets SIGUSR1 (the informers' caches are gone by exit), an
// allocation profile at exit, and the peaks of the Go runtime's memory
// classes, so that resident memory can be split into heap and the rest.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/cmd"
)

func main() {
	dir := os.Getenv("MANNEQUIN_PROFILE_DIR")
	if dir == "" {
		os.Exit(cmd.Execute())
	}
	code, err := profiled(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profiled:", err)
	}
	os.Exit(code)
}

// peaks are the largest values seen of the runtime's own accounting.
type peaks struct {
	HeapInuse, HeapSys, StackSys, Sys uint64 // bytes
	NumGC                             uint32
}

func profiled(dir string) (int, error) {
	// The default samples one allocation per 512 KiB: too coarse for a heap
	// of a few tens of MB.
	runtime.MemProfileRate = 4096
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return 1, err
	}
	defer cpu.Close()
	if err := pprof.StartCPUProfile(cpu); err != nil {
		return 1, fmt.Errorf("start CPU profile: %w", err)
	}
	stop := make(chan struct{})
	got := make(chan peaks)
	go sample(stop, got)
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	go func() {
		for range usr1 {
			runtime.GC()
			if err := writeProfile(filepath.Join(dir, "heap.pprof"), "heap"); err != nil {
				fmt.Fprintln(os.Stderr, "profiled:", err)
			}
		}
	}()

	code := cmd.Execute()

	pprof.StopCPUProfile()
	close(stop)
	p := <-got
	// Allocation sites of everything since start.
	if err := writeProfile(filepath.Join(dir, "allocs.pprof"), "allocs"); err != nil {
		return code, err
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return code, err
	}
	return code, os.WriteFile(filepath.Join(dir, "memstats.json"), data, 0o644)
}

// sample polls the runtime's memory statistics; ReadMemStats stops the
// world briefly, so not too often.
func sample(stop <-chan struct{}, out chan<- peaks) {
	var p peaks
	var m runtime.MemStats
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		runtime.ReadMemStats(&m)
		p.HeapInuse = max(p.HeapInuse, m.HeapInuse)
		p.HeapSys = max(p.HeapSys, m.HeapSys)
		p.StackSys = max(p.StackSys, m.StackSys)
		p.Sys = max(p.Sys, m.Sys)
		p.NumGC = m.NumGC
		select {
		case <-stop:
			out <- p
			return
		case <-tick.C:
		}
	}
}

// writeProfile writes atomically: the harness waits for the file to appear.
func writeProfile(path, name string) error {
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("write %s profile: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}
