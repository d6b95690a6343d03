package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// The release of issue 17: releaseSize Deployments of releasePods pods
// each, labelled as one Helm release is, in the crowded namespace (so that
// finding them and their pods by label costs what it costs among
// cfg.Fillers other pods).
const (
	releaseLabel = "app.kubernetes.io/instance"
	releaseName  = "mall"
	releaseSize  = 50
	releasePods  = 4
	// distantDelay is what the delaying proxy adds to every response.
	distantDelay = 50 * time.Millisecond
	// releaseFrameTimeout bounds a release view's first frame. It is
	// generous on purpose: a slow first frame is a figure to report (❌),
	// not a reason for the harness to give up.
	releaseFrameTimeout = 3 * time.Minute
)

const releaseSelector = releaseLabel + "=" + releaseName

// shop names the release's i-th Deployment.
func shop(i int) string { return fmt.Sprintf("shop-%02d", i) }

// singleShop is the member watched alone, for the single-workload figures
// the release's are set against: same size, same namespace.
var singleShop = shop(0)

// releaseMember is one Deployment of the release: the release's label on
// the Deployment (what -l finds) and on its pods, its own app label as the
// selector, so that each member's pods are its own.
func releaseMember(name string) *appsv1.Deployment {
	d := deployment(name, releasePods, "uniform:summer-2023", "")
	d.Labels = map[string]string{"app": name, releaseLabel: releaseName}
	// deployment() shares one map between the selector and the template:
	// the template gets its own, or the selector would take the release
	// label too.
	d.Spec.Template.Labels = map[string]string{"app": name, releaseLabel: releaseName}
	return d
}

type releaseResult struct {
	members, pods int // Deployments, and pods of each
	others        int // other pods in the namespace

	// First frame in the crowded namespace: the release view, and one of
	// its members watched alone, interleaved.
	release, single []time.Duration

	// First frame through a proxy that delays every response by delay:
	// `kubectl get deploy`, and the plugin binary on one member and on the
	// release.
	delay                         time.Duration
	farGet, farSingle, farRelease []time.Duration

	// API requests while idle: the release of releaseSize, and a release
	// of one member (-l selecting it alone), side by side.
	idleMany, idleOne idleCount

	// Change → line: one pod of a member becoming ready, on the release's
	// --plain log and on `kubectl get pods -w` for the release's pods.
	changes       int
	plugin, floor []time.Duration

	// Every member rolled at once, watched in a pseudo-terminal.
	roll memoryResult
}

// measureRelease takes the figures of issue 17 on a release of
// releaseSize Deployments. The rolling update comes last: it changes the
// members, which every other figure wants at rest.
func measureRelease(ctx context.Context, b *bench, cfg config, res *results) error {
	r := &res.release
	r.members, r.pods, r.delay = releaseSize, releasePods, distantDelay
	start := time.Now()
	for i := range releaseSize {
		if err := b.createDeployment(ctx, crowdNS, releaseMember(shop(i))); err != nil {
			return err
		}
	}
	if err := b.waitReleaseRolledOut(ctx, cfg.RolloutTimeout); err != nil {
		return err
	}
	logf("%d Deployments × %d pods of release %s ready after %s", releaseSize, releasePods, releaseName, time.Since(start).Round(100*time.Millisecond))
	// Whatever else the namespace holds by now (fillers, squad, the memory
	// figure's horde) is the crowd the release is found in.
	others, err := b.client.CoreV1().Pods(crowdNS).List(ctx, metav1.ListOptions{LabelSelector: "!" + releaseLabel, ResourceVersion: "0"})
	if err != nil {
		return fmt.Errorf("count the pods around the release: %w", err)
	}
	r.others = len(others.Items)

	for _, s := range []struct {
		name string
		do   func(context.Context, *bench, config, *releaseResult) error
	}{
		{"first frames", releaseFirstFrames},
		{"first frames 50 ms away", releaseDistant},
		{"idle requests", releaseIdle},
		{"latency", releaseLatency},
		{"rolling update", releaseRollout},
	} {
		t := time.Now()
		if err := s.do(ctx, b, cfg, r); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		logf("release: %s done in %s", s.name, time.Since(t).Round(100*time.Millisecond))
	}
	return nil
}

