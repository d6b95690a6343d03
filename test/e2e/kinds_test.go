package e2e

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

func podTemplate(app, image, readyDelay string) corev1.PodTemplateSpec {
	ann := map[string]string{}
	if readyDelay != "" {
		ann["pod-ready.stage.kwok.x-k8s.io/delay"] = readyDelay
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": app}, Annotations: ann},
		Spec: corev1.PodSpec{
			Containers:  []corev1.Container{{Name: "uniform", Image: image}},
			Tolerations: []corev1.Toleration{{Key: "kwok.x-k8s.io/node", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
		},
	}
}

func createStatefulSet(t *testing.T, ns, name string, replicas, partition int32, image, readyDelay string) {
	t.Helper()
	sts := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.StatefulSetSpec{
			Replicas:    &replicas,
			Selector:    &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			ServiceName: name,
			Template:    podTemplate(name, image, readyDelay),
			UpdateStrategy: appsv1.StatefulSetUpdateStrategy{
				Type:          appsv1.RollingUpdateStatefulSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{Partition: &partition},
			},
		},
	}
	if _, err := cluster.Client.AppsV1().StatefulSets(ns).Create(context.Background(), sts, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func createDaemonSet(t *testing.T, ns, name, image, readyDelay string) {
	t.Helper()
	one := intstr.FromInt32(1)
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: podTemplate(name, image, readyDelay),
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{
				Type:          appsv1.RollingUpdateDaemonSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: &one},
			},
		},
	}
	if _, err := cluster.Client.AppsV1().DaemonSets(ns).Create(context.Background(), ds, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// waitKind waits for `kubectl rollout status` itself to say the workload is done.
func waitKind(t *testing.T, ns, ref string) {
	t.Helper()
	if r := env.Kubectl(ctxFor(t, 3*time.Minute), "rollout", "status", ref, "-n", ns, "--timeout=150s"); r.Code != 0 {
		t.Fatalf("%s did not roll out: %s%s", ref, r.Stdout, r.Stderr)
	}
}

// shelfLabels returns, for each revision shelf on screen, the labels
// (ordinals or node names) written under its mannequins.
func shelfLabels(screen []string, isLabel func(string) bool) map[string][]string {
	out := map[string][]string{}
	cur := ""
	for _, l := range screen {
		if m := shelfTitle.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			cur = m[1]
			out[cur] = nil
			continue
		}
		if cur == "" || strings.TrimSpace(l) == "" {
			continue
		}
		fields := strings.Fields(l)
		all := true
		for _, f := range fields {
			all = all && isLabel(f)
		}
		if all {
			out[cur] = append(out[cur], fields...)
		}
	}
	return out
}

var digits = regexp.MustCompile(`^\d+$`)

func TestStatefulSetReplacesHighestOrdinalFirst(t *testing.T) {
	ns := namespace(t)
	createStatefulSet(t, ns, "vault", 5, 0, summer, "1s")
	waitKind(t, ns, "sts/vault")
	term, err := env.StartTerminal(ctxFor(t, 3*time.Minute), 140, 40, "mannequin", "watch", "sts/vault", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return figures(s) == 5 }); err != nil {
		t.Fatalf("no view: %v\n%s", err, shown(term.Screen()))
	}
	if !contains(term.Screen(), "partition 0") {
		t.Errorf("the view should show the partition:\n%s", shown(term.Screen()))
	}
	if r := env.Kubectl(context.Background(), "-n", ns, "set", "image", "sts/vault", "uniform="+winter); r.Code != 0 {
		t.Fatal(r.Stderr)
	}
	// Sample the screen: the new revision's ordinals must always be the top
	// ones (4, then 3-4, ...), never a lower one first.
	seen := map[string]bool{}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		labels := shelfLabels(term.Screen(), digits.MatchString)
		if len(labels) == 2 {
			revs := make([]string, 0, 2)
			for k := range labels {
				revs = append(revs, k)
			}
			sort.Strings(revs)
			newest := labels[revs[1]]
			if len(newest) > 0 {
				low := 5 - len(newest)
				for i, o := range newest {
					if o != strconv.Itoa(low+i) {
						t.Fatalf("new revision runs ordinals %v: not the highest first", newest)
					}
				}
				seen[strings.Join(newest, ",")] = true
			}
		}
		if labels := shelfLabels(term.Screen(), digits.MatchString); len(labels) == 1 && len(labels["2"]) == 5 {
			break // the update is complete
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(seen) < 2 {
		t.Errorf("saw too few intermediate states of the swap: %v", seen)
	}
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)
}

