package registry

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// keyring is a pull Secret whose entries, by key, hold a user named after
// what each stands for and a password.
func keyring(t *testing.T, typ corev1.SecretType, entries map[string][2]string) *corev1.Secret {
	t.Helper()
	auths := map[string]any{}
	for k, up := range entries {
		auths[k] = map[string]string{"username": up[0], "password": up[1]}
	}
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "ring"}, Type: typ}
	if typ == corev1.SecretTypeDockercfg {
		b, _ := json.Marshal(auths)
		s.Data = map[string][]byte{corev1.DockerConfigKey: b}
	} else {
		b, _ := json.Marshal(map[string]any{"auths": auths})
		s.Data = map[string][]byte{corev1.DockerConfigJsonKey: b}
	}
	return s
}

// Entries match an image by registry and repository path, as the kubelet
// matches them: every match, the longest key first.
func TestPullSecretEntriesMatchAsTheKubeletMatchesThem(t *testing.T) {
	for _, typ := range []corev1.SecretType{corev1.SecretTypeDockerConfigJson, corev1.SecretTypeDockercfg} {
		s := keyring(t, typ, map[string][2]string{
			"registry.example.com/team-a":       {"team-a", "x"},
			"https://registry.example.com":      {"whole", "x"},
			"*.example.com":                     {"glob", "x"},
			"registry.example.com:5000/team-a/": {"ported", "x"},
			"https://index.docker.io/v1/":       {"hub", "x"},
			"http://127.0.0.1:5117/v2/private":  {"warehouse", "x"},
		})
		entries, err := secretEntries(s)
		if err != nil {
			t.Fatal(err)
		}
		for image, want := range map[string][]string{
			"registry.example.com/team-a/app:1":      {"team-a", "whole", "glob"},
			"registry.example.com/team-b/app:1":      {"whole", "glob"},
			"mirror.example.com/team-a/app":          {"glob"},
			"registry.example.com:5000/team-a/app:1": {"ported"},
			"registry.example.com:5000/team-b/app:1": nil,
			"example.com/team-a/app":                 nil,
			"nginx:1.27":                             {"hub"},
			"docker.io/library/nginx":                {"hub"},
			"127.0.0.1:5117/private/uniform:winter":  {"warehouse"},
			"127.0.0.1:5117/uniform:winter":          nil,
		} {
			ref, err := name.ParseReference(image)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range matching(entries, ref.Context()) {
				got = append(got, a.Username)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %s: tried %v, want %v", typ, image, got, want)
			}
		}
	}
	if entries, err := secretEntries(&corev1.Secret{Type: corev1.SecretTypeOpaque, Data: map[string][]byte{corev1.DockerConfigJsonKey: []byte(`{"auths":{"a.example":{}}}`)}}); err != nil || len(entries) != 0 {
		t.Errorf("an Opaque Secret holds no pull credentials for the kubelet: %v %v", entries, err)
	}
	bad := &corev1.Secret{Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{corev1.DockerConfigJsonKey: []byte(`{"auths":{"a.example":{"password":"hunter2`)}}
	if _, err := secretEntries(bad); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a broken Secret: %v", err)
	}
}

// A key filed under the repository's path opens it, and each matching key
// is tried until one is let in.
func TestTryPullSecretByRepositoryPath(t *testing.T) {
	host := keeperRegistry(t)
	img, _ := random.Image(100, 1)
	ref := host + "/private/uniform:winter"
	r, _ := name.ParseReference(ref)
	if err := remote.Write(r, img, remote.WithAuth(&authn.Basic{Username: "keeper", Password: "right"})); err != nil {
		t.Fatal(err)
	}
	c := New(5 * time.Second)
	for _, tc := range []struct {
		name    string
		entries map[string][2]string
		want    Verdict
	}{
		{"the repository's path", map[string][2]string{host + "/private": {"keeper", "right"}}, Accepted},
		{"a wrong key for the path, then the registry's", map[string][2]string{host + "/private/uniform": {"keeper", "wrong"}, host: {"keeper", "right"}}, Accepted},
		{"wrong keys only", map[string][2]string{host + "/private": {"keeper", "wrong"}, host: {"keeper", "wrong too"}}, Refused},
		{"another path", map[string][2]string{host + "/public": {"keeper", "right"}}, NoCredentials},
	} {
		got, err := c.TryPullSecret(context.Background(), keyring(t, corev1.SecretTypeDockerConfigJson, tc.entries), ref)
		if err != nil || got != tc.want {
			t.Errorf("%s: %s (%v), want %s", tc.name, got, err, tc.want)
		}
	}
}
