// Package revision is the one model of a point in a workload's history, shared
// by the watch view (pkg/snapshot), the history (pkg/history) and undo
// (pkg/action). A Deployment's revisions are its ReplicaSets; a
// StatefulSet's or DaemonSet's are its ControllerRevisions. One function per
// source builds them, with one rule for what cannot be read: the revision is
// kept with a Problem that says why, so that a view still shows its pods and
// the history warns, and nothing names it as a target of an undo.
//
// Fields hold the cluster's data exactly (for -o json|yaml and the rollback
// patch); the methods that format text for a terminal sanitize it.
package revision

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

const (
	// ChangeCauseAnnotation is where kubectl records why a revision was made.
	ChangeCauseAnnotation = "kubernetes.io/change-cause"
	// NumberAnnotation numbers a Deployment's ReplicaSets (and the Deployment).
	NumberAnnotation = deploymentutil.RevisionAnnotation
	// ReusedAnnotation lists the numbers a ReplicaSet had before undos
	// brought it back under a new one.
	ReusedAnnotation = deploymentutil.RevisionHistoryAnnotation
	// podTemplateHashLabel is added by each ReplicaSet to its template copy.
	podTemplateHashLabel = appsv1.DefaultDeploymentUniqueLabelKey
)

// Revision is one ReplicaSet or ControllerRevision of a workload.
type Revision struct {
	Number int64
	// Name is the ReplicaSet's or ControllerRevision's name.
	Name        string
	UID         types.UID
	Containers  []Container
	ChangeCause string
	Created     time.Time
	// Desired and Ready count its pods: from the ReplicaSet's spec and
	// status, or from the pods (ControllerRevisions, see CountPods).
	Desired int32
	Ready   int32
	// Current: the revision the workload's template matches, which it rolls towards.
	Current bool
	// Reused lists earlier numbers of this revision: an undo renumbers the
	// ReplicaSet it goes back to.
	Reused []int64
	// Template is the revision's pod template. It may be shared with an
	// informer's cache: never change it.
	Template *corev1.PodTemplateSpec
	// Annotations are the ReplicaSet's, which an undo copies.
	Annotations map[string]string
	// ReplicaFailure is a ReplicaSet's true ReplicaFailure condition (e.g. a
	// quota that forbids new pods).
	ReplicaFailure *Failure
	// Problem says why the revision cannot be read fully (its number or its
	// template); such a revision is shown but never offered to an undo.
	Problem string

	// keys are the values a pod's controller-revision-hash label takes for
	// this revision (ControllerRevisions only).
	keys []string
}

// Container is one container's image in a revision.
type Container struct {
	Name  string `json:"name"`
	Image string `json:"image"`
}

// Failure is a condition's reason and message, as the cluster wrote them.
type Failure struct {
	Reason  string
	Message string
}

// FromReplicaSets builds a Deployment's revisions, newest first, from the
// ReplicaSets it controls; current is the one its template matches (nil
// when none does yet). A revision annotation that is not a number is kept as
// revision 0 with a Problem, and said in the warnings.
func FromReplicaSets(owner metav1.Object, rss []*appsv1.ReplicaSet, current *appsv1.ReplicaSet) ([]Revision, []string) {
	revs := make([]Revision, 0, len(rss))
	var warnings []string
	for _, rs := range rss {
		if !metav1.IsControlledBy(rs, owner) {
			continue
		}
		r := Revision{
			Name:        rs.Name,
			UID:         rs.UID,
			ChangeCause: rs.Annotations[ChangeCauseAnnotation],
			Created:     rs.CreationTimestamp.Time,
			Ready:       rs.Status.ReadyReplicas,
			Current:     current != nil && rs.UID == current.UID,
			Template:    &rs.Spec.Template,
			Annotations: rs.Annotations,
			Containers:  containers(&rs.Spec.Template.Spec),
		}
		if rs.Spec.Replicas != nil {
			r.Desired = *rs.Spec.Replicas
		}
		// deploymentutil.Revision is kubectl's reading: absent means 0.
		n, err := deploymentutil.Revision(rs)
		if err != nil {
			r.Problem = fmt.Sprintf("ReplicaSet %s has revision %q, which is not a number: it cannot be named in history or undo",
				rs.Name, rs.Annotations[NumberAnnotation])
			warnings = append(warnings, r.Problem)
		}
		r.Number = n
		if s := rs.Annotations[ReusedAnnotation]; s != "" {
			for _, v := range strings.Split(s, ",") {
				if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
					r.Reused = append(r.Reused, n)
				}
			}
		}
		for _, c := range rs.Status.Conditions {
			if c.Type == appsv1.ReplicaSetReplicaFailure && c.Status == corev1.ConditionTrue {
				r.ReplicaFailure = &Failure{Reason: c.Reason, Message: c.Message}
			}
		}
		revs = append(revs, r)
	}
	sortNewestFirst(revs)
	return revs, warnings
}