// waitReleaseRolledOut waits until every member's latest generation is
// rolled out, with one list per poll rather than a get per member.
func (b *bench) waitReleaseRolledOut(ctx context.Context, timeout time.Duration) error {
	return poll(ctx, timeout, fmt.Sprintf("the %d Deployments of release %s rolled out", releaseSize, releaseName), func() (bool, error) {
		l, err := b.client.AppsV1().Deployments(crowdNS).List(ctx, metav1.ListOptions{LabelSelector: releaseSelector})
		if err != nil {
			return false, nil
		}
		done := 0
		for i := range l.Items {
			d := &l.Items[i]
			want, st := *d.Spec.Replicas, d.Status
			if st.ObservedGeneration >= d.Generation && st.UpdatedReplicas == want && st.Replicas == want && st.AvailableReplicas == want {
				done++
			}
		}
		return done == releaseSize, nil
	})
}

// releaseFirstFrames times `kubectl mannequin watch -l …` on the whole
// release against `kubectl mannequin watch deploy/shop-00`, interleaved,
// for cfg.ReleaseReps rounds or as many as cfg.ReleaseBudget allows.
// No round is a warm-up: kubectl's discovery cache, the one thing a first
// run pays for, is filled beforehand by a `kubectl get` of the release.
func releaseFirstFrames(ctx context.Context, b *bench, cfg config, r *releaseResult) error {
	if _, err := b.firstLine(ctx, singleShop+" ", "kubectl", "-n", crowdNS, "get", "deploy", "-l", releaseSelector); err != nil {
		return fmt.Errorf("warm the discovery cache: %w", err)
	}
	for began := time.Now(); len(r.release) < cfg.ReleaseReps && (len(r.release) == 0 || time.Since(began) < cfg.ReleaseBudget); {
		rel, err := firstFrameIn(ctx, b.env, releaseFrameTimeout, "kubectl", "mannequin", "-n", crowdNS, "watch", "-l", releaseSelector)
		if err != nil {
			return fmt.Errorf("release view: %w", err)
		}
		one, err := b.firstFrame(ctx, "kubectl", "mannequin", "-n", crowdNS, "watch", "deploy/"+singleShop)
		if err != nil {
			return fmt.Errorf("single-workload view: %w", err)
		}
		r.release, r.single = append(r.release, rel), append(r.single, one)
	}
	return nil
}

// releaseDistant times the first frames through a proxy that holds every
// request distantDelay: the plugin binary on one member and on the whole
// release, against `kubectl get deploy` of that member, interleaved. The
// plugin runs without kubectl in front so that the figures count round
// trips and the plugin's own start, not kubectl's hand-over (measured on
// its own as `kubectl version --client`). Rounds as releaseFirstFrames.
func releaseDistant(ctx context.Context, b *bench, cfg config, r *releaseResult) error {
	proxy, err := startDelayingProxy(b.restCfg, distantDelay)
	if err != nil {
		return err
	}
	defer proxy.close()
	kubeconfig, err := proxy.kubeconfig(b.tmp)
	if err != nil {
		return err
	}
	env := b.env
	env.Kubeconfig = kubeconfig
	// kubectl keys its discovery cache by the apiserver's host and port:
	// the proxy is a new one.
	if _, err := firstLineIn(ctx, env, singleShop+" ", "kubectl", "-n", crowdNS, "get", "deploy", "-l", releaseSelector); err != nil {
		return fmt.Errorf("warm the discovery cache through the proxy: %w", err)
	}
	for began := time.Now(); len(r.farGet) < cfg.ReleaseReps && (len(r.farGet) == 0 || time.Since(began) < cfg.ReleaseBudget); {
		get, err := firstLineIn(ctx, env, singleShop+" ", "kubectl", "-n", crowdNS, "get", "deploy", singleShop)
		if err != nil {
			return err
		}
		one, err := firstFrameIn(ctx, env, time.Minute, b.plugin, "-n", crowdNS, "watch", "deploy/"+singleShop)
		if err != nil {
			return fmt.Errorf("single-workload view: %w", err)
		}
		rel, err := firstFrameIn(ctx, env, releaseFrameTimeout, b.plugin, "-n", crowdNS, "watch", "-l", releaseSelector)
		if err != nil {
			return fmt.Errorf("release view: %w", err)
		}
		r.farGet, r.farSingle, r.farRelease = append(r.farGet, get), append(r.farSingle, one), append(r.farRelease, rel)
	}
	return nil
}