func TestStatefulSetPartitionStopsTheUpdate(t *testing.T) {
	ns := namespace(t)
	createStatefulSet(t, ns, "split", 5, 3, summer, "")
	waitKind(t, ns, "sts/split")
	if r := env.Kubectl(context.Background(), "-n", ns, "set", "image", "sts/split", "uniform="+winter); r.Code != 0 {
		t.Fatal(r.Stderr)
	}
	r := env.Mannequin(ctxFor(t, 2*time.Minute), "watch", "sts/split", "-n", ns, "--until-done", "--timeout", "90s")
	if r.Code != 0 || !strings.Contains(r.Stdout, "rollout complete: partitioned roll out complete: 2 new pods have been updated...") {
		t.Fatalf("exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	term, err := env.StartTerminal(ctxFor(t, time.Minute), 140, 40, "mannequin", "watch", "sts/split", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	s, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return len(shelfLabels(s, digits.MatchString)) == 2 })
	if err != nil {
		t.Fatalf("no view: %v", err)
	}
	labels := shelfLabels(s, digits.MatchString)
	if got := strings.Join(labels["2"], ","); got != "3,4" {
		t.Errorf("rev 2 should hold ordinals 3,4, holds %q\n%s", got, shown(s))
	}
	if got := strings.Join(labels["1"], ","); got != "0,1,2" {
		t.Errorf("rev 1 should keep ordinals 0,1,2, holds %q", got)
	}
	if !contains(s, "partition 3") {
		t.Errorf("the view should show the partition")
	}
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)
}

func TestDaemonSetUpdatesNodeByNode(t *testing.T) {
	ns := namespace(t)
	createDaemonSet(t, ns, "guard", summer, "2s")
	waitKind(t, ns, "ds/guard")
	term, err := env.StartTerminal(ctxFor(t, 3*time.Minute), 140, 40, "mannequin", "watch", "ds/guard", "-n", ns)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	isNode := func(s string) bool { return strings.HasPrefix(s, "kwok-node-") }
	if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return len(shelfLabels(s, isNode)["1"]) == 3 }); err != nil {
		t.Fatalf("no mannequin per node: %v\n%s", err, shown(term.Screen()))
	}
	if r := env.Kubectl(context.Background(), "-n", ns, "set", "image", "ds/guard", "uniform="+winter); r.Code != 0 {
		t.Fatal(r.Stderr)
	}
	sizes := map[int]bool{}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		l := shelfLabels(term.Screen(), isNode)
		if n := len(l["2"]); n > 0 && n < 3 {
			sizes[n] = true
			if len(l["1"])+n > 3 {
				t.Fatalf("more mannequins than nodes: %v", l)
			}
		}
		if len(l["2"]) == 3 && len(l) == 1 {
			break // every node runs the new revision
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !sizes[1] {
		t.Errorf("never saw the update on exactly one node: %v", sizes)
	}
	_ = term.Send("q")
	_, _ = term.Wait(10 * time.Second)
}

