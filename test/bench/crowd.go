package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The namespaces compared for time to first frame: each holds the same
// 10-pod Deployment; the crowded one also holds cfg.Fillers unrelated pods.
const (
	emptyNS = "bench-empty"
	crowdNS = "bench-crowd"
	squad   = "squad"
)

// fillCrowd prepares both namespaces and waits until the unrelated pods are
// all running and ready, so that kwok's work on them does not load the
// machine during the measurements that follow.
func fillCrowd(ctx context.Context, b *bench, cfg config, res *results) error {
	for _, ns := range []string{emptyNS, crowdNS} {
		if err := b.namespace(ctx, ns); err != nil {
			return err
		}
		if err := b.createDeployment(ctx, ns, deployment(squad, 10, "uniform:summer-2023", "")); err != nil {
			return err
		}
	}
	start := time.Now()
	if err := b.createFillers(ctx, crowdNS, cfg.Fillers); err != nil {
		return err
	}
	created := time.Since(start)
	if err := b.waitFillersReady(ctx, crowdNS, cfg.Fillers, cfg.FillerSettle); err != nil {
		return err
	}
	for _, ns := range []string{emptyNS, crowdNS} {
		if err := b.waitRolledOut(ctx, ns, squad, time.Minute); err != nil {
			return err
		}
	}
	res.crowd = crowdResult{pods: cfg.Fillers, created: created, ready: time.Since(start)}
	logf("%d unrelated pods created in %s, all ready after %s", cfg.Fillers, created.Round(100*time.Millisecond), res.crowd.ready.Round(100*time.Millisecond))
	return nil
}

// createFillers creates n bare pods bound straight to the fake nodes: no
// controller or scheduler in the way, so thousands take seconds, not minutes.
func (b *bench) createFillers(ctx context.Context, ns string, n int) error {
	const workers = 32
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				if _, err := b.client.CoreV1().Pods(ns).Create(ctx, filler(i), metav1.CreateOptions{}); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("create filler pod %d: %w", i, err)
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

func filler(i int) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:   fmt.Sprintf("filler-%05d", i),
			Labels: map[string]string{"app": fmt.Sprintf("filler-%d", i%10), "role": "filler"},
		},
		Spec: corev1.PodSpec{
			NodeName:   fmt.Sprintf("kwok-node-%d", i%3),
			Containers: []corev1.Container{{Name: "main", Image: "filler:1"}},
		},
	}
}

func (b *bench) waitFillersReady(ctx context.Context, ns string, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		// From the apiserver's watch cache: cheap enough to repeat.
		l, err := b.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "role=filler", ResourceVersion: "0"})
		if err != nil {
			return fmt.Errorf("list filler pods: %w", err)
		}
		ready := 0
		for i := range l.Items {
			for _, c := range l.Items[i].Status.Conditions {
				if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
					ready++
				}
			}
		}
		if ready >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d filler pods ready after %s", ready, n, timeout)
		}
		logf("filler pods: %d/%d ready", ready, n)
		select {
		case <-time.After(5 * time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
