package history

import (
	"fmt"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/duration"
)

// SchemeGroupVersion names the schema of `history -o json|yaml`.
var SchemeGroupVersion = schema.GroupVersion{Group: "mannequin.kubectl.io", Version: "v1alpha1"}

// RevisionList is the stable, documented output of `history -o json|yaml`.
type RevisionList struct {
	metav1.TypeMeta `json:",inline"`
	// Workload is "deployment.apps/NAME"; Namespace is its namespace.
	Workload  string         `json:"workload"`
	Namespace string         `json:"namespace"`
	Items     []RevisionItem `json:"items"`
}

// RevisionItem is one revision, newest first in Items.
type RevisionItem struct {
	Revision    int64                `json:"revision"`
	Current     bool                 `json:"current"`
	ReplicaSet  string               `json:"replicaSet"`
	Containers  []revision.Container `json:"containers"`
	ChangeCause string               `json:"changeCause,omitempty"`
	Created     metav1.Time          `json:"created"`
	Desired     int32                `json:"desiredReplicas"`
	Ready       int32                `json:"readyReplicas"`
	// PreviousRevisions are numbers this revision had before undos reused it.
	PreviousRevisions []int64 `json:"previousRevisions,omitempty"`
}

// DeepCopyObject lets printers treat the list as a runtime.Object.
func (l *RevisionList) DeepCopyObject() runtime.Object {
	c := *l
	c.Items = make([]RevisionItem, len(l.Items))
	for i, it := range l.Items {
		it.Containers = append([]revision.Container(nil), it.Containers...)
		it.PreviousRevisions = append([]int64(nil), it.PreviousRevisions...)
		c.Items[i] = it
	}
	return &c
}

// List converts revisions into the output schema.
func List(namespace, workload string, revs []Revision) *RevisionList {
	l := &RevisionList{Workload: workload, Namespace: namespace, Items: []RevisionItem{}}
	l.SetGroupVersionKind(SchemeGroupVersion.WithKind("RevisionList"))
	for _, r := range revs {
		l.Items = append(l.Items, RevisionItem{
			Revision: r.Number, Current: r.Current, ReplicaSet: r.Name,
			Containers: r.Containers, ChangeCause: r.ChangeCause,
			Created: metav1.NewTime(r.Created), Desired: r.Desired, Ready: r.Ready,
			PreviousRevisions: r.Reused,
		})
	}
	return l
}

// Header is the history table's header row.
var Header = []string{"REVISION", "IMAGES", "CHANGE-CAUSE", "AGE", "PODS", "REPLICASET"}

// Row is one revision as table cells. The current revision is marked, and
// a renumbered revision says what it used to be called.
func Row(r *Revision, now time.Time) []string {
	num := fmt.Sprint(r.Number)
	var notes []string
	if r.Current {
		notes = append(notes, "current")
	}
	if len(r.Reused) > 0 {
		was := make([]string, len(r.Reused))
		for i, n := range r.Reused {
			was[i] = fmt.Sprint(n)
		}
		notes = append(notes, "was "+strings.Join(was, ","))
	}
	if len(notes) > 0 {
		num += " (" + strings.Join(notes, ", ") + ")"
	}
	cause := sanitize.Text(r.ChangeCause)
	if cause == "" {
		cause = "<none>"
	}
	return []string{
		num, r.ImagesCell(), cause,
		duration.HumanDuration(now.Sub(r.Created)),
		fmt.Sprintf("%d/%d", r.Ready, r.Desired),
		r.Name,
	}
}
