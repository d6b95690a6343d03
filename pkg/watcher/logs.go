package watcher

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// LogLookup reads the last lines of a container's log: of the container
// before its last restart when previous is set. It is given only when logs
// may be read (not --logs=off).
type LogLookup func(ctx context.Context, namespace, pod, container string, previous bool) ([]string, error)

// WithLogLookup lets the diagnosis quote what the failing containers of the
// newest revision said: the evidence for an undo, without leaving the view.
func (w *Workload) WithLogLookup(f LogLookup) *Workload {
	w.enrich.logLookup = f
	return w
}

const (
	// maxLogContainers bounds the logs read for one picture: the first
	// failing pod of each distinct container of the newest revision, and
	// only so many; a thousand crashing pods of one template crash alike.
	maxLogContainers = 3
	logTimeout       = 10 * time.Second
)

// logKey is one read: a pod's container at one restart count, so that
// each new crash is read once.
type logKey struct {
	pod, container string
	restarts       int32
	previous       bool
}

// logTargets are the logs s needs read, and the pods they are for: the
// first failing pod of each container of the newest revision whose
// container ran and ended (a crash loop, an OOM kill).
func logTargets(s *snapshot.Snapshot) map[logKey]*snapshot.Pod {
	out := map[logKey]*snapshot.Pod{}
	for i := range s.Revisions {
		rev := &s.Revisions[i]
		if !rev.Current {
			continue
		}
		seen := map[string]bool{}
		for j := range rev.Pods {
			p := &rev.Pods[j]
			if p.State != snapshot.PodFailed || p.Container == "" || seen[p.Container] || !p.Exited && p.Restarts == 0 {
				continue
			}
			if len(seen) == maxLogContainers {
				break
			}
			seen[p.Container] = true
			// In a crash loop (OOM kills loop too) the container waits to
			// start again: what it said is the previous one's.
			previous := p.Restarts > 0 && (p.Reason == "CrashLoopBackOff" || p.Reason == "OOMKilled")
			out[logKey{p.Name, p.Container, p.Restarts, previous}] = p
		}
	}
	return out
}

// lookupLogs reads, in the background, the logs s needs that were not read
// yet; reads of earlier crashes are forgotten.
func (e *enrichment) lookupLogs(s *snapshot.Snapshot) {
	if e.logLookup == nil {
		return
	}
	targets := logTargets(s)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.logsRefused != "" {
		return
	}
	for k := range e.logs {
		if targets[k] == nil {
			delete(e.logs, k)
		}
	}
	for k := range targets {
		if _, asked := e.logs[k]; !asked {
			e.logs[k] = nil // asked; nil until the log comes
			go e.readLog(k)
		}
	}
}

func (e *enrichment) readLog(k logKey) {
	ctx, cancel := context.WithTimeout(e.ctx, logTimeout)
	defer cancel()
	lines, err := e.logLookup(ctx, e.namespace, k.pod, k.container, k.previous)
	e.mu.Lock()
	switch {
	case apierrors.IsForbidden(err):
		// Said once, and never asked again: the view carries on without.
		e.logsRefused = fmt.Sprintf("cannot read the failing pods' logs in namespace %s: forbidden (needs get on pods/log)", e.namespace)
	case err == nil:
		// A read of an earlier crash, forgotten meanwhile, is dropped.
		if _, wanted := e.logs[k]; wanted {
			e.logs[k] = &snapshot.LastWords{Container: k.container, Previous: k.previous, Lines: lines}
		}
	}
	e.mu.Unlock()
	e.wake()
}

// knownLogs puts the logs read so far on their pods, and says when logs may
// not be read.
func (e *enrichment) knownLogs(s *snapshot.Snapshot) {
	if e.logLookup == nil {
		return
	}
	targets := logTargets(s)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.logsRefused != "" {
		s.Problems = append(s.Problems, e.logsRefused)
	}
	for k, p := range targets {
		if lw := e.logs[k]; lw != nil {
			p.LastWords = lw
		}
	}
}
