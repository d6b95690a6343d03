package render

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// mall is a release of five workloads: two rolling, one failed, two done.
func mall() []Section {
	named := func(s *snapshot.Snapshot, kind, name string) *snapshot.Snapshot {
		s.Workload.Kind, s.Workload.Name = kind, name
		return s
	}
	done := singlePod()
	done2 := clone(singlePod())
	return []Section{
		{Who: "deployment/cashier", Snap: named(midRollout(), "Deployment", "cashier")},
		{Who: "deployment/clerk-squad", Snap: named(failedRollout(), "Deployment", "clerk-squad")},
		{Who: "deployment/door", Snap: named(done, "Deployment", "door")},
		{Who: "statefulset/depot", Snap: named(clone(midRollout()), "StatefulSet", "depot")},
		{Who: "daemonset/lamp", Snap: named(done2, "DaemonSet", "lamp")},
	}
}

func TestReleaseFrameGolden(t *testing.T) {
	for _, tc := range []struct {
		name     string
		w, h     int
		style    Style
		selected int
	}{
		{"release-roomy-nocolor", 100, 60, mono, 0},
		{"release-80x24-nocolor", 80, 24, mono, 1},
		{"release-80x24-color", 80, 24, colour, 1},
		{"release-80x12-ascii", 80, 12, ascii, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := diagnosedReleaseFrame(mall(), tc.selected, tc.w, tc.h, tc.style)
			checkFrame(t, got, tc.w, tc.h, tc.style)
			golden(t, tc.name, got)
		})
	}
}

// Every workload keeps a line however small the screen, and the order on
// screen is the order given, whatever each rollout does.
func TestReleaseFrameNeverDropsAWorkload(t *testing.T) {
	var secs []Section
	for i := range 10 {
		s := midRollout()
		switch i % 3 {
		case 1:
			s = failedRollout()
		case 2:
			s = singlePod()
		}
		s.Workload.Name = fmt.Sprintf("shop-%02d", i)
		secs = append(secs, Section{Who: "deployment/" + s.Workload.Name, Snap: s})
	}
	for _, size := range [][2]int{{80, 24}, {80, 11}, {40, 12}, {20, 10}} {
		got := diagnosedReleaseFrame(secs, 9, size[0], size[1], mono)
		checkFrame(t, got, size[0], size[1], mono)
		last := -1
		for i := range secs {
			at := strings.Index(got, fmt.Sprintf("shop-%02d", i))
			if at < 0 {
				t.Errorf("%dx%d: shop-%02d is not on screen:\n%s", size[0], size[1], i, got)
				continue
			}
			if at < last {
				t.Errorf("%dx%d: shop-%02d is out of order:\n%s", size[0], size[1], i, got)
			}
			last = at
		}
	}
}

// Room goes to the failed workload first, then to those rolling.
func TestReleaseFrameGivesRoomToTheBusiest(t *testing.T) {
	secs := mall()
	// At 80x12, one workload has its pods drawn: the failed one.
	got := diagnosedReleaseFrame(secs, 0, 80, 12, mono)
	if !strings.Contains(got, "ImagePullBackOff") {
		t.Errorf("the failed workload should be drawn first:\n%s", got)
	}
	if strings.Contains(got, "uniform:autumn-2024 · 3 pods left") {
		t.Errorf("a rolling workload got room before the failed one was drawn whole:\n%s", got)
	}
}

// A screen too short for every header scrolls to the selected workload.
func TestReleaseFrameScrollsToTheSelection(t *testing.T) {
	var secs []Section
	for i := range 30 {
		s := singlePod()
		s.Workload.Name = fmt.Sprintf("w%02d", i)
		s.Now = s.Now.Add(time.Duration(i))
		secs = append(secs, Section{Who: "deployment/" + s.Workload.Name, Snap: s})
	}
	got := diagnosedReleaseFrame(secs, 25, 60, 10, mono)
	if !strings.Contains(got, "▸ deployment/w25") || !strings.Contains(got, "more above") {
		t.Errorf("the selection should be on screen:\n%s", got)
	}
}