// history and undo of StatefulSets and DaemonSets: the same revisions and
// the same rollbacks as kubectl's, on twin objects.
func TestKindsHistoryAndUndoMatchKubectl(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 5*time.Minute)
	for _, kind := range []string{"sts", "ds"} {
		for _, twin := range []string{"a", "b"} {
			name := kind + "-" + twin
			if kind == "sts" {
				createStatefulSet(t, ns, name, 2, 0, summer, "")
			} else {
				createDaemonSet(t, ns, name, summer, "")
			}
			waitKind(t, ns, kind+"/"+name)
			for _, img := range []string{winter, autumn} {
				if r := env.Kubectl(ctx, "-n", ns, "set", "image", kind+"/"+name, "uniform="+img); r.Code != 0 {
					t.Fatal(r.Stderr)
				}
				waitKind(t, ns, kind+"/"+name)
			}
		}
		a, b := kind+"-a", kind+"-b"
		kh := env.Kubectl(ctx, "rollout", "history", kind+"/"+a, "-n", ns)
		mh := env.Mannequin(ctx, "history", kind+"/"+b, "-n", ns, "-o", "json")
		for _, rev := range []string{"1", "2", "3"} {
			if !regexp.MustCompile(`(?m)^`+rev+`\s`).MatchString(kh.Stdout) || !strings.Contains(mh.Stdout, `"revision": `+rev) {
				t.Errorf("%s: revision %s missing: kubectl\n%s\nmannequin\n%s", kind, rev, kh.Stdout, mh.Stdout)
			}
		}
		k := env.Kubectl(ctx, "rollout", "undo", kind+"/"+a, "-n", ns, "--to-revision=1")
		m := env.Mannequin(ctx, "undo", kind+"/"+b, "-n", ns, "--to-revision=1", "--yes")
		if k.Code != 0 || m.Code != 0 || strings.ReplaceAll(k.Stdout, a, b) != m.Stdout {
			t.Errorf("%s undo: kubectl %d %q %q; mannequin %d %q %q", kind, k.Code, k.Stdout, k.Stderr, m.Code, m.Stdout, m.Stderr)
		}
		ta, tb := templateOf(t, ns, kind, a), templateOf(t, ns, kind, b)
		ta.Labels, tb.Labels = nil, nil
		if !equality.Semantic.DeepEqual(ta, tb) || ta.Spec.Containers[0].Image != summer {
			t.Errorf("%s: templates differ after undo:\n%+v\n%+v", kind, ta.Spec, tb.Spec)
		}
		k = env.Kubectl(ctx, "rollout", "undo", kind+"/"+a, "-n", ns, "--to-revision=999")
		m = env.Mannequin(ctx, "undo", kind+"/"+b, "-n", ns, "--to-revision=999", "--yes")
		if k.Code == 0 || m.Code == 0 || k.Stderr != m.Stderr {
			t.Errorf("%s bad revision: kubectl %d %q; mannequin %d %q", kind, k.Code, k.Stderr, m.Code, m.Stderr)
		}
	}
}

func templateOf(t *testing.T, ns, kind, name string) *corev1.PodTemplateSpec {
	t.Helper()
	var tpl *corev1.PodTemplateSpec
	err := framework.Eventually(10*time.Second, func() (bool, error) {
		if kind == "sts" {
			o, err := cluster.Client.AppsV1().StatefulSets(ns).Get(context.Background(), name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			tpl = &o.Spec.Template
		} else {
			o, err := cluster.Client.AppsV1().DaemonSets(ns).Get(context.Background(), name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			tpl = &o.Spec.Template
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func TestKindsUntilDoneExitCodes(t *testing.T) {
	ns := namespace(t)
	createStatefulSet(t, ns, "depot", 2, 0, summer, "")
	createDaemonSet(t, ns, "patrol", summer, "")
	waitKind(t, ns, "sts/depot")
	waitKind(t, ns, "ds/patrol")
	ctx := ctxFor(t, 4*time.Minute)
	for _, ref := range []string{"sts/depot", "ds/patrol"} {
		if r := env.Kubectl(ctx, "-n", ns, "set", "image", ref, "uniform="+winter); r.Code != 0 {
			t.Fatal(r.Stderr)
		}
		if r := env.Mannequin(ctx, "watch", ref, "-n", ns, "--until-done", "--timeout", "90s"); r.Code != 0 {
			t.Errorf("%s good update: exit %d %s", ref, r.Code, r.Stderr)
		}
		if r := env.Kubectl(ctx, "-n", ns, "set", "image", ref, "uniform=registry.example/uniform:nonexistent"); r.Code != 0 {
			t.Fatal(r.Stderr)
		}
		r := env.Mannequin(ctx, "watch", ref, "-n", ns, "--until-done", "--timeout", "8s")
		if r.Code != 3 || !strings.Contains(r.Stderr, "timed out after 8s") {
			t.Errorf("%s stuck update: exit %d %q", ref, r.Code, r.Stderr)
		}
	}
}