// CurrentReplicaSet picks the ReplicaSet whose template equals the
// Deployment's, ignoring the pod-template-hash label; among equals the
// oldest wins, as in the deployment controller.
func CurrentReplicaSet(owner metav1.Object, template *corev1.PodTemplateSpec, rss []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	var best *appsv1.ReplicaSet
	for _, rs := range rss {
		if !metav1.IsControlledBy(rs, owner) || !EqualIgnoreHash(&rs.Spec.Template, template) {
			continue
		}
		if best == nil || olderThan(rs, best) {
			best = rs
		}
	}
	return best
}

func olderThan(a, b *appsv1.ReplicaSet) bool {
	if a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.Name < b.Name
	}
	return a.CreationTimestamp.Before(&b.CreationTimestamp)
}

// FromControllerRevisions builds a StatefulSet's or DaemonSet's revisions,
// newest first, from the ControllerRevisions it controls; current names the
// one it rolls towards. A template that cannot be decoded is a Problem, said
// in the warnings. Desired and Ready stay 0 until CountPods.
func FromControllerRevisions(owner metav1.Object, crs []*appsv1.ControllerRevision, current string) ([]Revision, []string) {
	revs := make([]Revision, 0, len(crs))
	var warnings []string
	for _, cr := range crs {
		if !metav1.IsControlledBy(cr, owner) {
			continue
		}
		r := Revision{
			Number:      cr.Revision,
			Name:        cr.Name,
			UID:         cr.UID,
			ChangeCause: cr.Annotations[ChangeCauseAnnotation],
			Created:     cr.CreationTimestamp.Time,
			Current:     cr.Name == current,
			Annotations: cr.Annotations,
			keys:        controllerRevisionKeys(cr),
		}
		if tpl, err := controllerRevisionTemplate(cr); err != nil {
			r.Problem = fmt.Sprintf("ControllerRevision %s holds no readable pod template (%v): it cannot be named in history or undo", cr.Name, err)
			warnings = append(warnings, r.Problem)
		} else {
			r.Template = tpl
			r.Containers = containers(&tpl.Spec)
		}
		revs = append(revs, r)
	}
	sortNewestFirst(revs)
	return revs, warnings
}

