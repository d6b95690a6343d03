package revision

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
)

var (
	deploy = &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", UID: "d"}}
	sts    = &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "s", UID: "s"}}
)

func controlledBy(o metav1.Object, kind string) []metav1.OwnerReference {
	return []metav1.OwnerReference{*metav1.NewControllerRef(o, appsv1.SchemeGroupVersion.WithKind(kind))}
}

func rs(name, rev string, images ...string) *appsv1.ReplicaSet {
	r := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{
		Name: name, UID: types.UID(name),
		Annotations:       map[string]string{NumberAnnotation: rev},
		CreationTimestamp: metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		OwnerReferences:   controlledBy(deploy, "Deployment"),
	}}
	for i, img := range images {
		r.Spec.Template.Spec.Containers = append(r.Spec.Template.Spec.Containers, corev1.Container{Name: []string{"app", "sidecar"}[i], Image: img})
	}
	return r
}

func TestFromReplicaSetsOrdersAndSaysBadNumbers(t *testing.T) {
	cur := rs("c", "10", "u:autumn")
	cur.Annotations[ReusedAnnotation] = "2,5"
	bad := rs("bad", "ten", "u:x")
	stranger := rs("stranger", "99", "u:y")
	stranger.OwnerReferences = nil
	revs, warnings := FromReplicaSets(deploy, []*appsv1.ReplicaSet{rs("a", "3", "u:summer", "s:1"), bad, cur, rs("b", "9", "u:winter"), stranger}, cur)
	var got []string
	for _, r := range revs {
		got = append(got, r.Name)
	}
	if strings.Join(got, ",") != "c,b,a,bad" {
		t.Fatalf("want c (10), b (9), a (3), bad (0) and no stranger; got %v", got)
	}
	if !revs[0].Current || revs[1].Current || revs[2].Current || revs[3].Current {
		t.Errorf("only c is current: %+v", revs)
	}
	if len(revs[0].Reused) != 2 || revs[0].Reused[0] != 2 || revs[0].Reused[1] != 5 {
		t.Errorf("reused numbers: %v", revs[0].Reused)
	}
	if revs[3].Problem == "" || revs[3].Number != 0 {
		t.Errorf("a bad number is kept as 0 with a problem: %+v", revs[3])
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `ReplicaSet bad has revision "ten"`) {
		t.Errorf("want one warning about bad, got %v", warnings)
	}
	if u := Usable(revs); len(u) != 3 || u[2].Name != "a" {
		t.Errorf("usable revisions leave bad out: %+v", u)
	}
	if r, ok := Find(revs, 9); !ok || r.Name != "b" {
		t.Errorf("find 9: %v %v", r, ok)
	}
	if r, ok := CurrentOf(revs); !ok || r.Name != "c" {
		t.Errorf("current: %v %v", r, ok)
	}
	if got := revs[2].ImagesCell(); got != "app=u:summer,sidecar=s:1" {
		t.Errorf("several containers: %q", got)
	}
	if got := revs[1].Label(); got != "rev 9 (u:winter)" {
		t.Errorf("label: %q", got)
	}
}

func TestCurrentReplicaSetIgnoresTheHashAndPrefersTheOldest(t *testing.T) {
	tpl := corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "u:1"}}}}
	older, newer, other := rs("older", "1", "u:1"), rs("newer", "2", "u:1"), rs("other", "3", "u:2")
	older.Spec.Template.Labels = map[string]string{podTemplateHashLabel: "aaa"}
	newer.CreationTimestamp = metav1.NewTime(older.CreationTimestamp.Add(time.Minute))
	if got := CurrentReplicaSet(deploy, &tpl, []*appsv1.ReplicaSet{other, newer, older}); got != older {
		t.Errorf("want older, got %v", got)
	}
	if got := CurrentReplicaSet(deploy, &tpl, []*appsv1.ReplicaSet{other}); got != nil {
		t.Errorf("no match wants nil, got %v", got.Name)
	}
}

func controllerRevision(name string, number int64, data string) *appsv1.ControllerRevision {
	return &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID(name), OwnerReferences: controlledBy(sts, "StatefulSet"),
			Labels: map[string]string{appsv1.ControllerRevisionHashLabelKey: name + "-hash"}},
		Revision: number,
		Data:     runtime.RawExtension{Raw: []byte(data)},
	}
}

func pod(name, hash string, ready bool, owner metav1.Object) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{appsv1.ControllerRevisionHashLabelKey: hash}}}
	if owner != nil {
		p.OwnerReferences = controlledBy(owner, "StatefulSet")
	}
	if ready {
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	}
	return p
}

func TestFromControllerRevisionsCountsPodsAndSaysUnreadableTemplates(t *testing.T) {
	crs := []*appsv1.ControllerRevision{
		controllerRevision("s-1", 1, `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"u:1"}]}}}}`),
		controllerRevision("s-2", 2, `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"u:2"}]}}}}`),
		controllerRevision("s-3", 3, `{"spec":`),
	}
	revs, warnings := FromControllerRevisions(sts, crs, "s-2")
	if len(revs) != 3 || revs[0].Name != "s-3" || revs[1].Name != "s-2" || !revs[1].Current || revs[2].Containers[0].Image != "u:1" {
		t.Fatalf("revisions: %+v", revs)
	}
	if revs[0].Problem == "" || len(warnings) != 1 || !strings.Contains(warnings[0], "ControllerRevision s-3") {
		t.Errorf("an unreadable template is said: %q %v", revs[0].Problem, warnings)
	}
	pods := []*corev1.Pod{
		pod("s-0", "s-2", true, sts),       // by name, as StatefulSet pods carry it
		pod("s-1", "s-1-hash", false, sts), // by hash, as DaemonSet pods carry it
		pod("s-2", "s-2", true, nil),       // nobody's: not counted
	}
	CountPods(sts, revs, pods, func(p *corev1.Pod) bool { return len(p.Status.Conditions) > 0 })
	if revs[1].Desired != 1 || revs[1].Ready != 1 || revs[2].Desired != 1 || revs[2].Ready != 0 {
		t.Errorf("counts: s-2 %d/%d, s-1 %d/%d", revs[1].Ready, revs[1].Desired, revs[2].Ready, revs[2].Desired)
	}
}

func TestMatcherTellsReplicaSetPodsByTheirController(t *testing.T) {
	a, b := rs("a", "1"), rs("b", "2")
	revs, _ := FromReplicaSets(deploy, []*appsv1.ReplicaSet{a, b}, b)
	m := NewMatcher(deploy, revs)
	mine := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{OwnerReferences: controlledBy(a, "ReplicaSet")}}
	if i := m.Of(mine); i < 0 || revs[i].Name != "a" {
		t.Errorf("pod of a matched %d", i)
	}
	if i := m.Of(&corev1.Pod{}); i != -1 {
		t.Errorf("a pod without controller matched %d", i)
	}
}

func TestShortImage(t *testing.T) {
	for in, want := range map[string]string{
		"registry.example/team/uniform:winter-2024":       "uniform:winter-2024",
		"uniform@sha256:0123456789abcdef0123456789abcdef": "uniform@sha256:0123456789ab",
		"nginx":                                "nginx",
		"registry.example:5000/a/b/uniform:v1": "uniform:v1",
	} {
		if got := ShortImage(in); got != want {
			t.Errorf("ShortImage(%q) = %q, want %q", in, got, want)
		}
	}
}
