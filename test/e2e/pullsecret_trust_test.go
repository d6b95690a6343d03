package e2e

import (
	"context"
	"encoding/json"
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
