//go:build linux

package krew

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"sigs.k8s.io/yaml"
)

// manifest is the part of a krew plugin manifest these tests check.
type manifest struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version          string `json:"version"`
		ShortDescription string `json:"shortDescription"`
		Caveats          string `json:"caveats"`
		Platforms        []struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			URI    string `json:"uri"`
			Sha256 string `json:"sha256"`
			Bin    string `json:"bin"`
		} `json:"platforms"`
	} `json:"spec"`
}

// distDir is where `make dist` wrote the release files, or MANNEQUIN_DIST
// (an absolute path) names another, such as goreleaser's.
func distDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("MANNEQUIN_DIST")
	if dir == "" {
		dir = filepath.Join("..", "..", "dist")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "mannequin.yaml")); err != nil {
		t.Fatalf("no rendered manifest (%v): run `make krew-test`, which runs `make dist` first", err)
	}
	return dir
}

func readManifest(t *testing.T, file string) manifest {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	return m
}

func sha256File(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestRenderedManifestMatchesTheArchives(t *testing.T) {
	dist := distDir(t)
	m := readManifest(t, filepath.Join(dist, "mannequin.yaml"))
	if m.Metadata.Name != "mannequin" || m.Kind != "Plugin" || m.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" {
		t.Errorf("not the mannequin plugin manifest: %s %s %q", m.APIVersion, m.Kind, m.Metadata.Name)
	}
	checksums, err := os.ReadFile(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"darwin/amd64", "darwin/arm64", "linux/amd64", "linux/arm64", "windows/amd64", "windows/arm64"}
	var got []string
	for _, p := range m.Spec.Platforms {
		goos, arch := p.Selector.MatchLabels["os"], p.Selector.MatchLabels["arch"]
		got = append(got, goos+"/"+arch)
		ext, bin := ".tar.gz", "kubectl-mannequin"
		if goos == "windows" {
			ext, bin = ".zip", "kubectl-mannequin.exe"
		}
		name := "kubectl-mannequin_" + m.Spec.Version + "_" + goos + "_" + arch + ext
		if path.Base(p.URI) != name || !strings.Contains(p.URI, "/"+m.Spec.Version+"/") {
			t.Errorf("%s/%s: uri %s does not name %s of release %s", goos, arch, p.URI, name, m.Spec.Version)
		}
		if p.Bin != bin {
			t.Errorf("%s/%s: bin %q, want %q", goos, arch, p.Bin, bin)
		}
		if sum := sha256File(t, filepath.Join(dist, name)); p.Sha256 != sum {
			t.Errorf("%s: manifest says sha256 %s, the archive has %s", name, p.Sha256, sum)
		}
		if !strings.Contains(string(checksums), p.Sha256+"  "+name+"\n") {
			t.Errorf("checksums.txt does not list %s with %s", name, p.Sha256)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("platforms %v, want %v", got, want)
	}
	// The released manifest points at the release, which this machine cannot
	// reach: check its structure here, and installs from a loopback copy below.
	krew := newKrew(t)
	krew.run(t, "validate-krew-manifest", "-manifest", filepath.Join(dist, "mannequin.yaml"), "-skip-install")
}

func TestValidatorInstallsEveryPlatform(t *testing.T) {
	dist := distDir(t)
	srv := serve(t, dist)
	krew := newKrew(t)
	local := filepath.Join(t.TempDir(), "mannequin.yaml")
	writeLoopbackManifest(t, filepath.Join(dist, "mannequin.yaml"), local, srv.URL)
	// Installs each platform's archive into a scratch KREW_ROOT and checks
	// that a LICENSE came out of it.
	krew.run(t, "validate-krew-manifest", "-manifest", local)
	if n := len(srv.requests()); n < 6 {
		t.Errorf("the validator downloaded %d archives, want one per platform (6)", n)
	}
}

func TestInstallFromArchive(t *testing.T) {
	dist := distDir(t)
	m := readManifest(t, filepath.Join(dist, "mannequin.yaml"))
	krew := newKrew(t)
	archive := filepath.Join(dist, "kubectl-mannequin_"+m.Spec.Version+"_"+runtime.GOOS+"_"+runtime.GOARCH+".tar.gz")
	krew.run(t, "kubectl", "krew", "install", "--manifest="+filepath.Join(dist, "mannequin.yaml"), "--archive="+archive)
	krew.checkVersion(t, m.Spec.Version)

	// The caveat's set-up step, run as a user would copy it from there, puts
	// the completion script that krew extracted on PATH; then kubectl itself
	// completes the plugin's arguments through it.
	var step string
	for _, line := range strings.Split(m.Spec.Caveats, "\n") {
		if strings.Contains(line, "kubectl_complete-mannequin") && strings.HasPrefix(strings.TrimSpace(line), "install ") {
			step = strings.TrimSpace(line)
		}
	}
	if step == "" {
		t.Fatalf("the caveats give no command that installs kubectl_complete-mannequin:\n%s", m.Spec.Caveats)
	}
	krew.run(t, "sh", "-c", step)
	out := krew.run(t, "kubectl", "__complete", "mannequin", "wa")
	offered := slices.ContainsFunc(strings.Split(out, "\n"), func(l string) bool {
		word, _, _ := strings.Cut(l, "\t") // cobra writes "word\tdescription"
		return word == "watch"
	})
	if !offered {
		t.Errorf("kubectl __complete mannequin wa, after the caveat's step, does not offer watch:\n%s", out)
	}
}

// TestArchivesShipTheCompletionScript: every tar.gz has the completion
// script, executable and unchanged, at its root next to the binary, where
// the caveat says krew puts it. The Windows zips have no use for a POSIX
// shell script and must not carry it.
func TestArchivesShipTheCompletionScript(t *testing.T) {
	dist := distDir(t)
	script, err := os.ReadFile(filepath.Join("..", "..", "plugins", "completion", "kubectl_complete-mannequin"))
	if err != nil {
		t.Fatal(err)
	}
	tars, _ := filepath.Glob(filepath.Join(dist, "*.tar.gz"))
	zips, _ := filepath.Glob(filepath.Join(dist, "*.zip"))
	if len(tars) != 4 || len(zips) != 2 {
		t.Errorf("want 4 tar.gz (linux, darwin) and 2 zip (windows) archives, got %v and %v", tars, zips)
	}
	for _, name := range tars {
		entries := tarEntries(t, name)
		if _, ok := entries["kubectl-mannequin"]; !ok {
			t.Errorf("%s: no kubectl-mannequin", filepath.Base(name))
		}
		e, ok := entries["kubectl_complete-mannequin"]
		switch {
		case !ok:
			t.Errorf("%s: no kubectl_complete-mannequin next to the binary; has %v", filepath.Base(name), slices.Sorted(maps.Keys(entries)))
		case e.mode&0o111 != 0o111:
			t.Errorf("%s: kubectl_complete-mannequin has mode %o, want it executable", filepath.Base(name), e.mode)
		case !bytes.Equal(e.data, script):
			t.Errorf("%s: kubectl_complete-mannequin differs from plugins/completion/kubectl_complete-mannequin", filepath.Base(name))
		}
	}
	for _, name := range zips {
		z, err := zip.OpenReader(name)
		if err != nil {
			t.Fatal(err)
		}
		var files []string
		for _, f := range z.File {
			files = append(files, f.Name)
		}
		_ = z.Close()
		if !slices.Contains(files, "kubectl-mannequin.exe") || slices.Contains(files, "kubectl_complete-mannequin") {
			t.Errorf("%s: has %v, want kubectl-mannequin.exe and no shell script", filepath.Base(name), files)
		}
	}
}

type tarEntry struct {
	mode int64
	data []byte
}

// tarEntries reads a .tar.gz into memory: release archives are small.
func tarEntries(t *testing.T, name string) map[string]tarEntry {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	tr := tar.NewReader(gz)
	out := map[string]tarEntry{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[h.Name] = tarEntry{mode: h.Mode, data: data}
	}
}

func TestInstallFromIndexAndUninstall(t *testing.T) {
	dist := distDir(t)
	m := readManifest(t, filepath.Join(dist, "mannequin.yaml"))
	srv := serve(t, dist)
	krew := newKrew(t)
	krew.initIndex(t, filepath.Join(dist, "mannequin.yaml"), srv.URL)

	if out := krew.run(t, "kubectl", "krew", "list"); strings.Contains(out, "mannequin") {
		t.Fatalf("mannequin is installed before the test installed it:\n%s", out)
	}
	before := tree(t, krew.root)
	archive := "kubectl-mannequin_" + m.Spec.Version + "_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"

	srv.tamper.Store(true)
	out, err := krew.try("kubectl", "krew", "install", "mannequin")
	if err == nil {
		t.Fatalf("krew installed a tampered archive:\n%s", out)
	}
	if !strings.Contains(out, "checksum does not match") {
		t.Errorf("krew refused the tampered archive, but not for its checksum:\n%s", out)
	}
	if after := tree(t, krew.root); !slices.Equal(before, after) {
		t.Errorf("the refused install left files behind:\nbefore %v\nafter  %v", before, after)
	}

	srv.tamper.Store(false)
	krew.run(t, "kubectl", "krew", "install", "mannequin")
	if !slices.Contains(srv.requests(), "/"+archive) {
		t.Errorf("krew did not download %s from the index's uri; requests: %v", archive, srv.requests())
	}
	if out := krew.run(t, "kubectl", "krew", "list"); !strings.Contains(out, "mannequin") {
		t.Errorf("kubectl krew list does not show mannequin:\n%s", out)
	}
	krew.checkVersion(t, m.Spec.Version)

	krew.run(t, "kubectl", "krew", "uninstall", "mannequin")
	if after := tree(t, krew.root); !slices.Equal(before, after) {
		t.Errorf("uninstall left files behind:\nbefore %v\nafter  %v", before, after)
	}
	if left := tree(t, krew.tmp); len(left) > 0 {
		t.Errorf("krew left temporary files: %v", left)
	}
	if out, err := krew.try("kubectl", "mannequin", "version", "--client"); err == nil {
		t.Errorf("kubectl mannequin still runs after uninstall:\n%s", out)
	}
}

// krewEnv runs commands with a KREW_ROOT, HOME and TMPDIR of their own.
type krewEnv struct {
	root, home, tmp string
	path            []string
}

func newKrew(t *testing.T) *krewEnv {
	t.Helper()
	dir := t.TempDir()
	k := &krewEnv{root: filepath.Join(dir, "krew"), home: filepath.Join(dir, "home"), tmp: filepath.Join(dir, "tmp")}
	// PATH holds krew's bin and the tools, so no other kubectl-mannequin
	// the machine may have can stand in for the one krew installs.
	k.path = []string{filepath.Join(k.root, "bin")}
	for _, tool := range []string{"kubectl", "kubectl-krew", "validate-krew-manifest", "git"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatalf("%s is not on PATH: run `make krew-test`, which builds the krew tools", tool)
		}
		if dir := filepath.Dir(p); !slices.Contains(k.path, dir) {
			k.path = append(k.path, dir)
		}
	}
	for _, d := range []string{k.home, k.tmp} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

func (k *krewEnv) environ() []string {
	return []string{
		"PATH=" + strings.Join(k.path, string(os.PathListSeparator)),
		"KREW_ROOT=" + k.root,
		"KREW_NO_UPGRADE_CHECK=1",
		"HOME=" + k.home,
		"TMPDIR=" + k.tmp,
		// No cluster: `version` prints the client facts only.
		"KUBECONFIG=" + filepath.Join(k.home, "no-kubeconfig"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=krew test", "GIT_AUTHOR_EMAIL=krew-test@example.invalid",
		"GIT_COMMITTER_NAME=krew test", "GIT_COMMITTER_EMAIL=krew-test@example.invalid",
	}
}

// try runs a command and returns its combined output.
func (k *krewEnv) try(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = k.environ()
	cmd.Dir = k.home
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// run runs a command that must succeed.
func (k *krewEnv) run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := k.try(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// checkVersion runs the installed plugin through kubectl, krew's bin first on PATH.
func (k *krewEnv) checkVersion(t *testing.T, version string) {
	t.Helper()
	out := k.run(t, "kubectl", "mannequin", "version", "--client")
	if !strings.Contains(out, "Client Version: "+version+"\n") {
		t.Errorf("kubectl mannequin version does not print %s:\n%s", version, out)
	}
	// kubectl must have run krew's copy: there is no other on PATH.
	if _, err := os.Lstat(filepath.Join(k.root, "bin", "kubectl-mannequin")); err != nil {
		t.Errorf("kubectl-mannequin is not in krew's bin directory: %v", err)
	}
}

// initIndex makes the default index a clone of a local repository that
// holds the plugin's manifest with its uris on the loopback server: krew
// updates it with git as it would the real index, without any network.
func (k *krewEnv) initIndex(t *testing.T, manifestFile, baseURL string) {
	t.Helper()
	upstream := filepath.Join(k.home, "index-upstream")
	if err := os.MkdirAll(filepath.Join(upstream, "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeLoopbackManifest(t, manifestFile, filepath.Join(upstream, "plugins", "mannequin.yaml"), baseURL)
	k.run(t, "git", "-C", upstream, "init", "-q")
	k.run(t, "git", "-C", upstream, "add", "plugins")
	k.run(t, "git", "-C", upstream, "commit", "-q", "-m", "mannequin")
	k.run(t, "git", "clone", "-q", upstream, filepath.Join(k.root, "index", "default"))
}

// writeLoopbackManifest copies a manifest with each uri moved to baseURL.
func writeLoopbackManifest(t *testing.T, from, to, baseURL string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse %s: %v", from, err)
	}
	spec, _ := doc["spec"].(map[string]any)
	platforms, _ := spec["platforms"].([]any)
	for _, p := range platforms {
		p := p.(map[string]any)
		p["uri"] = baseURL + "/" + path.Base(p["uri"].(string))
	}
	if data, err = yaml.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// server serves dist/ on 127.0.0.1 and, while tamper is set, hands out every
// archive with one byte changed.
type server struct {
	*httptest.Server
	tamper atomic.Bool

	mu  sync.Mutex
	log []string
}

func serve(t *testing.T, dir string) *server {
	t.Helper()
	s := &server{}
	files := http.FileServer(http.Dir(dir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.log = append(s.log, r.URL.Path)
		s.mu.Unlock()
		if !s.tamper.Load() {
			files.ServeHTTP(w, r)
			return
		}
		data, err := os.ReadFile(filepath.Join(dir, path.Base(r.URL.Path)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		data[len(data)/2] ^= 0xff
		_, _ = w.Write(data)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// tree lists the files, links and directories under dir, but not the
// plugin index, which krew keeps.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "index" {
			return filepath.SkipDir
		}
		if rel != "." {
			paths = append(paths, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}
