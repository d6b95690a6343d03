package diagnose

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// load builds a snapshot from testdata/base.yaml plus a case file; objects in
// the case replace base objects of the same kind and name.
func load(t *testing.T, name string, secrets map[string]bool) *snapshot.Snapshot {
	t.Helper()
	objs := map[string]*unstructured.Unstructured{}
	var order []string
	for _, f := range []string{"testdata/base.yaml", "testdata/" + name + ".yaml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
		for {
			u := &unstructured.Unstructured{}
			if err := dec.Decode(&u.Object); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				t.Fatalf("%s: %v", f, err)
			}
			if u.Object == nil {
				continue
			}
			k := u.GetKind() + "/" + u.GetName()
			if _, ok := objs[k]; !ok {
				order = append(order, k)
			}
			objs[k] = u
		}
	}
	var d *appsv1.Deployment
	var rss []*appsv1.ReplicaSet
	var pods []*corev1.Pod
	var events []*corev1.Event
	for _, k := range order {
		u := objs[k]
		var target any
		switch u.GetKind() {
		case "Deployment":
			d = &appsv1.Deployment{}
			target = d
		case "ReplicaSet":
			rs := &appsv1.ReplicaSet{}
			rss, target = append(rss, rs), rs
		case "Pod":
			p := &corev1.Pod{}
			pods, target = append(pods, p), p
		case "Event":
			e := &corev1.Event{}
			events, target = append(events, e), e
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, target); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC)
	var cached []any
	for _, rs := range rss {
		cached = append(cached, rs)
	}
	s := workload.Deployment.Snapshot(d, cached, pods, now, now)
	uids := map[types.UID]bool{}
	for _, p := range pods {
		uids[p.UID] = true
	}
	s.Events = snapshot.WarningEvents(events, uids)
	s.Secrets = secrets
	return &s
}

func find(fs []snapshot.Finding, reason string) *snapshot.Finding {
	for i := range fs {
		if fs[i].Reason == reason {
			return &fs[i]
		}
	}
	return nil
}

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		file    string
		secrets map[string]bool
		reason  string
		want    []string
	}{
		{"private-no-secret", nil, "ImagePullBackOff", []string{"registry private.registry.example", "no imagePullSecrets", "kubectl create secret docker-registry regcred --docker-server=private.registry.example", "-n shop"}},
		{"private-missing-secret", map[string]bool{"regcred": false}, "ImagePullBackOff", []string{`Secret "regcred"`, "does not exist in namespace shop"}},
		{"private-missing-secret", nil, "ImagePullBackOff", []string{"refused the credentials in imagePullSecrets regcred"}},
		{"not-found", nil, "ImagePullBackOff", []string{"registry.example/uniform:nonexistent does not exist", "previous revision runs registry.example/uniform:summer-2023"}},
		{"crash-loop", nil, "CrashLoopBackOff", []string{"exit code 3", "4 restarts", "kubectl logs --previous clerk-squad-new-a -c uniform -n shop"}},
		{"oom-killed", nil, "OOMKilled", []string{"memory limit of 128Mi", "kubectl logs --previous clerk-squad-new-a -c uniform"}},
		{"config-error", nil, "CreateContainerConfigError", []string{`ConfigMap "settings"`, "kubectl create configmap settings"}},
		{"unschedulable", nil, "Unschedulable", []string{"no node can take the pod", "kubectl describe pod clerk-squad-new-a -n shop"}},
		{"quota", nil, "ReplicaFailure: FailedCreate", []string{"ResourceQuota forbids new pods", "kubectl describe resourcequota -n shop"}},
		{"deadline", nil, "ProgressDeadlineExceeded", []string{"kubectl mannequin undo deploy/clerk-squad -n shop", "kubectl mannequin history"}},
		{"mutable-tag", nil, "MutableTag", []string{"2 different digests of registry.example/uniform:latest"}},
		{"mutable-tag", nil, "UnpinnedImage", []string{"no tag or uses :latest"}},
	} {
		t.Run(tc.file+"/"+tc.reason, func(t *testing.T) {
			fs := Findings(load(t, tc.file, tc.secrets))
			f := find(fs, tc.reason)
			if f == nil {
				t.Fatalf("no %s finding in %+v", tc.reason, fs)
			}
			for _, w := range tc.want {
				if !strings.Contains(f.Hint, w) {
					t.Errorf("hint lacks %q:\n%s", w, f.Hint)
				}
			}
		})
	}
}