// controllerRevisionTemplate decodes the pod template a ControllerRevision
// stores (as the patch the StatefulSet and DaemonSet controllers write).
func controllerRevisionTemplate(cr *appsv1.ControllerRevision) (*corev1.PodTemplateSpec, error) {
	var patch struct {
		Spec struct {
			Template *corev1.PodTemplateSpec `json:"template"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(cr.Data.Raw, &patch); err != nil {
		return nil, err
	}
	if patch.Spec.Template == nil {
		return nil, fmt.Errorf("no spec.template")
	}
	return patch.Spec.Template, nil
}

// controllerRevisionKeys are the values a pod's controller-revision-hash
// label takes for this revision: StatefulSet pods carry the revision's
// name, DaemonSet pods its hash.
func controllerRevisionKeys(cr *appsv1.ControllerRevision) []string {
	keys := []string{cr.Name}
	for _, l := range []string{appsv1.ControllerRevisionHashLabelKey, "controller.kubernetes.io/hash"} {
		if v := cr.Labels[l]; v != "" {
			keys = append(keys, v)
		}
	}
	return keys
}

// Matcher tells which revision of owner a pod belongs to.
type Matcher struct {
	owner types.UID
	byUID map[types.UID]int
	byKey map[string]int
}

// NewMatcher indexes revs, the revisions of owner.
func NewMatcher(owner metav1.Object, revs []Revision) *Matcher {
	m := &Matcher{owner: owner.GetUID(), byUID: make(map[types.UID]int, len(revs)), byKey: map[string]int{}}
	for i := range revs {
		if len(revs[i].keys) == 0 {
			m.byUID[revs[i].UID] = i
		}
		for _, k := range revs[i].keys {
			m.byKey[k] = i
		}
	}
	return m
}

// Of returns the index in revs of the pod's revision: the ReplicaSet that
// controls it, or, for a pod the owner controls, the ControllerRevision its
// hash label names. Pods of anyone else are not ours: -1.
func (m *Matcher) Of(p *corev1.Pod) int {
	ref := metav1.GetControllerOfNoCopy(p)
	if ref == nil {
		return -1
	}
	if i, ok := m.byUID[ref.UID]; ok {
		return i
	}
	if ref.UID == m.owner {
		if i, ok := m.byKey[p.Labels[appsv1.ControllerRevisionHashLabelKey]]; ok {
			return i
		}
	}
	return -1
}

// CountPods sets Desired and Ready of ControllerRevision revisions from the
// owner's pods: those kinds keep no count per revision.
func CountPods(owner metav1.Object, revs []Revision, pods []*corev1.Pod, ready func(*corev1.Pod) bool) {
	m := NewMatcher(owner, revs)
	for _, p := range pods {
		if i := m.Of(p); i >= 0 && len(revs[i].keys) > 0 {
			revs[i].Desired++
			if ready(p) {
				revs[i].Ready++
			}
		}
	}
}

// sortNewestFirst orders by number, then by creation (newest first).
func sortNewestFirst(revs []Revision) {
	sort.SliceStable(revs, func(i, j int) bool {
		if revs[i].Number != revs[j].Number {
			return revs[i].Number > revs[j].Number
		}
		return revs[i].Created.After(revs[j].Created)
	})
}

// Usable drops the revisions with a Problem: what history lists and undo
// may target.
func Usable(revs []Revision) []Revision {
	out := make([]Revision, 0, len(revs))
	for _, r := range revs {
		if r.Problem == "" {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the revision numbered n.
func Find(revs []Revision, n int64) (*Revision, bool) {
	for i := range revs {
		if revs[i].Number == n {
			return &revs[i], true
		}
	}
	return nil, false
}

// CurrentOf returns the revision the workload's template matches.
func CurrentOf(revs []Revision) (*Revision, bool) {
	for i := range revs {
		if revs[i].Current {
			return &revs[i], true
		}
	}
	return nil, false
}

func containers(spec *corev1.PodSpec) []Container {
	out := make([]Container, 0, len(spec.Containers))
	for _, c := range spec.Containers {
		out = append(out, Container{Name: c.Name, Image: c.Image})
	}
	return out
}

// SafeImages lists the images in spec order, sanitized for display (the
// API accepts any character inside an image name).
func (r *Revision) SafeImages() []string {
	out := make([]string, len(r.Containers))
	for i, c := range r.Containers {
		out[i] = sanitize.Text(c.Image)
	}
	return out
}

// ImagesCell formats the images as the history table shows them: the bare
// image for one container, name=image for each when there are several.
func (r *Revision) ImagesCell() string {
	if len(r.Containers) == 1 {
		return sanitize.Text(r.Containers[0].Image)
	}
	parts := make([]string, len(r.Containers))
	for i, c := range r.Containers {
		parts[i] = sanitize.Text(c.Name) + "=" + sanitize.Text(c.Image)
	}
	return strings.Join(parts, ",")
}

// Label names a revision briefly for prompts: "rev 3 (uniform:summer-2023)".
func (r *Revision) Label() string {
	return fmt.Sprintf("rev %d (%s)", r.Number, ShortImages(r.SafeImages()))
}

// EqualIgnoreHash reports whether two pod templates are equal apart from the
// pod-template-hash label, which every ReplicaSet adds to its copy.
func EqualIgnoreHash(a, b *corev1.PodTemplateSpec) bool {
	a, b = a.DeepCopy(), b.DeepCopy()
	delete(a.Labels, podTemplateHashLabel)
	delete(b.Labels, podTemplateHashLabel)
	return equality.Semantic.DeepEqual(a, b)
}

// ShortImage drops the registry and repository path: the last element is
// what tells revisions apart at a glance. Digests are cut to 12 hex digits.
func ShortImage(img string) string {
	if i := strings.LastIndexByte(img, '/'); i >= 0 {
		img = img[i+1:]
	}
	if i := strings.Index(img, "@sha256:"); i >= 0 && len(img) > i+len("@sha256:")+12 {
		img = img[:i+len("@sha256:")+12]
	}
	return img
}

// ShortImages is ShortImage of each image, comma-separated, as kubectl
// lists a pod template's images.
func ShortImages(imgs []string) string {
	out := make([]string, len(imgs))
	for i, img := range imgs {
		out[i] = ShortImage(img)
	}
	return strings.Join(out, ",")
}

// DigestOf is the digest in a pod's imageID (registry/repo@sha256:...), as
// the kubelet reports the image it pulled.
func DigestOf(imageID string) string {
	if i := strings.Index(imageID, "@"); i >= 0 {
		return imageID[i+1:]
	}
	return imageID
}

// ShortDigest cuts a digest to its algorithm and 12 hex digits, as
// docker and kubectl users read them.
func ShortDigest(digest string) string {
	if i := strings.Index(digest, ":"); i >= 0 && len(digest) > i+13 {
		return digest[:i+13]
	}
	return digest
}
