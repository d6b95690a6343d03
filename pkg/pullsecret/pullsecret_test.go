package pullsecret

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
)

// At -v=9, where client-go logs every response body, a pull Secret read to
// be tried and a Secret read to know it exists leave their data (and a
// kubectl-applied Secret's last-applied annotation, which holds it too)
// out of the log, which still says what was asked.
func TestSecretsAreReadWithoutLoggingThem(t *testing.T) {
	const password = "hunter2-keeper"
	cfg := fmt.Sprintf(`{"auths":{"127.0.0.1:1":{"username":"u","password":%q}}}`, password)
	data := base64.StdEncoding.EncodeToString([]byte(cfg))
	applied := fmt.Sprintf(`{"apiVersion":"v1","data":{".dockerconfigjson":%q},"kind":"Secret"}`, data)
	secret := fmt.Sprintf(`{"kind":"Secret","apiVersion":"v1","metadata":{"name":"key","namespace":"shop","annotations":{"kubectl.kubernetes.io/last-applied-configuration":%q}},"type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":%q}}`, applied, data)
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Path)
		mu.Unlock()
		if r.URL.Path != "/prefix/api/v1/namespaces/shop/secrets/key" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, secret)
	}))
	t.Cleanup(srv.Close)

	var log bytes.Buffer
	verbose(t, &log, "9")
	// As the command makes them: one rest.Config for every client.
	rc := &rest.Config{Host: srv.URL + "/prefix"}
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	secrets, err := NewReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	o := &Credentials{Kube: kube, Secrets: secrets}
	ctx := context.Background()
	if exists, known := o.Exists(ctx, "shop", "key"); !exists || !known {
		t.Errorf("the Secret exists: %v %v", exists, known)
	}
	if exists, known := o.Exists(ctx, "shop", "gone"); exists || !known {
		t.Errorf("a Secret that is not there: %v %v", exists, known)
	}
	// The registry is unreachable: the Secret is read, then gives no verdict.
	if _, known := o.Try(registry.New(time.Second))(ctx, "shop", "key", "127.0.0.1:1/uniform:winter"); known {
		t.Error("an unreachable registry gave a verdict")
	}
	klog.Flush()
	mu.Lock()
	if n := strings.Count(strings.Join(asked, " "), "/secrets/key"); n != 2 {
		t.Errorf("the Secret was read %d times, want 2: %v", n, asked)
	}
	mu.Unlock()
	for what, s := range map[string]string{"the password": password, "the data": data, "the data's start": data[:16]} {
		if strings.Contains(log.String(), s) {
			t.Errorf("%s reached the log:\n%s", what, log.String())
		}
	}
	if !strings.Contains(log.String(), srv.URL+"/prefix/api/v1/namespaces/shop/secrets/key") {
		t.Errorf("-v=9 should still log the request:\n%s", log.String())
	}
}

// verbose sends klog's output to w at verbosity v for the test.
func verbose(t *testing.T, w *bytes.Buffer, v string) {
	t.Helper()
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	old := fs.Lookup("v").Value.String()
	for name, value := range map[string]string{"v": v, "logtostderr": "false", "alsologtostderr": "false", "stderrthreshold": "FATAL"} {
		if err := fs.Set(name, value); err != nil {
			t.Fatal(err)
		}
	}
	klog.SetOutput(w)
	t.Cleanup(func() {
		klog.Flush()
		_ = fs.Set("v", old)
		_ = fs.Set("logtostderr", "true")
		klog.SetOutput(os.Stderr)
	})
}

// A ServiceAccount's pull Secrets are its names, sanitized; one that
// cannot be read is unknown, as is every Secret without a Reader.
func TestServiceAccountsAndUnknowns(t *testing.T) {
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "builder", Namespace: "shop"},
		ImagePullSecrets: []corev1.LocalObjectReference{{Name: "key"}, {Name: "evil\x1b[2J"}}}
	c := &Credentials{Kube: fake.NewClientset(sa)}
	ctx := context.Background()
	if got, known := c.ServiceAccountPullSecrets(ctx, "shop", "builder"); !known || len(got) != 2 || got[0] != "key" || strings.ContainsRune(got[1], 0x1b) {
		t.Errorf("builder's pull Secrets: %q %v", got, known)
	}
	if _, known := c.ServiceAccountPullSecrets(ctx, "shop", "nobody"); known {
		t.Errorf("a ServiceAccount that cannot be read is unknown")
	}
	if _, known := c.Exists(ctx, "shop", "key"); known {
		t.Errorf("without a Reader nothing is known of a Secret")
	}
	if _, err := (*Reader)(nil).Get(ctx, "shop", "key", true); err == nil {
		t.Errorf("a nil Reader reads no Secret")
	}
}

// An answer other than the Secret gives an error of the status alone:
// neither the server's body nor the decoder's words, which could quote
// the data.
func TestReaderErrorsSayNoBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/forbidden") {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"hunter2"}`)
			return
		}
		fmt.Fprint(w, `{"data": hunter2`)
	}))
	t.Cleanup(srv.Close)
	r, err := NewReader(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"forbidden": "get Secret shop/forbidden: 403 Forbidden",
		"garbled":   "get Secret shop/garbled: the answer is not a Secret",
	} {
		if _, err := r.Get(context.Background(), "shop", name, false); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
}
