package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dustin/go-humanize"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// ownImage is an image of its own, one random layer, built for platform
// arch (linux), as a Docker schema 2 manifest or, with oci, an OCI one.
func ownImage(t *testing.T, arch string, oci bool) v1.Image {
	t.Helper()
	img, layerType := empty.Image, types.DockerLayer
	if oci {
		img, layerType = mutate.ConfigMediaType(mutate.MediaType(img, types.OCIManifestSchema1), types.OCIConfigJSON), types.OCILayer
	}
	layer, err := random.Layer(1000, layerType)
	if err != nil {
		t.Fatal(err)
	}
	if img, err = mutate.AppendLayers(img, layer); err != nil {
		t.Fatal(err)
	}
	cfg, _ := img.ConfigFile()
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", arch
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		t.Fatal(err)
	}
	return img
}

// pushAs pushes what write writes as REGISTRY/uniform:tag, and returns
// the reference and the digest it names.
func pushAs(t *testing.T, tag string, write func(name.Reference) error, digest func() (v1.Hash, error)) (string, string) {
	t.Helper()
	ref := cluster.Registry + "/uniform:" + tag
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(r); err != nil {
		t.Fatal(err)
	}
	d, err := digest()
	if err != nil {
		t.Fatal(err)
	}
	return ref, d.String()
}

// pushOwnIndex pushes a two-platform OCI index of images of its own
// (linux/amd64 and linux/arm64), as buildx pushes nearly every public
// image, as REGISTRY/uniform:tag, and returns its reference and the
// index's digest.
func pushOwnIndex(t *testing.T, tag string) (string, string) {
	t.Helper()
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, arch := range []string{"amd64", "arm64"} {
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: ownImage(t, arch, true), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
	}
	return pushAs(t, tag, func(r name.Reference) error { return remote.WriteIndex(r, idx) }, idx.Digest)
}

// TestMultiPlatformImagesAreNotRepushed: the warehouse's multi-platform
// images (an OCI index, a Docker manifest list with an arm64 v8 build, an
// index with buildx's attestation entries), rolled out once and never
// touched, draw no re-push finding: the pods record the index's digest,
// which is what the tag names. (Compared with the platform manifest's
// digest, every such image was said to be pushed again.)
func TestMultiPlatformImagesAreNotRepushed(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 2*time.Minute)
	for _, tag := range []string{"gala-2025", "spring-2025", "buildx-2025"} {
		name := "multi-" + strings.TrimSuffix(tag, "-2025")
		createDeployment(t, ns, deployment(name, deployOpts{replicas: 2, image: cluster.Registry + "/uniform:" + tag, maxSurge: 1}))
		waitRolledOut(t, ns, name, 60*time.Second)
		r := env.Mannequin(ctx, "watch", "deploy/"+name, "-n", ns, "--plain", "--timeout", "8s")
		if r.Code != 3 || !strings.Contains(r.Stdout, "successfully rolled out") {
			t.Fatalf("%s: exit %d\n%s%s", tag, r.Code, r.Stdout, r.Stderr)
		}
		if strings.Contains(r.Stdout, "pushed again") || strings.Contains(r.Stdout, "WARNING") {
			t.Errorf("%s, pushed once, is said to be pushed again:\n%s", tag, r.Stdout)
		}
	}
}

// TestARepushedMultiPlatformTagIsSaid: a two-platform tag really pushed
// again is said, from the index digests, in the view's log, the undo's
// question and undo --yes's log.
func TestARepushedMultiPlatformTagIsSaid(t *testing.T) {
	ns := namespace(t)
	ref, first := pushOwnIndex(t, "multi-again-"+ns)
	createDeployment(t, ns, deployment("again", deployOpts{replicas: 2, image: ref, maxSurge: 1}))
	waitRolledOut(t, ns, "again", 60*time.Second)
	ctx := ctxFor(t, 2*time.Minute)
	if r := env.Mannequin(ctx, "watch", "deploy/again", "-n", ns, "--plain", "--timeout", "8s"); strings.Contains(r.Stdout, "pushed again") {
		t.Fatalf("pushed once, said to be pushed again:\n%s", r.Stdout)
	}
	setImage(t, ns, "again", cluster.Registry+"/uniform:never-pushed-"+ns)
	podOf(t, ns, "again", waiting("ImagePullBackOff"))
	_, second := pushOwnIndex(t, "multi-again-"+ns)
	if first == second {
		t.Fatal("the second push made the same index")
	}

	r := env.Mannequin(ctx, "watch", "deploy/again", "-n", ns, "--plain", "--timeout", "8s")
	if want := "the registry's " + ref + " now names " + second[:19] + ", but pods of rev 1 run " + first[:19]; !strings.Contains(r.Stdout, want) {
		t.Errorf("the view's log should say the re-push (%q):\n%s", want, r.Stdout)
	}
	want := "the tag was pushed again: its pods ran " + first[:19] + ", undo would pull " + second[:19]
	term, err := env.StartTerminal(ctx, 200, 40, "mannequin", "watch", "deploy/again", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "ImagePullBackOff") }); err != nil {
		t.Fatalf("no view: %v", err)
	}
	_ = term.Send("u")
	if s, err := term.WaitForScreen(10*time.Second, func(s []string) bool { return contains(s, "[y/N]") }); err != nil || !strings.Contains(strings.Join(strings.Fields(strings.Join(s, " ")), " "), want) {
		t.Fatalf("the undo question should say both index digests (%q): %v\n%s", want, err, shown(s))
	}
	answer(term, "n")
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)
	u := env.Mannequin(ctx, "undo", "deploy/again", "-n", ns, "--yes")
	if u.Code != 0 || !strings.Contains(u.Stderr, "registry: WARNING: "+want) {
		t.Fatalf("undo --yes to a re-pushed multi-platform tag should warn and roll back: exit %d, %q", u.Code, u.Stderr)
	}
}

