package e2e

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// pullSecret creates a kubernetes.io/dockerconfigjson Secret whose
// entries, by key, hold a user and a password.
func pullSecret(t *testing.T, ns, name string, entries map[string][2]string) {
	t.Helper()
	auths := map[string]any{}
	for k, up := range entries {
		auths[k] = map[string]string{"username": up[0], "password": up[1]}
	}
	cfg, _ := json.Marshal(map[string]any{"auths": auths})
	if _, err := cluster.Client.CoreV1().Secrets(ns).Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name}, Type: corev1.SecretTypeDockerConfigJson,
		Data: map[string][]byte{corev1.DockerConfigJsonKey: cfg},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// refusedWith creates a Deployment of the warehouse's private image whose
// pod names secret, and waits for the registry to refuse its pull (the
// Secret does not exist yet, or opens nothing).
func refusedWith(t *testing.T, ns, app, secret string) {
	t.Helper()
	d := deployment(app, deployOpts{replicas: 1, image: cluster.Registry + "/private/uniform:winter-2024", maxSurge: 1})
	d.Spec.Template.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: secret}}
	createDeployment(t, ns, d)
	podOf(t, ns, app, waiting("ImagePullBackOff"))
}

// TestPullSecretsMatchByRepositoryPath: a pull Secret's key for the
// repository's path (127.0.0.1:5117/private), as the kubelet matches it, is
// tried for 127.0.0.1:5117/private/uniform, and every key that matches is
// tried until one opens it; a key for another path holds nothing for it.
func TestPullSecretsMatchByRepositoryPath(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 3*time.Minute)
	reg := cluster.Registry
	refusedWith(t, ns, "pathed", "path-key")
	refusedWith(t, ns, "paired", "pair-key")
	refusedWith(t, ns, "elsewhere", "other-path-key")
	pullSecret(t, ns, "path-key", map[string][2]string{reg + "/private": {"warehouse", "mannequin-keeper"}})
	pullSecret(t, ns, "pair-key", map[string][2]string{
		reg + "/private/uniform": {"warehouse", "not-the-keepers-password"},
		reg:                      {"warehouse", "mannequin-keeper"},
	})
	pullSecret(t, ns, "other-path-key", map[string][2]string{reg + "/public": {"warehouse", "mannequin-keeper"}})
	for app, want := range map[string]string{
		"pathed":    "Secret path-key opens " + reg + " now: the pod tried before the Secret worked; restart it",
		"paired":    "Secret pair-key opens " + reg + " now: the pod tried before the Secret worked; restart it",
		"elsewhere": "imagePullSecrets other-path-key hold no credentials for " + reg,
	} {
		r := env.Mannequin(ctx, "watch", "deploy/"+app, "-n", ns, "--plain", "--timeout", "8s", "--registry-auth=pull-secrets")
		if r.Code != 3 || !strings.Contains(r.Stdout, want) {
			t.Errorf("%s: want %q: exit %d\n%s%s", app, want, r.Code, r.Stdout, r.Stderr)
		}
	}
}

// hexDumped is the bytes of every hex dump in a log (client-go dumps a
// protobuf body so), joined: a password split across two of its lines is
// whole here.
func hexDumped(log string) string {
	var b strings.Builder
	for _, m := range regexp.MustCompile(`(?m)^\s*[0-9a-f]{8}((?:\s{1,2}[0-9a-f]{2}){1,16})\s+\|`).FindAllStringSubmatch(log, -1) {
		raw, err := hex.DecodeString(strings.Join(strings.Fields(m[1]), ""))
		if err == nil {
			b.Write(raw)
		}
	}
	return b.String()
}

// TestSecretDataStaysOutOfTheLogs: with --registry-auth=pull-secrets at
// -v=8 and -v=9, where client-go logs response bodies, the pull Secret is
// read and opens the registry, but neither its password nor its data
// (base64, as JSON carries it, or raw in a protobuf dump) reaches stdout or
// stderr; the rest of -v is kubectl's: requests, and other bodies, are
// logged. The Secret is applied with kubectl, so that its data is in its
// last-applied annotation too, which a metadata read carries.
func TestSecretDataStaysOutOfTheLogs(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 3*time.Minute)
	refusedWith(t, ns, "early", "warehouse-key")
	if k := env.Kubectl(ctx, "apply", "-n", ns, "-f", filepath.Join(cluster.Root, "hack", "registry", "warehouse-key.yaml")); k.Code != 0 {
		t.Fatalf("apply the warehouse's key: %s", k.Stderr)
	}
	s, err := cluster.Client.CoreV1().Secrets(ns).Get(ctx, "warehouse-key", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data := s.Data[corev1.DockerConfigJsonKey]
	secrets := map[string]string{
		"the password":                         "mannequin-keeper",
		"the data, base64":                     base64.StdEncoding.EncodeToString(data),
		"the data's start, base64":             base64.StdEncoding.EncodeToString(data)[:24],
		"the user and password, base64 (auth)": base64.StdEncoding.EncodeToString([]byte("warehouse:mannequin-keeper")),
	}
	for _, v := range []string{"-v=8", "-v=9"} {
		r := env.Mannequin(ctx, "watch", "deploy/early", "-n", ns, "--registry-auth=pull-secrets", v, "--plain", "--until-done", "--timeout", "10s")
		if r.Code != 3 || !strings.Contains(r.Stdout, "Secret warehouse-key opens "+cluster.Registry+" now") {
			t.Fatalf("%s: the Secret should have been read and tried: exit %d\n%s", v, r.Code, r.Stdout)
		}
		for what, secret := range secrets {
			for stream, out := range map[string]string{"stdout": r.Stdout, "stderr": r.Stderr, "a hex dump on stderr": hexDumped(r.Stderr)} {
				if strings.Contains(out, secret) {
					t.Errorf("%s: %s reached %s", v, what, stream)
				}
			}
		}
		if !strings.Contains(r.Stderr, "/api/v1/namespaces/"+ns+"/secrets/warehouse-key") || !strings.Contains(r.Stderr, "Response Body") {
			t.Errorf("%s: the requests, and bodies other than the Secret's, should still be logged:\n%.3000s", v, r.Stderr)
		}
	}
}