// releaseIdle counts the requests of the release view while nothing
// changes, for the whole release and for a release of one member, at the
// same time (each through its own proxy): what the views send while idle
// must be watches, and as many for fifty workloads as for one.
func releaseIdle(ctx context.Context, b *bench, cfg config, r *releaseResult) error {
	var (
		wg         sync.WaitGroup
		errMany    error
		errOne     error
		oneMember  = releaseSelector + ",app=" + singleShop
		watchWhole = []string{"-n", crowdNS, "watch", "-l", releaseSelector}
		watchOne   = []string{"-n", crowdNS, "watch", "-l", oneMember}
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		r.idleMany, errMany = b.countWhileIdle(ctx, cfg.Idle, releaseFrameTimeout, watchWhole...)
	}()
	go func() {
		defer wg.Done()
		r.idleOne, errOne = b.countWhileIdle(ctx, cfg.Idle, releaseFrameTimeout, watchOne...)
	}()
	wg.Wait()
	if errMany != nil {
		errMany = fmt.Errorf("release of %d: %w", releaseSize, errMany)
	}
	if errOne != nil {
		errOne = fmt.Errorf("release of 1 (-l %s): %w", oneMember, errOne)
	}
	return errors.Join(errMany, errOne)
}

// latencyMembers are the members one of whose pods the latency figure
// flips: spread over the release, so that no member is favoured by its
// place in the list.
var latencyMembers = []int{7, 21, 35, 49}

// releaseLatency makes one pod of a member unready, then ready again, and
// times the ready write to the matching line of the release's --plain log
// ("deployment/shop-07 rev 1: 4/4 ready") and of `kubectl get pods -w` on
// the release's pods (the floor), both running at once. The unready write
// only sets the stage and is not timed.
func releaseLatency(ctx context.Context, b *bench, cfg config, r *releaseResult) error {
	var pods []*corev1.Pod
	for _, i := range latencyMembers {
		p, err := b.heldPod(ctx, shop(i))
		if err != nil {
			return err
		}
		pods = append(pods, p)
	}
	plugin, err := startLines(b.env.Command(ctx, "kubectl", "mannequin", "-n", crowdNS, "watch", "-l", releaseSelector, "--plain"))
	if err != nil {
		return err
	}
	defer plugin.stop()
	floor, err := startLines(b.env.Command(ctx, "kubectl", "-n", crowdNS, "get", "pods", "-l", releaseSelector, "-w"))
	if err != nil {
		return err
	}
	defer floor.stop()
	// Both are ready once they have shown the state of every flipped pod.
	for k, i := range latencyMembers {
		if _, err := plugin.waitLine(ctx, 0, releaseFrameTimeout, fmt.Sprintf("the initial state of %s", shop(i)), memberTally(shop(i), releasePods)); err != nil {
			return err
		}
		if _, err := floor.waitLine(ctx, 0, 30*time.Second, "the pod list", func(s string) bool { return strings.HasPrefix(s, pods[k].Name+" ") }); err != nil {
			return err
		}
	}
	time.Sleep(time.Second) // let the Deployments' own status updates pass

	for i := range cfg.Changes {
		k := i % len(pods)
		name := shop(latencyMembers[k])
		for _, ready := range []bool{false, true} {
			want := releasePods - 1
			if ready {
				want = releasePods
			}
			fromPlugin, fromFloor := plugin.next(), floor.next()
			written, at, err := b.setReady(ctx, pods[k], ready)
			if err != nil {
				return err
			}
			pods[k] = written
			pl, err := plugin.waitLine(ctx, fromPlugin, 10*time.Second, fmt.Sprintf("deployment/%s %d/%d ready", name, want, releasePods), memberTally(name, want))
			if err != nil {
				return fmt.Errorf("change %d: %w", i+1, err)
			}
			fl, err := floor.waitLine(ctx, fromFloor, 10*time.Second, written.Name+" "+readyColumn(ready), podLine(written, ready))
			if err != nil {
				return fmt.Errorf("change %d: %w", i+1, err)
			}
			if ready {
				r.plugin = append(r.plugin, pl.at.Sub(at))
				r.floor = append(r.floor, fl.at.Sub(at))
			}
			// Spaced so that each change is timed alone, not as a queue.
			time.Sleep(150 * time.Millisecond)
		}
	}
	r.changes = cfg.Changes
	return nil
}

