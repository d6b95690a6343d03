package main

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"time"
)

// measureBurst makes every pod of a watched Deployment unready within one
// second and counts the frames the live view writes meanwhile: a burst of
// events must be coalesced, and the last frame must show the final state.
func measureBurst(ctx context.Context, b *bench, cfg config, res *results) error {
	const ns, name = "bench-burst", "crowd"
	n := cfg.BurstPods
	if err := b.namespace(ctx, ns); err != nil {
		return err
	}
	pods, err := b.readyDeployment(ctx, ns, name, n)
	if err != nil {
		return err
	}
	view, _, err := startScreen(b.env.Command(ctx, "kubectl", "mannequin", "-n", ns, "watch", "deploy/"+name), 160, 50)
	if err != nil {
		return err
	}
	defer view.stop()
	allReady := tallyOnScreen(n, n)
	if _, err := view.waitScreen(ctx, 30*time.Second, fmt.Sprintf("%d/%d ready", n, n), allReady); err != nil {
		return err
	}
	// Let the marks of pods that just became ready fade, so that only the
	// burst draws.
	time.Sleep(2 * time.Second)

	final := view.expect(tallyOnScreen(0, n))
	gap := time.Second / time.Duration(n)
	begin := time.Now()
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		lastWrite time.Time
		firstErr  error
	)
	for i, p := range pods {
		wg.Add(1)
		// Each write on its own schedule: a slow one must not delay the rest.
		time.AfterFunc(time.Duration(i)*gap, func() {
			defer wg.Done()
			_, _, err := b.setReady(ctx, p, false)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			if now := time.Now(); now.After(lastWrite) {
				lastWrite = now
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	shown, err := view.await(ctx, 10*time.Second, fmt.Sprintf("0/%d ready", n), final)
	if err != nil {
		return err
	}
	// The window closes a second after the last write: long enough for the
	// Deployment's own status updates, short enough to exclude most ticks.
	end := lastWrite.Add(time.Second)
	time.Sleep(time.Until(end))
	frames := view.framesBetween(begin, end)
	var gaps []time.Duration
	for i := 1; i < len(frames); i++ {
		gaps = append(gaps, frames[i].Sub(frames[i-1]))
	}
	res.burst = burstResult{
		pods:      n,
		frames:    len(frames),
		inBurst:   len(view.framesBetween(begin, lastWrite)),
		gap:       percentile(gaps, 50),
		spread:    lastWrite.Sub(begin),
		finalLag:  shown.Sub(lastWrite),
		lastRight: tallyOnScreen(0, n)(view.Screen()),
	}
	return nil
}

// tallyOnScreen matches a screen whose shelf shows ready/desired pods
// ready, e.g. "rev 1 (new) · uniform:summer-2023 · 0/100 ready".
func tallyOnScreen(ready, desired int) func(string) bool {
	re := regexp.MustCompile(fmt.Sprintf(`(^|[^0-9])%d/%d ready`, ready, desired))
	return re.MatchString
}
