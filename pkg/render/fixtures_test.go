package render

import (
	"fmt"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/diagnose"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// t0 is when every fixture's watch started.
var t0 = time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func pod(name string, st snapshot.PodState, since time.Time) snapshot.Pod {
	return snapshot.Pod{Name: name, State: st, Created: t0, StateSince: since}
}

func failedPod(name, reason string) snapshot.Pod {
	p := pod(name, snapshot.PodFailed, time.Time{})
	p.Reason = reason
	return p
}

func deployment(desired int32, phase snapshot.Phase, msg string, now time.Duration) *snapshot.Snapshot {
	return &snapshot.Snapshot{
		Workload: snapshot.Workload{
			Kind:      "Deployment",
			Namespace: "shop",
			Name:      "clerk-squad",
			Desired:   desired,
			Strategy:  snapshot.Strategy{Type: "RollingUpdate", MaxSurge: 2, MaxUnavailable: 0},
		},
		Phase:   phase,
		Message: msg,
		Now:     at(now),
		Started: t0,
		Rollout: snapshot.Rollout{Started: t0},
	}
}

func newRevision(n int64, hash, image string, current bool, desired int32, pods ...snapshot.Pod) snapshot.Revision {
	return snapshot.Revision{
		Revision: revision.Revision{
			Number:  n,
			Name:    "clerk-squad-" + hash,
			Desired: desired,
			Current: current,
			Created: t0,
		},
		Images: []string{"registry.example/shop/" + image},
		Pods:   pods,
	}
}

// midRollout is six replicas halfway from rev 3 to rev 4: one new pod just
// became ready and one old pod just started terminating.
func midRollout() *snapshot.Snapshot {
	s := deployment(6, snapshot.PhaseUpdating,
		`Waiting for deployment "clerk-squad" rollout to finish: 4 out of 6 new replicas have been updated...`, 42*time.Second)
	w := &s.Workload
	w.Current, w.Updated, w.Ready, w.Available = 8, 4, 6, 6
	now := s.Now
	rev4 := newRevision(4, "7c9d8f6b5", "uniform:winter-2024", true, 4,
		pod("clerk-squad-7c9d8f6b5-a1b2c", snapshot.PodReady, now.Add(-30*time.Second)),
		pod("clerk-squad-7c9d8f6b5-d3e4f", snapshot.PodReady, now.Add(-12*time.Second)),
		pod("clerk-squad-7c9d8f6b5-g5h6i", snapshot.PodReady, now.Add(-500*time.Millisecond)),
		pod("clerk-squad-7c9d8f6b5-j7k8l", snapshot.PodCreating, time.Time{}),
	)
	rev4.Created = at(2 * time.Second)
	rev3 := newRevision(3, "5f6a7b8c9", "uniform:autumn-2024", false, 3,
		pod("clerk-squad-5f6a7b8c9-m1n2o", snapshot.PodReady, t0.Add(-time.Hour)),
		pod("clerk-squad-5f6a7b8c9-p3q4r", snapshot.PodReady, t0.Add(-time.Hour)),
		pod("clerk-squad-5f6a7b8c9-s5t6u", snapshot.PodReady, t0.Add(-time.Hour)),
		pod("clerk-squad-5f6a7b8c9-v7w8x", snapshot.PodTerminating, now.Add(-time.Second)),
	)
	rev2 := newRevision(2, "3d4e5f6a7", "uniform:summer-2024", false, 0)
	s.Revisions = []snapshot.Revision{rev4, rev3, rev2}
	return s
}

// failedRollout is a rollout to an image that does not exist, past its
// progress deadline.
func failedRollout() *snapshot.Snapshot {
	s := deployment(3, snapshot.PhaseFailed, `deployment "clerk-squad" exceeded its progress deadline`, 10*time.Minute)
	w := &s.Workload
	w.Current, w.Updated, w.Ready, w.Available = 5, 2, 3, 3
	s.Problems = []string{"cannot list events in namespace shop: forbidden"}
	s.Revisions = []snapshot.Revision{
		newRevision(2, "6b7c8d9e0", "uniform:no-such-tag", true, 2,
			failedPod("clerk-squad-6b7c8d9e0-k2l3m", "ImagePullBackOff"),
			failedPod("clerk-squad-6b7c8d9e0-n4o5p", "ImagePullBackOff"),
		),
		newRevision(1, "1a2b3c4d5", "uniform:spring-2024", false, 3,
			pod("clerk-squad-1a2b3c4d5-q6r7s", snapshot.PodReady, t0.Add(-time.Hour)),
			pod("clerk-squad-1a2b3c4d5-t8u9v", snapshot.PodReady, t0.Add(-time.Hour)),
			pod("clerk-squad-1a2b3c4d5-w0x1y", snapshot.PodReady, t0.Add(-time.Hour)),
		),
	}
	return s
}

// crashLoop is a rollout whose new pods crash, one of them with its
// previous container's last words read.
func crashLoop() *snapshot.Snapshot {
	s := deployment(3, snapshot.PhaseUpdating, `Waiting for deployment "clerk-squad" rollout to finish: 1 out of 3 new replicas have been updated...`, 2*time.Minute)
	w := &s.Workload
	w.Current, w.Updated, w.Ready, w.Available = 4, 1, 3, 3
	crash := failedPod("clerk-squad-9f8e7d6c5-a1b2c", "CrashLoopBackOff")
	crash.Container, crash.Restarts, crash.Exited, crash.ExitCode = "uniform", 4, true, 2
	crash.Message = "back-off 1m20s restarting failed container=uniform"
	crash.LastWords = &snapshot.LastWords{Container: "uniform", Previous: true, Lines: []string{
		"loading the pockets", "panic: scanner has no pocket", "goroutine 1 [running]:", "main.main()",
	}}
	s.Revisions = []snapshot.Revision{
		newRevision(3, "9f8e7d6c5", "uniform:no-pockets", true, 1, crash),
		newRevision(2, "1a2b3c4d5", "uniform:spring-2024", false, 3,
			pod("clerk-squad-1a2b3c4d5-q6r7s", snapshot.PodReady, t0.Add(-time.Hour)),
			pod("clerk-squad-1a2b3c4d5-t8u9v", snapshot.PodReady, t0.Add(-time.Hour)),
			pod("clerk-squad-1a2b3c4d5-w0x1y", snapshot.PodReady, t0.Add(-time.Hour)),
		),
	}
	return s
}

func singlePod() *snapshot.Snapshot {
	s := deployment(1, snapshot.PhaseComplete, `deployment "clerk-squad" successfully rolled out`, 5*time.Second)
	w := &s.Workload
	w.Current, w.Updated, w.Ready, w.Available = 1, 1, 1, 1
	s.Revisions = []snapshot.Revision{
		newRevision(1, "1a2b3c4d5", "uniform:spring-2024", true, 1,
			pod("clerk-squad-1a2b3c4d5-q6r7s", snapshot.PodReady, t0.Add(-time.Hour))),
	}
	return s
}

// manyPods is a rollout of n replicas about halfway through, with a sprinkle
// of every state so that each glyph shows up.
func manyPods(n int) *snapshot.Snapshot {
	s := deployment(int32(n), snapshot.PhaseUpdating,
		fmt.Sprintf(`Waiting for deployment "clerk-squad" rollout to finish: %d out of %d new replicas have been updated...`, n/2, n), 5*time.Minute)
	var fresh, old []snapshot.Pod
	ready := 0
	for i := range n {
		name := fmt.Sprintf("clerk-squad-%05d", i)
		if i%2 == 1 {
			st := snapshot.PodReady
			if i%9 == 1 {
				st = snapshot.PodTerminating
			}
			old = append(old, pod(name, st, t0.Add(-time.Hour)))
			continue
		}
		var p snapshot.Pod
		switch {
		case i%62 == 0:
			p = failedPod(name, "CrashLoopBackOff")
		case i%14 == 0:
			p = pod(name, snapshot.PodCreating, time.Time{})
		case i%22 == 0:
			p = pod(name, snapshot.PodPending, time.Time{})
		case i%10 == 0:
			p = pod(name, snapshot.PodRunning, time.Time{})
		default:
			p = pod(name, snapshot.PodReady, at(time.Duration(i)*time.Millisecond))
			ready++
		}
		fresh = append(fresh, p)
	}
	w := &s.Workload
	w.Current, w.Updated, w.Ready, w.Available = int32(n), int32(len(fresh)), int32(ready+len(old)), int32(ready+len(old))
	s.Revisions = []snapshot.Revision{
		newRevision(7, "8e9f0a1b2", "uniform:gala", true, int32(len(fresh)), fresh...),
		newRevision(6, "2c3d4e5f6", "uniform:casual", false, int32(len(old)), old...),
	}
	return s
}

// clone copies s deeply enough for a test to change pods.
func clone(s *snapshot.Snapshot) *snapshot.Snapshot {
	c := *s
	c.Revisions = make([]snapshot.Revision, len(s.Revisions))
	for i, r := range s.Revisions {
		r.Pods = append([]snapshot.Pod(nil), r.Pods...)
		c.Revisions[i] = r
	}
	c.Problems = append([]string(nil), s.Problems...)
	return &c
}

// The watcher diagnoses every snapshot it makes (diagnose.Diagnose); the
// tests' snapshots are made by hand, and changed after, so each is
// diagnosed as it is drawn.

func diagnosedFrame(s *snapshot.Snapshot, width, height int, st Style) string {
	if s != nil {
		diagnose.Diagnose(s)
	}
	return Frame(s, width, height, st)
}

func diagnosedReleaseFrame(secs []Section, selected, width, height int, st Style) string {
	for _, sec := range secs {
		diagnose.Diagnose(sec.Snap)
	}
	return ReleaseFrame(secs, selected, width, height, st)
}

func diagnosedNext(l *Log, cur *snapshot.Snapshot) []string {
	diagnose.Diagnose(cur)
	return l.Next(cur)
}

func diagnosedNextLines(l *Log, cur *snapshot.Snapshot) []Line {
	diagnose.Diagnose(cur)
	return l.NextLines(cur)
}