func TestSchedulerMessageIsKept(t *testing.T) {
	f := find(Findings(load(t, "unschedulable", nil)), "Unschedulable")
	if f == nil || !strings.Contains(f.Message, "didn't match Pod's node affinity/selector") {
		t.Fatalf("scheduler message lost: %+v", f)
	}
}

func TestHealthyRolloutHasNoFindings(t *testing.T) {
	if fs := Findings(load(t, "events", nil)); len(fs) != 0 {
		t.Errorf("pods merely creating are not stuck: %+v", fs)
	}
}

func TestWarningEventsAreMergedWithCounts(t *testing.T) {
	s := load(t, "events", nil)
	if len(s.Events) != 1 {
		t.Fatalf("want 1 merged event (the stranger's dropped), got %+v", s.Events)
	}
	if e := s.Events[0]; e.Count != 6 || e.Reason != "Failed" || e.Object != "Pod/clerk-squad-new-c" {
		t.Errorf("merged event: %+v", e)
	}
}

// The registry's digest for a tag, against the digest the pods run: a tag
// pushed again is said from the source, even when every pod agrees.
func TestRepushedTagFromTheRegistry(t *testing.T) {
	img := "127.0.0.1:5117/uniform:winter-2024"
	running := "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	rev := snapshot.Revision{Revision: revision.Revision{Number: 2, Current: true}, Images: []string{img},
		Pods: []snapshot.Pod{{Name: "a", Images: []snapshot.RunningImage{{Image: img, ImageID: "127.0.0.1:5117/uniform@" + running}}}}}
	s := &snapshot.Snapshot{Revisions: []snapshot.Revision{rev}}
	if f := find(Findings(s), "RepushedTag"); f != nil {
		t.Fatalf("before the registry answered: %+v", f)
	}
	s.Revisions[0].Registry = map[string]snapshot.Resolved{img: {Digest: running}}
	if f := find(Findings(s), "RepushedTag"); f != nil {
		t.Fatalf("the registry agrees with the pods: %+v", f)
	}
	s.Revisions[0].Registry[img] = snapshot.Resolved{Digest: "sha256:2222222222222222222222222222222222222222222222222222222222222222"}
	f := find(Findings(s), "RepushedTag")
	if f == nil || !strings.Contains(f.Hint, "now names sha256:222222222222, but pods of rev 2 run sha256:111111111111") {
		t.Fatalf("re-pushed tag: %+v", f)
	}
	// A multi-platform tag names an index, of which the pods' platform
	// manifest is one entry (what some runtimes record): not a push.
	s.Revisions[0].Registry[img] = snapshot.Resolved{
		Digest:    "sha256:3333333333333333333333333333333333333333333333333333333333333333",
		Manifests: []string{"sha256:4444444444444444444444444444444444444444444444444444444444444444", running},
	}
	if f := find(Findings(s), "RepushedTag"); f != nil {
		t.Fatalf("pods that run a platform manifest of the index the tag names: %+v", f)
	}
}

// With --registry-auth=pull-secrets each pull Secret was tried against the
// registry: the hint names the one refused, or the one that opens it now.
func TestPullSecretVerdicts(t *testing.T) {
	for verdict, want := range map[string]string{
		"refused":        `Secret regcred is refused by private.registry.example (unauthorized)`,
		"accepted":       "Secret regcred opens private.registry.example now: the pod tried before the Secret worked; restart it: `kubectl rollout restart deploy/clerk-squad -n shop`",
		"no credentials": "imagePullSecrets regcred hold no credentials for private.registry.example",
	} {
		s := load(t, "private-missing-secret", map[string]bool{"regcred": true})
		s.PullSecrets = map[string]string{"regcred": verdict}
		f := find(Findings(s), "ImagePullBackOff")
		if f == nil || !strings.Contains(f.Hint, want) {
			t.Errorf("%s: %+v, want %q", verdict, f, want)
		}
	}
}

