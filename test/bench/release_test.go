package main

import (
	"strings"
	"testing"
	"time"
)

func TestResourceOf(t *testing.T) {
	for path, want := range map[string]string{
		"/api/v1/namespaces/bench-crowd/pods":                    "pods",
		"/api/v1/namespaces/bench-crowd/pods/shop-00-abc":        "pods",
		"/apis/apps/v1/namespaces/bench-crowd/replicasets":       "replicasets",
		"/apis/apps/v1/namespaces/bench-crowd/deployments/shop0": "deployments",
		"/api/v1/namespaces":                                     "namespaces",
		"/apis":                                                  "/apis",
	} {
		if got := resourceOf(path); got != want {
			t.Errorf("resourceOf(%q) = %q, want %q", path, got, want)
		}
	}
}

// A missed target is a ❌ in its row, each row judged against its own floor.
func TestReleaseRowsJudgeEachTarget(t *testing.T) {
	d := func(ms ...int) []time.Duration {
		var out []time.Duration
		for _, m := range ms {
			out = append(out, time.Duration(m)*time.Millisecond)
		}
		return out
	}
	watches := func(n int) []apiRequest {
		out := make([]apiRequest, n)
		for i := range out {
			out[i] = apiRequest{verb: "watch", path: "/api/v1/namespaces/bench-crowd/pods"}
		}
		return out
	}
	r := &results{release: releaseResult{
		members: 50, pods: 4, others: 1010, delay: 50 * time.Millisecond,
		release: d(300, 310, 320), single: d(200, 210, 220), // ×1.48: met
		farGet: d(200), farSingle: d(260), farRelease: d(400), // single met, release missed
		idleMany: idleCount{window: 10 * time.Second, idle: watches(200)},
		idleOne:  idleCount{window: 10 * time.Second, idle: watches(4)},
		changes:  2, plugin: d(10, 20), floor: d(10, 15),
		roll: memoryResult{pods: 200, peak: 81e6},
	}}
	out := r.markdown()
	for _, want := range []string{
		"| time to first frame, release of 50 Deployments × 4 pods (`watch -l app.kubernetes.io/instance=mall`, median of 3) | 310 ms: ×1.48",
		"`watch deploy/shop-00` 260 ms: get +60 ms",
		"`watch -l …` 400 ms: one Deployment +140 ms",
		"release of 50: 200 (watch ×200); release of 1: 4 (watch ×4)",
		"watch pods ×200",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	verdicts := map[string]string{
		"| time to first frame, release of":              "✅",
		"| time to first frame, cluster 50 ms away, one": "✅",
		"| time to first frame, cluster 50 ms away, rel": "❌",
		"| API requests while idle, release view":        "❌",
		"| change → screen latency, release of":          "✅",
		"| resident memory, peak (VmHWM), release":       "❌",
	}
	for _, line := range strings.Split(out, "\n") {
		for prefix, want := range verdicts {
			if strings.HasPrefix(line, prefix) {
				if !strings.HasSuffix(line, want+" met |") && !strings.HasSuffix(line, want+" missed |") {
					t.Errorf("want %s in %s", want, line)
				}
				delete(verdicts, prefix)
			}
		}
	}
	for prefix := range verdicts {
		t.Errorf("no row %q", prefix)
	}
}

func TestOnlyAddsTheCrowd(t *testing.T) {
	chosen, render, err := selectSteps("release")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range chosen {
		keys = append(keys, s.key)
	}
	if render || strings.Join(keys, ",") != "crowd,release" {
		t.Errorf("-only release runs %v (render %v), want crowd,release", keys, render)
	}
	if _, _, err := selectSteps("relase"); err == nil {
		t.Error("a misspelt figure was accepted")
	}
}