// platformManifest is what the warehouse holds of ref for platform (with
// its key, which opens private/ too).
func platformManifest(t *testing.T, ref string, p v1.Platform) *v1.Manifest {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(r, remote.WithPlatform(p))
	if err != nil {
		t.Fatalf("the warehouse does not hold %s for %s: %v", ref, p, err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestArm64PodsGetArm64Facts: pods pinned to the cluster's arm64 nodes (a
// nodeSelector on kubernetes.io/arch, the taint tolerated) run there, and
// what the registry is asked for them is linux/arm64's: history --layers
// names linux/arm64 with the arm64 build's layers, and the live view's
// new shelf says what an arm64 node pulls.
func TestArm64PodsGetArm64Facts(t *testing.T) {
	ns := namespace(t)
	gala, spring := cluster.Registry+"/uniform:gala-2025", cluster.Registry+"/uniform:spring-2025"
	d := deployment("arm", deployOpts{replicas: 2, image: gala, maxSurge: 1})
	spec := &d.Spec.Template.Spec
	spec.NodeSelector = map[string]string{"kubernetes.io/arch": "arm64"}
	spec.Tolerations = append(spec.Tolerations, corev1.Toleration{Key: "kubernetes.io/arch", Operator: corev1.TolerationOpEqual, Value: "arm64", Effect: corev1.TaintEffectNoSchedule})
	createDeployment(t, ns, d)
	waitRolledOut(t, ns, "arm", 60*time.Second)
	p := podOf(t, ns, "arm", func(s corev1.ContainerStatus) bool { return s.Ready })
	node, err := cluster.Client.CoreV1().Nodes().Get(context.Background(), p.Spec.NodeName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if node.Status.NodeInfo.Architecture != "arm64" {
		t.Fatalf("the pod runs on %s, an %s node", node.Name, node.Status.NodeInfo.Architecture)
	}
	setImage(t, ns, "arm", spring)
	waitRolledOut(t, ns, "arm", 60*time.Second)
	arm64 := v1.Platform{OS: "linux", Architecture: "arm64"}
	galaArm, springArm := platformManifest(t, gala, arm64), platformManifest(t, spring, arm64)
	springAmd := platformManifest(t, spring, v1.Platform{OS: "linux", Architecture: "amd64"})
	ctx := ctxFor(t, time.Minute)

	r := env.Mannequin(ctx, "history", "deploy/arm", "-n", ns, "--layers")
	if r.Code != 0 {
		t.Fatalf("history --layers: exit %d: %s", r.Code, r.Stderr)
	}
	total := layersSize(springArm)
	for _, want := range []string{
		"linux/arm64/v8 · " + humanize.Bytes(uint64(total)) + " in 3 layers",
		"base: a slim Debian 12 root filesystem for arm64",
		"a node running rev 1 pulls " + humanize.Bytes(uint64(springArm.Layers[2].Size)) + " (1 layer, 2 shared)",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("history --layers lacks %q:\n%s", want, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout, "linux/amd64") || springAmd.Layers[2].Size == springArm.Layers[2].Size {
		t.Errorf("arm64 pods were given amd64 facts:\n%s", r.Stdout)
	}
	if galaArm.Layers[0].Digest != springArm.Layers[0].Digest {
		t.Fatalf("the arm64 builds should share their base layer")
	}

	// A rollout back to gala, watched: the shelf says what an arm64 node pulls.
	setImage(t, ns, "arm", gala)
	term, err := env.StartTerminal(ctx, 200, 40, "mannequin", "watch", "deploy/arm", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	want := "new (linux/arm64), 2 layers shared"
	if s, err := term.WaitForScreen(30*time.Second, func(s []string) bool { return contains(s, want) }); err != nil {
		t.Fatalf("the new shelf never said %q: %v\n%s", want, err, shown(s))
	}
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)
}
