package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	// Sizes are written as the plugin writes them, with go-humanize.
	"github.com/dustin/go-humanize"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

// manifestOf reads an image's manifest straight from the warehouse.
func manifestOf(t *testing.T, ref string) (*v1.Manifest, string) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	// The warehouse's key (hack/registry/warehouse-key.yaml) opens private/ too.
	img, err := remote.Image(r, remote.WithAuth(&authn.Basic{Username: "warehouse", Password: "mannequin-keeper"}))
	if err != nil {
		t.Fatalf("the warehouse does not hold %s: %v", ref, err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return m, d.String()
}

// TestHistoryLayersFromTheWarehouse: history --layers tells, for each
// revision, the layers the registry holds and what a node running the
// previous revision must pull, as the registry itself says.
func TestHistoryLayersFromTheWarehouse(t *testing.T) {
	ns := namespace(t)
	summerRef, winterRef := cluster.Registry+"/uniform:summer-2023", cluster.Registry+"/uniform:winter-2024"
	withHistory(t, ns, "tailored", summerRef, winterRef)
	summer, _ := manifestOf(t, summerRef)
	winter, winterDigest := manifestOf(t, winterRef)
	if len(winter.Layers) != 3 || winter.Layers[0].Digest != summer.Layers[0].Digest || winter.Layers[1].Digest != summer.Layers[1].Digest ||
		winter.Layers[2].Digest == summer.Layers[2].Digest {
		t.Fatalf("the warehouse's uniforms should share their base and runtime layers only: %+v / %+v", summer.Layers, winter.Layers)
	}
	ctx := ctxFor(t, time.Minute)

	r := env.Mannequin(ctx, "history", "deploy/tailored", "-n", ns, "--layers")
	if r.Code != 0 {
		t.Fatalf("history --layers: exit %d: %s", r.Code, r.Stderr)
	}
	total := layersSize(winter)
	for _, want := range []string{
		"rev 2 · uniform · " + winterRef,
		strings.TrimPrefix(winterDigest, "sha256:")[:12] + " · linux/amd64 · " + humanize.Bytes(uint64(total)) + " in 3 layers",
		"base: a slim Debian 12 root filesystem",
		"app: the winter-2024 uniform",
		"a node running rev 1 pulls " + humanize.Bytes(uint64(winter.Layers[2].Size)) + " (1 layer, 2 shared)",
		"rev 1 · uniform · " + summerRef,
		"a new node pulls",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("history --layers lacks %q:\n%s", want, r.Stdout)
		}
	}

	r = env.Mannequin(ctx, "history", "deploy/tailored", "-n", ns, "--layers", "-o", "json")
	var list struct {
		Items []struct {
			Revision int64 `json:"revision"`
			Images   []struct {
				Digest    string `json:"digest"`
				Size      int64  `json:"size"`
				PullBytes int64  `json:"pullBytes"`
				Replaces  int64  `json:"replaces"`
				Layers    []struct {
					Digest string `json:"digest"`
					Size   int64  `json:"size"`
					Shared bool   `json:"shared"`
				} `json:"layers"`
			} `json:"images"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil || len(list.Items) != 2 || len(list.Items[0].Images) != 1 {
		t.Fatalf("history --layers -o json: %v\n%s", err, r.Stdout)
	}
	got := list.Items[0].Images[0]
	if got.Digest != winterDigest || got.Size != total || got.PullBytes != winter.Layers[2].Size || got.Replaces != 1 || len(got.Layers) != 3 {
		t.Errorf("rev 2's image in -o json: %+v, want digest %s, size %d, pull %d", got, winterDigest, total, winter.Layers[2].Size)
	}
	for i, l := range got.Layers {
		if l.Digest != winter.Layers[i].Digest.String() || l.Size != winter.Layers[i].Size || l.Shared != (i < 2) {
			t.Errorf("layer %d: %+v, the registry has %s of %d bytes", i, l, winter.Layers[i].Digest, winter.Layers[i].Size)
		}
	}

	// The interactive history: l shows the selected revision's layers.
	term, err := env.StartTerminal(ctx, 140, 40, "mannequin", "history", "deploy/tailored", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "2 (current)") && contains(s, "l layers") }); err != nil {
		t.Fatalf("no history view listing the l key: %v\n%s", err, shown(term.Screen()))
	}
	_ = term.Send("l")
	if s, err := term.WaitForScreen(15*time.Second, func(s []string) bool {
		return contains(s, "a node running rev 1 pulls "+humanize.Bytes(uint64(winter.Layers[2].Size)))
	}); err != nil {
		t.Fatalf("l did not show rev 2's layers: %v\n%s", err, shown(s))
	}
	_ = term.Send("x") // back to the list
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Errorf("q: exit %d %v", code, err)
	}
}

// registryRequests is how many distribution API requests the warehouse
// has served the plugin so far (by User-Agent: the puller pulls too).
func registryRequests(t *testing.T) int {
	t.Helper()
	resp, err := http.Get("http://" + cluster.Registry + "/_warehouse/requests?agent=kubectl-mannequin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("warehouse request count %q: %v", b, err)
	}
	return n
}

// TestWatchShelfSaysWhatNodesPull: during a rollout between two images of
// the warehouse, the new shelf says what a node running the old revision
// pulls, as the registry holds it; --registry=off asks the registry nothing.
func TestWatchShelfSaysWhatNodesPull(t *testing.T) {
	ns := namespace(t)
	summerRef, winterRef := cluster.Registry+"/uniform:summer-2023", cluster.Registry+"/uniform:winter-2024"
	createDeployment(t, ns, deployment("shipped", deployOpts{replicas: 4, image: summerRef, readyDelay: "2s", maxSurge: 1}))
	waitRolledOut(t, ns, "shipped", 90*time.Second)
	ctx := ctxFor(t, 3*time.Minute)

	// Off: the whole rollout watched without one registry request.
	before := registryRequests(t)
	setImage(t, ns, "shipped", winterRef)
	r := env.Mannequin(ctx, "watch", "deploy/shipped", "-n", ns, "--until-done", "--registry=off")
	if r.Code != 0 {
		t.Fatalf("--registry=off: exit %d %s", r.Code, r.Stderr)
	}
	term, err := env.StartTerminal(ctx, 160, 40, "mannequin", "watch", "deploy/shipped", "-n", ns, "--registry=off")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "successfully rolled out") }); err != nil {
		t.Fatalf("no view: %v", err)
	}
	time.Sleep(2 * time.Second)
	if contains(term.Screen(), "pull ") {
		t.Errorf("--registry=off still showed a pull size:\n%s", shown(term.Screen()))
	}
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)
	term.Close()
	if after := registryRequests(t); after != before {
		t.Errorf("--registry=off: the registry served %d requests during the watch", after-before)
	}

	// On (the default): back to summer, watched live.
	setImage(t, ns, "shipped", summerRef)
	term, err = env.StartTerminal(ctx, 160, 40, "mannequin", "watch", "deploy/shipped", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	summer, _ := manifestOf(t, summerRef)
	want := "pull " + humanize.Bytes(uint64(summer.Layers[2].Size)) + " new (linux/amd64), 2 layers shared"
	if s, err := term.WaitForScreen(30*time.Second, func(s []string) bool { return contains(s, want) }); err != nil {
		t.Fatalf("the new shelf never said %q: %v\n%s", want, err, shown(s))
	}
	if registryRequests(t) == before {
		t.Errorf("the view showed a pull size without asking the registry")
	}
	_ = term.Send("q")
	if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
		t.Errorf("q: exit %d %v", code, err)
	}
}

// pushOwn pushes an image of its own (a random layer) as
// REGISTRY/uniform:tag and returns its reference and digest.
func pushOwn(t *testing.T, tag string) (string, string) {
	t.Helper()
	img := ownImage(t, "amd64", false)
	return pushAs(t, tag, func(r name.Reference) error { return remote.Write(r, img) }, img.Digest)
}

// TestUndoToADeletedImageWarns: the old image was deleted from the
// registry since; the undo's question warns, and undo without a terminal
// refuses unless --force.
func TestUndoToADeletedImageWarns(t *testing.T) {
	ns := namespace(t)
	gone, digest := pushOwn(t, "gone-"+ns)
	withHistory(t, ns, "forgetful", gone, cluster.Registry+"/uniform:winter-2024")
	// The tag, then the manifest: gone as from a registry's garbage
	// collection (go-containerregistry's keeps a tag's own entry).
	for _, ref := range []string{gone, cluster.Registry + "/uniform@" + digest} {
		r, err := name.ParseReference(ref)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Delete(r); err != nil {
			t.Fatalf("delete %s from the registry: %v", ref, err)
		}
	}
	ctx := ctxFor(t, 2*time.Minute)

	term, err := env.StartTerminal(ctx, 200, 40, "mannequin", "watch", "deploy/forgetful", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "successfully rolled out") }); err != nil {
		t.Fatalf("no view: %v", err)
	}
	_ = term.Send("u")
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool {
		return contains(s, "WARNING: 1 image gone from the registry, pods would not start") && contains(s, "[y/N]")
	}); err != nil {
		t.Fatalf("the undo question should warn that the image is gone: %v\n%s", err, shown(s))
	}
	answer(term, "n")
	if _, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "cancelled") }); err != nil {
		t.Fatalf("n did not cancel: %v", err)
	}
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)

	before := getDeployment(t, ns, "forgetful").Generation
	u := env.Mannequin(ctx, "undo", "deploy/forgetful", "-n", ns, "--yes")
	if u.Code != 1 || !strings.Contains(u.Stderr, "not in the registry any more (not found)") || !strings.Contains(u.Stderr, "--force") {
		t.Fatalf("undo --yes to a deleted image: exit %d, %q", u.Code, u.Stderr)
	}
	if g := getDeployment(t, ns, "forgetful").Generation; g != before {
		t.Fatalf("the refused undo changed the deployment (generation %d → %d)", before, g)
	}
	u = env.Mannequin(ctx, "undo", "deploy/forgetful", "-n", ns, "--yes", "--force")
	if u.Code != 0 || getDeployment(t, ns, "forgetful").Spec.Template.Spec.Containers[0].Image != gone {
		t.Fatalf("undo --yes --force: exit %d, %q", u.Code, u.Stderr)
	}
}

// TestUndoToARepushedTagSaysBothDigests: a new revision fails while the
// old pods still serve, and the old tag has been pushed again since they
// pulled it. The undo's question, in the view and in a log, says both
// digests and that the undo would pull the new one; it does not refuse.
func TestUndoToARepushedTagSaysBothDigests(t *testing.T) {
	ns := namespace(t)
	ref, first := pushOwn(t, "again-"+ns)
	createDeployment(t, ns, deployment("again", deployOpts{replicas: 2, image: ref, maxSurge: 1}))
	waitRolledOut(t, ns, "again", 60*time.Second)
	setImage(t, ns, "again", cluster.Registry+"/uniform:never-pushed-"+ns)
	podOf(t, ns, "again", waiting("ImagePullBackOff"))
	_, second := pushOwn(t, "again-"+ns)
	if first == second {
		t.Fatal("the second push made the same image")
	}
	want := "the tag was pushed again: its pods ran " + first[:19] + ", undo would pull " + second[:19]
	ctx := ctxFor(t, 2*time.Minute)

	term, err := env.StartTerminal(ctx, 200, 40, "mannequin", "watch", "deploy/again", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "ImagePullBackOff") }); err != nil {
		t.Fatalf("no view: %v", err)
	}
	_ = term.Send("u")
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool {
		return contains(s, "[y/N]")
	}); err != nil || !strings.Contains(strings.Join(strings.Fields(strings.Join(s, " ")), " "), want) {
		t.Fatalf("the undo question should say both digests (%q): %v\n%s", want, err, shown(s))
	}
	answer(term, "n")
	if _, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "cancelled") }); err != nil {
		t.Fatalf("n did not cancel: %v", err)
	}
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)

	u := env.Mannequin(ctx, "undo", "deploy/again", "-n", ns, "--yes")
	if u.Code != 0 || !strings.Contains(u.Stderr, "registry: WARNING: "+want) {
		t.Fatalf("undo --yes to a re-pushed tag should warn and roll back: exit %d, %q", u.Code, u.Stderr)
	}
	if img := getDeployment(t, ns, "again").Spec.Template.Spec.Containers[0].Image; img != ref {
		t.Fatalf("after the undo the template runs %s, want %s", img, ref)
	}
}

// podOf waits for a pod of the Deployment app whose first container
// status satisfies ok, and returns it.
func podOf(t *testing.T, ns, app string, ok func(corev1.ContainerStatus) bool) corev1.Pod {
	t.Helper()
	var found corev1.Pod
	err := framework.Eventually(60*time.Second, func() (bool, error) {
		pods, err := cluster.Client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=" + app})
		if err != nil {
			return false, err
		}
		for _, p := range pods.Items {
			if len(p.Status.ContainerStatuses) > 0 && ok(p.Status.ContainerStatuses[0]) {
				found = p
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("no pod of %s as expected: %v", app, err)
	}
	return found
}

func waiting(reason string) func(corev1.ContainerStatus) bool {
	return func(s corev1.ContainerStatus) bool { return s.State.Waiting != nil && s.State.Waiting.Reason == reason }
}

// TestPodsPullFromTheWarehouse: the kwok nodes pull the warehouse's images
// as a kubelet would. A pod runs the registry's digest; a tag that does not
// exist fails with the registry's "not found"; the private part refuses a
// pod without the key and opens with warehouse-key.
func TestPodsPullFromTheWarehouse(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 3*time.Minute)
	ref := cluster.Registry + "/uniform:summer-2023"
	createDeployment(t, ns, deployment("pulled", deployOpts{replicas: 1, image: ref, maxSurge: 1}))
	waitRolledOut(t, ns, "pulled", 60*time.Second)
	_, digest := manifestOf(t, ref)
	p := podOf(t, ns, "pulled", func(s corev1.ContainerStatus) bool { return s.Ready })
	if want := cluster.Registry + "/uniform@" + digest; p.Status.ContainerStatuses[0].ImageID != want {
		t.Errorf("imageID %q, want the registry's digest %q", p.Status.ContainerStatuses[0].ImageID, want)
	}

	missing := cluster.Registry + "/uniform:never-made"
	createDeployment(t, ns, deployment("unmade", deployOpts{replicas: 1, image: missing, maxSurge: 1}))
	p = podOf(t, ns, "unmade", waiting("ImagePullBackOff"))
	if msg := p.Status.ContainerStatuses[0].State.Waiting.Message; !strings.Contains(msg, missing+": not found") {
		t.Errorf("a tag the registry does not have: %q", msg)
	}
	r := env.Mannequin(ctx, "watch", "deploy/unmade", "-n", ns, "--until-done", "--timeout", "5s")
	if r.Code != 3 || !strings.Contains(r.Stdout, "ImagePullBackOff") {
		t.Errorf("the watch should say the pull fails: exit %d\n%s", r.Code, r.Stdout)
	}

	private := cluster.Registry + "/private/uniform:winter-2024"
	createDeployment(t, ns, deployment("locked", deployOpts{replicas: 1, image: private, maxSurge: 1}))
	p = podOf(t, ns, "locked", waiting("ImagePullBackOff"))
	if msg := p.Status.ContainerStatuses[0].State.Waiting.Message; !strings.Contains(msg, "401 Unauthorized") {
		t.Errorf("the private part without a key: %q", msg)
	}
	if k := env.Kubectl(ctx, "apply", "-n", ns, "-f", filepath.Join(cluster.Root, "hack", "registry", "warehouse-key.yaml")); k.Code != 0 {
		t.Fatalf("apply the warehouse's key: %s", k.Stderr)
	}
	d := deployment("keyed", deployOpts{replicas: 1, image: private, maxSurge: 1})
	d.Spec.Template.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "warehouse-key"}}
	createDeployment(t, ns, d)
	waitRolledOut(t, ns, "keyed", 60*time.Second)
	_, digest = manifestOf(t, private)
	p = podOf(t, ns, "keyed", func(s corev1.ContainerStatus) bool { return s.Ready })
	if want := cluster.Registry + "/private/uniform@" + digest; p.Status.ContainerStatuses[0].ImageID != want {
		t.Errorf("with the key: imageID %q, want %q", p.Status.ContainerStatuses[0].ImageID, want)
	}
}

// TestRepushedTagIsSaidFromTheRegistry: the tag the pods run was pushed
// again since; the view says so from the registry's own digest, although
// every pod agrees with the others.
func TestRepushedTagIsSaidFromTheRegistry(t *testing.T) {
	ns := namespace(t)
	ref, first := pushOwn(t, "repush-"+ns)
	createDeployment(t, ns, deployment("repushed", deployOpts{replicas: 2, image: ref, maxSurge: 1}))
	waitRolledOut(t, ns, "repushed", 60*time.Second)
	_, second := pushOwn(t, "repush-"+ns)
	if first == second {
		t.Fatal("the second push made the same image")
	}
	r := env.Mannequin(ctxFor(t, time.Minute), "watch", "deploy/repushed", "-n", ns, "--plain", "--timeout", "8s")
	want := "the registry's " + ref + " now names " + second[:19] + ", but pods of rev 1 run " + first[:19]
	if r.Code != 3 || !strings.Contains(r.Stdout, want) {
		t.Errorf("want the re-pushed tag said from the registry (%q): exit %d\n%s", want, r.Code, r.Stdout)
	}
	if strings.Count(r.Stdout, "pushed again") != 1 {
		t.Errorf("a finding is said once in a log:\n%s", r.Stdout)
	}
}

// TestPullSecretsAreTried: with --registry-auth=pull-secrets, a pod refused
// by the warehouse is told which of its pull Secrets the registry refuses,
// or which opens it by now; the credentials never reach the output.
func TestPullSecretsAreTried(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 3*time.Minute)
	private := cluster.Registry + "/private/uniform:winter-2024"
	const wrong = "not-the-keepers-password"
	cfg, _ := json.Marshal(map[string]any{"auths": map[string]any{cluster.Registry: map[string]string{"username": "warehouse", "password": wrong}}})
	if _, err := cluster.Client.CoreV1().Secrets(ns).Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "wrong-key"}, Type: corev1.SecretTypeDockerConfigJson,
		Data: map[string][]byte{corev1.DockerConfigJsonKey: cfg},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	keyed := func(app, secret string) {
		d := deployment(app, deployOpts{replicas: 1, image: private, maxSurge: 1})
		d.Spec.Template.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: secret}}
		createDeployment(t, ns, d)
		podOf(t, ns, app, waiting("ImagePullBackOff"))
	}
	watch := func(app string, extra ...string) string {
		t.Helper()
		r := env.Mannequin(ctx, append([]string{"watch", "deploy/" + app, "-n", ns, "--plain", "--timeout", "8s"}, extra...)...)
		if r.Code != 3 {
			t.Fatalf("watch %s: exit %d %s", app, r.Code, r.Stderr)
		}
		for _, secret := range []string{wrong, "mannequin-keeper"} {
			if strings.Contains(r.Stdout+r.Stderr, secret) {
				t.Fatalf("a credential reached the output:\n%s", r.Stdout)
			}
		}
		return r.Stdout
	}

	keyed("refused", "wrong-key")
	if out := watch("refused", "--registry-auth=pull-secrets"); !strings.Contains(out, "Secret wrong-key is refused by "+cluster.Registry+" (unauthorized)") {
		t.Errorf("the refused Secret should be named:\n%s", out)
	}

	// The pod tried before its Secret existed.
	keyed("early", "warehouse-key")
	if k := env.Kubectl(ctx, "apply", "-n", ns, "-f", filepath.Join(cluster.Root, "hack", "registry", "warehouse-key.yaml")); k.Code != 0 {
		t.Fatalf("apply the warehouse's key: %s", k.Stderr)
	}
	if out := watch("early"); strings.Contains(out, "opens "+cluster.Registry) {
		t.Errorf("without --registry-auth no Secret is read, so none can be said to open the registry:\n%s", out)
	}
	if out := watch("early", "--registry-auth=pull-secrets"); !strings.Contains(out, "Secret warehouse-key opens "+cluster.Registry+" now: the pod tried before the Secret worked; restart it") {
		t.Errorf("the Secret that works by now should be named, with the restart:\n%s", out)
	}
}

// TestABadRegistryNeverFreezesTheView: a registry that hangs, or answers
// 500, neither delays the first frame nor stops the view following a
// rollout, and the undo question still comes, saying the images could not
// be checked.
func TestABadRegistryNeverFreezesTheView(t *testing.T) {
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"hangs", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }},
		{"answers 500", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "the warehouse is on fire", http.StatusInternalServerError)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			t.Cleanup(srv.Close)
			host := strings.TrimPrefix(srv.URL, "http://")
			ns := namespace(t)
			withHistory(t, ns, "stalled", host+"/uniform:summer-2023", host+"/uniform:winter-2024")
			ctx := ctxFor(t, 2*time.Minute)
			start := time.Now()
			term, err := env.StartTerminal(ctx, 200, 40, "mannequin", "watch", "deploy/stalled", "-n", ns)
			if err != nil {
				t.Fatal(err)
			}
			defer term.Close()
			if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "successfully rolled out") }); err != nil {
				t.Fatalf("no view: %v", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("first frame after %s with a registry that %s", took, c.name)
			}
			// The view follows a rollout while the registry is still asked.
			setImage(t, ns, "stalled", host+"/uniform:autumn-2024")
			if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "rev 3 (new)") }); err != nil {
				t.Fatalf("the view stopped following the cluster: %v\n%s", err, shown(s))
			}
			waitRolledOut(t, ns, "stalled", time.Minute)
			pressed := time.Now()
			_ = term.Send("u")
			if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return asked(s, "1 image not checked, registry unreachable)") }); err != nil {
				t.Fatalf("no undo question saying the image was not checked: %v\n%s", err, shown(s))
			}
			if took := time.Since(pressed); took > 5*time.Second {
				t.Errorf("the undo question took %s", took)
			}
			answer(term, "n")
			// Keys that arrive in one read never answer: wait for the
			// answer to be taken before the next key.
			if _, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "cancelled") }); err != nil {
				t.Fatalf("n did not cancel: %v", err)
			}
			_ = term.Send("q")
			if code, err := term.Wait(10 * time.Second); err != nil || code != 0 {
				t.Errorf("q: exit %d %v", code, err)
			}
		})
	}
}

// TestServiceAccountPullSecretsAreSaid: a pod refused by the warehouse that
// names no pull Secret is told what its ServiceAccount lists: none, or one
// added after the pod was created (which never reached it).
func TestServiceAccountPullSecretsAreSaid(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 3*time.Minute)
	createDeployment(t, ns, deployment("keyless", deployOpts{replicas: 1, image: cluster.Registry + "/private/uniform:winter-2024", maxSurge: 1}))
	podOf(t, ns, "keyless", waiting("ImagePullBackOff"))
	watch := func() string {
		t.Helper()
		r := env.Mannequin(ctx, "watch", "deploy/keyless", "-n", ns, "--plain", "--timeout", "8s")
		if r.Code != 3 {
			t.Fatalf("watch: exit %d %s", r.Code, r.Stderr)
		}
		return r.Stdout
	}
	if out := watch(); !strings.Contains(out, "no pull Secret named, and ServiceAccount default has none") {
		t.Errorf("the ServiceAccount without pull Secrets should be said:\n%s", out)
	}
	if k := env.Kubectl(ctx, "apply", "-n", ns, "-f", filepath.Join(cluster.Root, "hack", "registry", "warehouse-key.yaml")); k.Code != 0 {
		t.Fatalf("apply the warehouse's key: %s", k.Stderr)
	}
	if k := env.Kubectl(ctx, "patch", "serviceaccount", "default", "-n", ns, "-p", `{"imagePullSecrets":[{"name":"warehouse-key"}]}`); k.Code != 0 {
		t.Fatalf("patch the ServiceAccount: %s", k.Stderr)
	}
	if out := watch(); !strings.Contains(out, "ServiceAccount default lists pull Secret warehouse-key, but the pod was created before: restart it") {
		t.Errorf("the ServiceAccount's Secret that never reached the pod should be said:\n%s", out)
	}
}

// layersSize is what a node that has none of an image's layers pulls.
func layersSize(m *v1.Manifest) int64 {
	var total int64
	for _, l := range m.Layers {
		total += l.Size
	}
	return total
}
