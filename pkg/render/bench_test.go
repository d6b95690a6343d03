package render

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// BenchmarkFrame counts the snapshot's diagnosis with its frame: the
// watcher makes, and diagnoses, one snapshot per frame.
func BenchmarkFrame(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 5000} {
		s := manyPods(n)
		for _, size := range [][2]int{{120, 40}, {250, 80}} {
			b.Run(fmt.Sprintf("pods=%d/%dx%d", n, size[0], size[1]), func(b *testing.B) {
				for b.Loop() {
					diagnosedFrame(s, size[0], size[1], colour)
				}
			})
		}
	}
	// Every pod failing its own way, with a long message: a finding each,
	// of which only the few that fit the panel may cost anything.
	s := manyFailures(5000, 10000)
	for _, size := range [][2]int{{120, 40}, {250, 80}} {
		b.Run(fmt.Sprintf("failures=5000/%dx%d", size[0], size[1]), func(b *testing.B) {
			for b.Loop() {
				diagnosedFrame(s, size[0], size[1], colour)
			}
		})
	}
}

// manyFailures is a rollout of n replicas whose every new pod failed for a
// reason of its own, with a message of msgLen characters.
func manyFailures(n, msgLen int) *snapshot.Snapshot {
	s := deployment(int32(n), snapshot.PhaseUpdating,
		fmt.Sprintf(`Waiting for deployment "clerk-squad" rollout to finish: 0 of %d updated replicas are available...`, n), 5*time.Minute)
	filler := strings.Repeat("the kubelet says it went wrong ", msgLen/31+1)
	pods := make([]snapshot.Pod, n)
	for i := range pods {
		name := fmt.Sprintf("clerk-squad-8e9f0a1b2-%05d", i)
		pods[i] = failedPod(name, fmt.Sprintf("Failure%05d", i))
		head := "pod " + name + " failed: "
		pods[i].Message = head + filler[:msgLen-len(head)]
	}
	w := &s.Workload
	w.Current, w.Updated = int32(n), int32(n)
	s.Revisions = []snapshot.Revision{newRevision(7, "8e9f0a1b2", "uniform:gala", true, int32(n), pods...)}
	return s
}