// A pod that names no pull Secret: what its ServiceAccount lists now tells
// a Secret never made from one added after the pod was created.
func TestServiceAccountOfAPodWithoutPullSecrets(t *testing.T) {
	for name, c := range map[string]struct {
		listed []string
		known  bool
		want   string
	}{
		"unknown": {nil, false, "the pod has no imagePullSecrets"},
		"none":    {[]string{}, true, "no pull Secret named, and ServiceAccount default has none; create one with `kubectl create secret docker-registry regcred --docker-server=private.registry.example"},
		"added":   {[]string{"warehouse-key"}, true, "ServiceAccount default lists pull Secret warehouse-key, but the pod was created before: restart it: `kubectl rollout restart deploy/clerk-squad -n shop`"},
	} {
		s := load(t, "private-no-secret", nil)
		if c.known {
			s.ServiceAccounts = map[string][]string{"default": c.listed}
		}
		f := find(Findings(s), "ImagePullBackOff")
		if f == nil || !strings.Contains(f.Hint, c.want) {
			t.Errorf("%s: %+v, want %q", name, f, c.want)
		}
	}
}

// commands are the commands a hint gives to copy: its `backticked` spans.
func commands(hint string) []string {
	var out []string
	parts := strings.Split(hint, "`")
	for i := 1; i < len(parts); i += 2 {
		out = append(out, parts[i])
	}
	return out
}

