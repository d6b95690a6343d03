package watcher

import (
	"context"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// The new revision's shelf learns what a node must pull without any
// snapshot waiting for the registry, and each image is asked about once.
func TestPullIsLearntInTheBackgroundOnce(t *testing.T) {
	base := registry.Layer{Digest: "sha256:base", Size: 4000}
	images := map[string]*registry.Image{
		"summer": {Layers: []registry.Layer{base, {Digest: "sha256:summer", Size: 300}}},
		"winter": {Layers: []registry.Layer{base, {Digest: "sha256:winter", Size: 420}}},
	}
	release := make(chan struct{})
	var mu sync.Mutex
	asked := map[string]int{}
	look := func(ctx context.Context, ref, _ string) (*registry.Image, error) {
		mu.Lock()
		asked[ref]++
		mu.Unlock()
		select {
		case <-release: // a slow registry
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return images[ref], nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	w := New(fake.NewClientset(rollout()...), workload.Deployment, "shop", "clerk-squad").WithImageLookup(look)
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s := w.Snapshot(time.Now(), time.Now())
	if took := time.Since(start); took > time.Second {
		t.Fatalf("a snapshot waited %s for the registry", took)
	}
	if cur := current(&s); cur == nil || cur.Pull != nil {
		t.Fatalf("before the registry answered: %+v", cur)
	}
	close(release)
	s = eventually(t, w, func(s *snapshot.Snapshot) bool { c := current(s); return c != nil && c.Pull != nil })
	if p := current(&s).Pull; *p != (snapshot.Pull{From: 1, Bytes: 420, Layers: 1, Shared: 1}) {
		t.Errorf("pull %+v, want 420 bytes in 1 layer, 1 shared, from rev 1", *p)
	}
	for i := 0; i < 5; i++ {
		w.wake()
		time.Sleep(30 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if asked["summer"] != 1 || asked["winter"] != 1 || len(asked) != 2 {
		t.Errorf("registry asked %v, want each image once", asked)
	}
}

func current(s *snapshot.Snapshot) *snapshot.Revision {
	for i := range s.Revisions {
		if s.Revisions[i].Current {
			return &s.Revisions[i]
		}
	}
	return nil
}
