package render

import (
	"fmt"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// TestFrameFits checks that no frame, whatever the size, pods or style,
// leaves its box or breaks the ASCII and no-colour promises.
func TestFrameFits(t *testing.T) {
	widths := []int{1, 2, 3, 4, 5, 7, 8, 10, 11, 12, 13, 16, 20, 21, 22, 33, 40, 59, 80, 100, 120, 161, 200}
	heights := []int{1, 2, 3, 4, 5, 6, 8, 10, 13, 17, 24, 30, 40, 60}
	podCounts := []int{0, 1, 2, 5, 7, 13, 50, 101, 300, 1000, 2000}
	styles := []Style{{}, colour, mono, compact, {Color: true}, {Color: true, Unicode: true, Compact: true}}
	if testing.Short() {
		podCounts = []int{0, 7, 300}
	}
	for _, n := range podCounts {
		snaps := []*snapshot.Snapshot{manyPods(n), awkward(n), {}}
		for _, s := range snaps {
			for _, st := range styles {
				for _, w := range widths {
					for _, h := range heights {
						checkFrame(t, diagnosedFrame(s, w, h, st), w, h, st)
					}
				}
			}
		}
		if t.Failed() {
			t.Fatalf("with %d pods", n)
		}
	}
}

// awkward is a snapshot with everything that tends to break layouts: long
// and wide names, several revisions, problems, failures for many reasons.
func awkward(n int) *snapshot.Snapshot {
	s := deployment(int32(n), snapshot.PhaseAvailability, "Waiting for deployment \"日本語の名前\" rollout to finish:\n1 of 2 updated replicas are available...", time.Minute)
	s.Workload.Name = "a-very-long-deployment-name-that-goes-on-and-on-and-on-日本語"
	s.Workload.Paused = true
	s.Problems = []string{"forbidden: cannot watch pods", "events: 日本語のエラー\twith a tab"}
	for r := 0; r < 4; r++ {
		rev := newRevision(int64(9-r), fmt.Sprintf("hash%d", r), "日本/uniform:tag-"+fmt.Sprint(r), r == 0, int32(n/4))
		rev.Images = append(rev.Images, "sidecar@sha256:00112233445566778899aabbccddeeff")
		for i := 0; i < n/4+r; i++ {
			p := pod(fmt.Sprintf("pod-%d-%d-with-a-rather-long-generated-name", r, i), snapshot.PodState([]string{"ready", "running", "creating", "pending", "terminating", "failed", "mystery"}[i%7]), s.Now.Add(-time.Duration(i%3)*time.Second))
			if p.State == snapshot.PodFailed {
				p.Reason = fmt.Sprintf("Reason%d日本", i%5)
			}
			rev.Pods = append(rev.Pods, p)
		}
		s.Revisions = append(s.Revisions, rev)
	}
	return s
}
