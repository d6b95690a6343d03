package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dustin/go-humanize"
	"github.com/google/go-containerregistry/pkg/name"
	ggcr "github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/internal/fixtures"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
)

// stockedRegistry serves a real registry with uniform:summer and
// uniform:winter sharing a base layer; it returns the address and the size
// of winter's own layer.
func stockedRegistry(t *testing.T) (string, int64) {
	t.Helper()
	srv := httptest.NewServer(ggcr.New(ggcr.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	base, _ := random.Layer(5000, types.DockerLayer)
	var appSize int64
	for _, tag := range []string{"summer", "winter"} {
		app, _ := random.Layer(1000, types.DockerLayer)
		appSize, _ = app.Size()
		img, err := mutate.Append(empty.Image,
			mutate.Addendum{Layer: base, History: v1.History{CreatedBy: "base: the body"}},
			mutate.Addendum{Layer: app, History: v1.History{CreatedBy: "app: " + tag + "\x1b]52;c;aGk=\x07"}})
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := name.ParseReference(addr + "/uniform:" + tag)
		if err := remote.Write(ref, img); err != nil {
			t.Fatal(err)
		}
	}
	return addr, appSize
}

func historyWithLayers(t *testing.T, addr string, args ...string) string {
	t.Helper()
	d, rss := fixtures.TwoRevisions()
	d.Spec.Template.Spec.Containers[0].Image = addr + "/uniform:winter"
	for _, rs := range rss {
		c := &rs.Spec.Template.Spec.Containers[0]
		c.Image = addr + "/uniform:" + c.Image
	}
	c := fake.NewClientset(d, rss[0], rss[1], &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}})
	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	o := &HistoryOptions{target: target{configFlags: testFlags(t), newClient: fakeFactory(c)}, IOStreams: streams,
		printFlags: genericclioptions.NewJSONYamlPrintFlags(), registry: func() *registry.Client { return registry.New(registryTimeout) }}
	cmd := historyCommand(o)
	cmd.SetArgs(append([]string{"deploy/steer", "--layers"}, args...))
	cmd.SetOut(errOut)
	cmd.SetErr(errOut)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("history --layers %v: %v\n%s", args, err, errOut)
	}
	return out.String()
}

// history --layers says, per revision, what the registry holds and what a
// node running the revision it replaced must pull; text from the registry
// is made inert.
func TestHistoryLayers(t *testing.T) {
	addr, appSize := stockedRegistry(t)
	out := historyWithLayers(t, addr)
	for _, want := range []string{
		"rev 2 · uniform · " + addr + "/uniform:winter",
		"ON A REV 1 NODE",
		"base: the body",
		"shared",
		"to pull",
		"a node running rev 1 pulls " + humanize.Bytes(uint64(appSize)) + " (1 layer, 1 shared)",
		"rev 1 · uniform · " + addr + "/uniform:summer",
		"a new node pulls",
		`app: winter\x1b]52;c;aGk=\x07`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("history --layers lacks %q:\n%s", want, out)
		}
	}
	if bytes.IndexByte([]byte(out), 0x1b) >= 0 {
		t.Errorf("an escape from the registry reached the output:\n%q", out)
	}

	var list history.RevisionList
	if err := json.Unmarshal([]byte(historyWithLayers(t, addr, "-o", "json")), &list); err != nil {
		t.Fatal(err)
	}
	img := list.Items[0].Images
	if len(img) != 1 || img[0].Replaces != 1 || img[0].PullBytes != appSize || len(img[0].Layers) != 2 ||
		!img[0].Layers[0].Shared || img[0].Layers[1].Shared || !strings.HasPrefix(img[0].Digest, "sha256:") {
		t.Errorf("-o json images of rev 2: %+v", img)
	}
}
