package history

import (
	"fmt"
	"strings"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
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
	// Images, with --layers: what the registry holds for each container.
	Images []ContainerImage `json:"images,omitempty"`
}

// RevisionDetail is one revision with its pod template: the output of
// `history --revision N -o json|yaml`, an item of RevisionList plus what
// --revision shows.
type RevisionDetail struct {
	metav1.TypeMeta `json:",inline"`
	Workload        string `json:"workload"`
	Namespace       string `json:"namespace"`
	RevisionItem    `json:",inline"`
	// Template is the revision's pod template, without pod-template-hash.
	Template *corev1.PodTemplateSpec `json:"template"`
}

// DeepCopyObject lets printers treat the detail as a runtime.Object.
func (d *RevisionDetail) DeepCopyObject() runtime.Object {
	c := *d
	c.Containers = append([]revision.Container(nil), d.Containers...)
	c.PreviousRevisions = append([]int64(nil), d.PreviousRevisions...)
	c.Template = d.Template.DeepCopy()
	return &c
}

// Detail converts one revision into the output schema.
func Detail(namespace, workload string, r *Revision) *RevisionDetail {
	d := &RevisionDetail{Workload: workload, Namespace: namespace, RevisionItem: item(r), Template: r.Template.DeepCopy()}
	delete(d.Template.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	d.SetGroupVersionKind(SchemeGroupVersion.WithKind("Revision"))
	return d
}

// DeepCopyObject lets printers treat the list as a runtime.Object.
func (l *RevisionList) DeepCopyObject() runtime.Object {
	c := *l
	c.Items = make([]RevisionItem, len(l.Items))
	for i, it := range l.Items {
		it.Containers = append([]revision.Container(nil), it.Containers...)
		it.PreviousRevisions = append([]int64(nil), it.PreviousRevisions...)
		it.Images = append([]ContainerImage(nil), it.Images...)
		for j := range it.Images {
			it.Images[j].Layers = append([]ImageLayer(nil), it.Images[j].Layers...)
		}
		c.Items[i] = it
	}
	return &c
}

// List converts revisions into the output schema.
func List(namespace, workload string, revs []Revision) *RevisionList {
	l := &RevisionList{Workload: workload, Namespace: namespace, Items: []RevisionItem{}}
	l.SetGroupVersionKind(SchemeGroupVersion.WithKind("RevisionList"))
	for i := range revs {
		l.Items = append(l.Items, item(&revs[i]))
	}
	return l
}

func item(r *Revision) RevisionItem {
	return RevisionItem{
		Revision: r.Number, Current: r.Current, ReplicaSet: r.Name,
		Containers: r.Containers, ChangeCause: r.ChangeCause,
		Created: metav1.NewTime(r.Created), Desired: r.Desired, Ready: r.Ready,
		PreviousRevisions: r.Reused,
	}
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
