package diagnose

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

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
	s := snapshot.FromDeployment(d, rss, pods, now, now)
	uids := map[types.UID]bool{}
	for _, p := range pods {
		uids[p.UID] = true
	}
	s.Events = snapshot.WarningEvents(events, uids)
	s.Secrets = secrets
	return &s
}

func find(fs []Finding, reason string) *Finding {
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
	s.Revisions[0].Registry = map[string]string{img: running}
	if f := find(Findings(s), "RepushedTag"); f != nil {
		t.Fatalf("the registry agrees with the pods: %+v", f)
	}
	s.Revisions[0].Registry[img] = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	f := find(Findings(s), "RepushedTag")
	if f == nil || !strings.Contains(f.Hint, "now names sha256:222222222222, but pods of rev 2 run sha256:111111111111") {
		t.Fatalf("re-pushed tag: %+v", f)
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
