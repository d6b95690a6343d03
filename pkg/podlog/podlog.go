// Package podlog reads the end of a container's log, bounded in lines and
// bytes, as the diagnosis quotes it: what a failing container said.
package podlog

import (
	"context"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

const (
	// Lines is how many of a log's last lines the diagnosis quotes.
	Lines = 5
	// maxBytes bounds a read: a container that logs megabytes per line
	// costs no more than this.
	maxBytes = 16 << 10
)

// Tail reads through c the last lines lines of a container's log, of the
// container before its last restart when previous is set.
func Tail(c kubernetes.Interface, lines int) func(ctx context.Context, namespace, pod, container string, previous bool) ([]string, error) {
	return func(ctx context.Context, namespace, pod, container string, previous bool) ([]string, error) {
		tail, limit := int64(lines), int64(maxBytes)
		raw, err := c.CoreV1().Pods(namespace).GetLogs(pod, &corev1.PodLogOptions{
			Container: container, Previous: previous, TailLines: &tail, LimitBytes: &limit,
		}).DoRaw(ctx)
		if err != nil {
			return nil, err
		}
		return Last(string(raw), lines), nil
	}
}

// Last is the last n lines of log that say something, made inert for a
// terminal: a log is whatever the container chose to print.
func Last(log string, n int) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if l = strings.TrimRight(l, "\r"); strings.TrimSpace(l) != "" {
			out = append(out, sanitize.Text(l))
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}