// words splits a command as a POSIX shell does, by asking one.
func words(t *testing.T, command string) []string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		// Every machine the tests run on has one (CI's too); skipping
		// would pass a hint's quoting unchecked.
		t.Fatalf("no sh to split a command with: %v", err)
	}
	out, err := exec.Command(sh, "-c", `set -- `+command+`; for w in "$@"; do printf '%s\0' "$w"; done`).Output()
	if err != nil {
		t.Fatalf("sh cannot read %q: %v", command, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// flagValue is the word after flag in a command's words, as kubectl reads it.
func flagValue(ws []string, flag string) (string, bool) {
	for i, w := range ws {
		if w == flag && i+1 < len(ws) {
			return ws[i+1], true
		}
	}
	return "", false
}

// Every command a hint gives acts where the user is: after
// `--context prod`, a pasted `kubectl describe pod` must not go to the
// kubeconfig's current context. Values a shell would split or expand
// arrive as one word, as typed.
func TestHintCommandsCarryTheConnectionFlags(t *testing.T) {
	where := snapshot.Where{
		Kubeconfig: "/home/me/.kube/two clusters",
		Context:    "prod",
		Cluster:    "eu-1 $(echo hijacked)",
		User:       "o'brien",
	}
	for _, tc := range []struct {
		file            string
		secrets         map[string]bool
		serviceAccounts map[string][]string
		reason          string
		commands        []string // how each command starts
	}{
		{"private-no-secret", nil, nil, "ImagePullBackOff", []string{"kubectl create secret docker-registry regcred"}},
		{"private-no-secret", nil, map[string][]string{"default": {}}, "ImagePullBackOff", []string{"kubectl create secret docker-registry regcred", "kubectl patch serviceaccount default"}},
		{"private-no-secret", nil, map[string][]string{"default": {"warehouse-key"}}, "ImagePullBackOff", []string{"kubectl rollout restart deploy/clerk-squad"}},
		{"private-missing-secret", map[string]bool{"regcred": false}, nil, "ImagePullBackOff", []string{"kubectl create secret docker-registry regcred"}},
		{"not-found", nil, nil, "ImagePullBackOff", []string{"kubectl mannequin undo deploy/clerk-squad"}},
		{"crash-loop", nil, nil, "CrashLoopBackOff", []string{"kubectl logs --previous clerk-squad-new-a -c uniform"}},
		{"oom-killed", nil, nil, "OOMKilled", []string{"kubectl logs --previous clerk-squad-new-a -c uniform"}},
		{"config-error", nil, nil, "CreateContainerConfigError", []string{"kubectl create configmap settings"}},
		{"unschedulable", nil, nil, "Unschedulable", []string{"kubectl describe pod clerk-squad-new-a"}},
		{"quota", nil, nil, "ReplicaFailure: FailedCreate", []string{"kubectl describe resourcequota"}},
		{"deadline", nil, nil, "ProgressDeadlineExceeded", []string{"kubectl mannequin history deploy/clerk-squad", "kubectl mannequin undo deploy/clerk-squad"}},
	} {
		t.Run(tc.file+"/"+tc.reason+"/"+strings.Join(tc.commands, ","), func(t *testing.T) {
			s := load(t, tc.file, tc.secrets)
			s.ServiceAccounts = tc.serviceAccounts
			s.Where = where
			f := find(Findings(s), tc.reason)
			if f == nil {
				t.Fatalf("no %s finding", tc.reason)
			}
			cmds := commands(f.Hint)
			if len(cmds) != len(tc.commands) {
				t.Fatalf("want %d commands, got %q in:\n%s", len(tc.commands), cmds, f.Hint)
			}
			for i, c := range cmds {
				if !strings.HasPrefix(c, tc.commands[i]+" ") {
					t.Errorf("command %d: %q, want it to start with %q", i, c, tc.commands[i])
				}
				ws := words(t, c)
				for flag, want := range map[string]string{
					"-n": "shop", "--kubeconfig": where.Kubeconfig, "--context": where.Context,
					"--cluster": where.Cluster, "--user": where.User,
				} {
					if got, ok := flagValue(ws, flag); !ok || got != want {
						t.Errorf("%s: %s is %q (given: %v), want %q; the shell reads %q", c, flag, got, ok, want, ws)
					}
				}
			}
		})
	}
}

// Without connection flags a command names the namespace alone, as before,
// and a word of the cluster's that a shell would run is quoted.
func TestHintCommandsWithoutFlagsAndHostileWords(t *testing.T) {
	s := load(t, "crash-loop", nil)
	f := find(Findings(s), "CrashLoopBackOff")
	if want := "`kubectl logs --previous clerk-squad-new-a -c uniform -n shop`"; f == nil || !strings.HasSuffix(f.Hint, want) {
		t.Errorf("without flags: %+v, want it to end with %s", f, want)
	}

	// An image is free text to the API server: its host can be anything
	// without a space.
	s = load(t, "private-no-secret", nil)
	s.Revisions[0].Pods[0].Image = "evil.example$(echo${IFS}pwned)/uniform:1"
	f = find(Findings(s), "ImagePullBackOff")
	if f == nil {
		t.Fatal("no ImagePullBackOff finding")
	}
	cmds := commands(f.Hint)
	if len(cmds) == 0 {
		t.Fatalf("no command in %q", f.Hint)
	}
	if got, _ := flagValue(words(t, strings.ReplaceAll(cmds[0], "--docker-server=", "--docker-server ")), "--docker-server"); got != "evil.example$(echo${IFS}pwned)" {
		t.Errorf("the host is not one inert word: the shell reads %q from %s", got, cmds[0])
	}
}

// A failing newest revision with nothing kept before it says so before the
// user reaches for u; with an earlier revision, or healthy pods, nothing.
func TestNothingToGoBackTo(t *testing.T) {
	one := func(number int64, st snapshot.PodState) *snapshot.Snapshot {
		s := &snapshot.Snapshot{Workload: snapshot.Workload{Kind: "Deployment", Short: "deploy", Namespace: "shop", Name: "till"}}
		s.Revisions = []snapshot.Revision{{Revision: revision.Revision{Number: number, Current: true},
			Pods: []snapshot.Pod{{Name: "till-a", State: st, Reason: "CrashLoopBackOff", Container: "uniform"}}}}
		return s
	}
	if f := find(Findings(one(4, snapshot.PodFailed)), "NoEarlierRevision"); f == nil || !strings.Contains(f.Hint, "no revision before rev 4 is kept (revisionHistoryLimit 0") || !strings.Contains(f.Hint, "kubectl mannequin history deploy/till -n shop") {
		t.Errorf("pruned: %+v", f)
	}
	if f := find(Findings(one(1, snapshot.PodFailed)), "NoEarlierRevision"); f == nil || !strings.HasPrefix(f.Hint, "rev 1 is the first revision") {
		t.Errorf("first: %+v", f)
	}
	if f := find(Findings(one(4, snapshot.PodReady)), "NoEarlierRevision"); f != nil {
		t.Errorf("healthy: %+v", f)
	}
	kept := one(4, snapshot.PodFailed)
	kept.Revisions = append(kept.Revisions, snapshot.Revision{Revision: revision.Revision{Number: 3}})
	if f := find(Findings(kept), "NoEarlierRevision"); f != nil {
		t.Errorf("with rev 3 kept: %+v", f)
	}
}
