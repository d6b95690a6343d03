package registry

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	corev1 "k8s.io/api/core/v1"
)

// A pull Secret is matched to an image as the kubelet matches it, so that
// the verdict is the kubelet's: each entry of its docker config is filed
// under a key, a registry host (with a port, and with "*" for one label of
// the host) and an optional repository path; an entry matches an image
// when the hosts match label by label, the ports are equal, and the key's
// path is a prefix of the image's repository. Every matching entry is
// tried, the longest key first, so that a key for registry.example.com/
// team-a serves registry.example.com/team-a/app, before one for the whole
// registry. (go-containerregistry's k8schain, asked by registry as
// TryPullSecret did, saw no path; asked by repository, it keeps only the
// first entry that matches.)

// dockerHub is the registry the kubelet names Docker Hub's images by, and
// the key it files the Hub's credentials under when no other matches.
const (
	dockerHub      = "docker.io"
	dockerHubIndex = "index.docker.io"
)

// entry is one credential of a pull Secret, under its key.
type entry struct {
	key  string // host[:port][/path], without a scheme
	auth authn.AuthConfig
}

// secretEntries reads the credentials of a kubernetes.io/dockerconfigjson
// or kubernetes.io/dockercfg Secret, as the kubelet does: other types hold
// none.
func secretEntries(s *corev1.Secret) ([]entry, error) {
	var auths map[string]authn.AuthConfig
	if b := s.Data[corev1.DockerConfigJsonKey]; s.Type == corev1.SecretTypeDockerConfigJson && len(b) > 0 {
		var cfg struct {
			Auths map[string]authn.AuthConfig `json:"auths"`
		}
		if err := json.Unmarshal(b, &cfg); err != nil {
			return nil, fmt.Errorf("%s is not a docker config: %v", corev1.DockerConfigJsonKey, scrub(err))
		}
		auths = cfg.Auths
	} else if b := s.Data[corev1.DockerConfigKey]; s.Type == corev1.SecretTypeDockercfg && len(b) > 0 {
		if err := json.Unmarshal(b, &auths); err != nil {
			return nil, fmt.Errorf("%s is not a docker config: %v", corev1.DockerConfigKey, scrub(err))
		}
	}
	var out []entry
	for k, auth := range auths {
		key, err := entryKey(k)
		if err != nil {
			return nil, err
		}
		out = append(out, entry{key: key, auth: auth})
	}
	// The longest key first; for keys of one length, the kubelet's order
	// (reverse, by bytes).
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].key) != len(out[j].key) {
			return len(out[i].key) > len(out[j].key)
		}
		return out[i].key > out[j].key
	})
	return out, nil
}

// scrub keeps from a JSON error only what names no data: a syntax error
// quotes the character it stopped at, which may be a password's.
func scrub(err error) string {
	if e, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("invalid JSON at byte %d", e.Offset)
	}
	return "not the JSON of a docker config"
}

// entryKey is what a docker config's key is filed under: without its
// scheme, and with /v1/ or /v2/ at the start of its path meaning the whole
// registry, as docker reads https://index.docker.io/v1/.
func entryKey(k string) (string, error) {
	v := k
	if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
		v = "https://" + v
	}
	u, err := url.Parse(v)
	if err != nil {
		// The key only: an entry's name is no credential.
		return "", fmt.Errorf("entry %q of the docker config is no registry", k)
	}
	path := u.Path
	if strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/v2/") {
		path = path[3:]
	}
	if path == "" || path == "/" {
		return u.Host, nil
	}
	return u.Host + path, nil
}

// matching returns the credentials of entries that serve repo, in the
// order they are to be tried.
func matching(entries []entry, repo name.Repository) []authn.AuthConfig {
	host := repo.RegistryStr()
	if host == dockerHubIndex {
		host = dockerHub
	}
	target := host + "/" + repo.RepositoryStr()
	var out []authn.AuthConfig
	for _, e := range entries {
		if keyMatches(e.key, target) {
			out = append(out, e.auth)
		}
	}
	// Docker Hub's credentials are often filed as https://index.docker.io/v1/.
	if len(out) == 0 && host == dockerHub {
		for _, e := range entries {
			if e.key == dockerHubIndex {
				out = append(out, e.auth)
			}
		}
	}
	return out
}

// keyMatches reports whether an entry filed under key serves target
// (host[:port]/repository).
func keyMatches(key, target string) bool {
	kHost, kPath, _ := strings.Cut(key, "/")
	tHost, tPath, _ := strings.Cut(target, "/")
	kLabels, kPort := hostParts(kHost)
	tLabels, tPort := hostParts(tHost)
	if kPort != tPort || len(kLabels) != len(tLabels) || !strings.HasPrefix("/"+tPath, "/"+kPath) {
		return false
	}
	for i := range kLabels {
		if ok, err := filepath.Match(kLabels[i], tLabels[i]); err != nil || !ok {
			return false
		}
	}
	return true
}

// hostParts splits host[:port] into its labels and its port.
func hostParts(hostport string) (labels []string, port string) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	return strings.Split(host, "."), port
}
