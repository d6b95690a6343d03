package cmd

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

	"k8s.io/cli-runtime/pkg/genericclioptions"
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
	flags := genericclioptions.NewConfigFlags(false)
	*flags.APIServer = srv.URL + "/prefix"
	c, err := newClients(flags, true)
	if err != nil {
		t.Fatal(err)
	}
	o := &WatchOptions{target: target{configFlags: flags, clients: c, client: c.kube}}
	ctx := context.Background()
	if exists, known := o.secretExists(ctx, "shop", "key"); !exists || !known {
		t.Errorf("the Secret exists: %v %v", exists, known)
	}
	if exists, known := o.secretExists(ctx, "shop", "gone"); exists || !known {
		t.Errorf("a Secret that is not there: %v %v", exists, known)
	}
	// The registry is unreachable: the Secret is read, then gives no verdict.
	if _, known := o.tryPullSecret(registry.New(time.Second))(ctx, "shop", "key", "127.0.0.1:1/uniform:winter"); known {
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