// heldPod returns a running, ready pod of the member, annotated so that
// kwok leaves its readiness to the harness: the members' pods are readied
// by kwok, which would otherwise make a pod the harness made unready ready
// again a second later, on its own clock.
func (b *bench) heldPod(ctx context.Context, name string) (*corev1.Pod, error) {
	pods, err := b.pods(ctx, crowdNS, name)
	if err != nil {
		return nil, err
	}
	for i := range pods {
		p := &pods[i]
		if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning {
			continue
		}
		patch := fmt.Sprintf(`{"metadata":{"annotations":{"pod-ready.stage.kwok.x-k8s.io/delay":%q}}}`, manualReady)
		held, err := b.client.CoreV1().Pods(crowdNS).Patch(ctx, p.Name, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
		if err != nil {
			return nil, fmt.Errorf("hold the readiness of pod %s: %w", p.Name, err)
		}
		return held, nil
	}
	return nil, fmt.Errorf("no running pod of %s/%s", crowdNS, name)
}

// memberTally matches a line of the release's log about the member that
// tallies want pods ready, e.g. "12:00:01 deployment/shop-07 rev 1: 3/4
// ready (-1)"; the workload may be followed by a colon.
func memberTally(name string, want int) func(string) bool {
	who := "deployment/" + name
	counted := readyTally(want)
	return func(s string) bool {
		f := strings.Fields(s)
		return len(f) > 2 && strings.TrimSuffix(f[1], ":") == who && counted(s)
	}
}

// releaseRollout watches the release in a 200×60 pseudo-terminal while
// every member rolls to a new image at once, and reads the plugin's peak
// resident memory once all are rolled out.
func releaseRollout(ctx context.Context, b *bench, cfg config, r *releaseResult) error {
	view, _, err := startScreen(b.env.Command(ctx, "kubectl", "mannequin", "-n", crowdNS, "watch", "-l", releaseSelector), 200, 60)
	if err != nil {
		return err
	}
	defer view.stop()
	if _, err := view.waitFirstFrame(ctx, releaseFrameTimeout); err != nil {
		return err
	}
	pid := view.pid()
	cpuBefore, err := cpuTime(pid)
	if err != nil {
		return err
	}
	rollStart := time.Now()
	errs := make(chan error, releaseSize)
	for i := range releaseSize {
		go func() { errs <- b.setImage(ctx, crowdNS, shop(i), "uniform:winter-2024") }()
	}
	var setErr error
	for range releaseSize {
		setErr = errors.Join(setErr, <-errs)
	}
	if setErr != nil {
		return fmt.Errorf("start the rolling updates: %w", setErr)
	}
	if err := b.waitReleaseRolledOut(ctx, cfg.RolloutTimeout); err != nil {
		return err
	}
	rolled := time.Since(rollStart)
	// The sectioned view's text is not pinned down here, so the end is not
	// read off the screen: the view hears of a change in tens of
	// milliseconds (the latency figures), and two seconds after the
	// cluster says every member is done it has heard all there was.
	time.Sleep(2 * time.Second)
	m := memoryResult{pods: releaseSize * releasePods, others: r.others, rollout: rolled, frames: len(view.framesBetween(rollStart, time.Now()))}
	if m.peak, err = peakRSS(pid); err != nil {
		return err
	}
	if m.anon, m.file, err = rssSplit(pid); err != nil {
		return err
	}
	cpuAfter, err := cpuTime(pid)
	if err != nil {
		return err
	}
	m.cpu = cpuAfter - cpuBefore
	r.roll = m
	return view.stop()
}
