package history

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func rs(name, rev string, images ...string) *appsv1.ReplicaSet {
	r := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{
		Name: name, UID: types.UID(name),
		Annotations:       map[string]string{"deployment.kubernetes.io/revision": rev},
		CreationTimestamp: metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
	}}
	for i, img := range images {
		r.Spec.Template.Spec.Containers = append(r.Spec.Template.Spec.Containers, corev1.Container{Name: []string{"app", "sidecar"}[i], Image: img})
	}
	return r
}

func TestRowSaysCurrentAndEarlierNumbers(t *testing.T) {
	cur := rs("c", "10", "u:autumn")
	cur.Annotations["deployment.kubernetes.io/revision-history"] = "2,5"
	revs := forDeployment(cur, rs("a", "3", "u:summer", "s:1"), cur)
	now := time.Date(2026, 1, 1, 0, 5, 0, 0, time.UTC)
	row := Row(&revs[0], now)
	if row[0] != "10 (current, was 2,5)" || row[1] != "u:autumn" || row[2] != "<none>" || row[3] != "5m" || row[4] != "0/0" || row[5] != "c" {
		t.Errorf("current row: %q", row)
	}
	if got := Row(&revs[1], now)[1]; got != "app=u:summer,sidecar=s:1" {
		t.Errorf("several containers: %q", got)
	}
}

// owner controls every ReplicaSet the tests build.
var owner = &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", UID: "d"}}

// forDeployment is the history of rss, current among them.
func forDeployment(current *appsv1.ReplicaSet, rss ...*appsv1.ReplicaSet) []Revision {
	for _, r := range rss {
		r.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(owner, appsv1.SchemeGroupVersion.WithKind("Deployment"))}
	}
	revs, _ := revision.FromReplicaSets(owner, rss, current)
	return revs
}

func TestDiffIgnoresHashLabel(t *testing.T) {
	a, b := rs("a", "1", "u:summer"), rs("b", "2", "u:winter")
	a.Spec.Template.Labels = map[string]string{"app": "x", "pod-template-hash": "aaa"}
	b.Spec.Template.Labels = map[string]string{"app": "x", "pod-template-hash": "bbb"}
	revs := forDeployment(b, a, b)
	d, err := Diff(&revs[1], &revs[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(d, "pod-template-hash") || !strings.Contains(d, "-  - image: u:summer") || !strings.Contains(d, "+  - image: u:winter") {
		t.Errorf("diff:\n%s", d)
	}
	same, _ := Diff(&revs[0], &revs[0])
	if same != "" {
		t.Errorf("a revision against itself should not differ:\n%s", same)
	}
}
