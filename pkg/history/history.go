// Package history lists a Deployment's revisions the way `kubectl rollout
// history` finds them, with what people actually ask of a history: the
// images of each revision, its age and its pods, and diffs between them.
package history

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// Revision is one ReplicaSet of a Deployment, seen as a point in its history.
// Its fields hold the cluster's data exactly, for -o json|yaml and for the
// rollback patch; the methods that format it for a terminal (Images, Label,
// Row, TemplateYAML) sanitize what they print.
type Revision struct {
	Number      int64
	ReplicaSet  string
	Containers  []Container
	ChangeCause string
	Created     time.Time
	Desired     int32
	Ready       int32
	Current     bool
	// Reused lists earlier numbers of this revision: an undo renumbers the
	// ReplicaSet it goes back to (deployment.kubernetes.io/revision-history).
	Reused      []int64
	Template    *corev1.PodTemplateSpec
	Annotations map[string]string // the ReplicaSet's, which an undo copies
}

// Container is one container's image in a revision.
type Container struct {
	Name  string `json:"name"`
	Image string `json:"image"`
}

// Images formats the images as the history table shows them: the bare image
// for one container, name=image for each when there are several.
func (r *Revision) Images() string {
	if len(r.Containers) == 1 {
		return sanitize.Text(r.Containers[0].Image)
	}
	parts := make([]string, len(r.Containers))
	for i, c := range r.Containers {
		parts[i] = c.Name + "=" + sanitize.Text(c.Image)
	}
	return strings.Join(parts, ",")
}

// ForDeployment builds the history, newest first, from the ReplicaSets that
// kubectl's deploymentutil.GetAllReplicaSets found for the Deployment (all
// old ones plus the new one, which may be nil). ReplicaSets whose revision
// annotation does not parse are skipped with a warning, as kubectl does.
func ForDeployment(all []*appsv1.ReplicaSet, current *appsv1.ReplicaSet) ([]Revision, []string) {
	var out []Revision
	var warnings []string
	for _, rs := range all {
		n, err := deploymentutil.Revision(rs)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("skipping ReplicaSet %s: %v", rs.Name, err))
			continue
		}
		r := Revision{
			Number:      n,
			ReplicaSet:  rs.Name,
			ChangeCause: rs.Annotations[snapshot.ChangeCauseAnnotation],
			Created:     rs.CreationTimestamp.Time,
			Ready:       rs.Status.ReadyReplicas,
			Current:     current != nil && rs.UID == current.UID,
			Template:    rs.Spec.Template.DeepCopy(),
			Annotations: rs.Annotations,
		}
		if rs.Spec.Replicas != nil {
			r.Desired = *rs.Spec.Replicas
		}
		for _, c := range rs.Spec.Template.Spec.Containers {
			r.Containers = append(r.Containers, Container{Name: c.Name, Image: c.Image})
		}
		for _, s := range strings.Split(rs.Annotations[deploymentutil.RevisionHistoryAnnotation], ",") {
			if v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
				r.Reused = append(r.Reused, v)
			}
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Number > out[j].Number })
	return out, warnings
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

// CurrentRevision returns the revision the Deployment's template matches.
func CurrentRevision(revs []Revision) (*Revision, bool) {
	for i := range revs {
		if revs[i].Current {
			return &revs[i], true
		}
	}
	return nil, false
}

// TemplateYAML renders a revision's pod template for a terminal, without
// the pod-template-hash label, which differs between any two ReplicaSets and
// says nothing about what changed. Every string (keys too) is sanitized:
// the YAML is read by people, and a raw C1 character would also make the
// YAML encoder refuse the whole template.
func TemplateYAML(t *corev1.PodTemplateSpec) (string, error) {
	c := t.DeepCopy()
	delete(c.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	if len(c.Labels) == 0 {
		c.Labels = nil
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("render pod template: %w", err)
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return "", fmt.Errorf("render pod template: %w", err)
	}
	out, err := yaml.Marshal(sanitizeTree(tree))
	if err != nil {
		return "", fmt.Errorf("render pod template: %w", err)
	}
	return string(out), nil
}

// sanitizeTree sanitizes every string of a decoded JSON document.
func sanitizeTree(v any) any {
	switch v := v.(type) {
	case string:
		return sanitize.Text(v)
	case []any:
		for i := range v {
			v[i] = sanitizeTree(v[i])
		}
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[sanitize.Text(k)] = sanitizeTree(e)
		}
		return out
	}
	return v
}

// Label names a revision briefly for prompts: "rev 3 (uniform:summer-2023)".
func (r *Revision) Label() string {
	images := make([]string, len(r.Containers))
	for i, c := range r.Containers {
		images[i] = sanitize.Text(c.Image)
	}
	return fmt.Sprintf("rev %d (%s)", r.Number, snapshot.ShortImages(images))
}

// ForControllerRevisions builds a StatefulSet's or DaemonSet's history,
// newest first, from its ControllerRevisions (as kubectl's history viewer
// finds them) and its pods, which say how many run each revision.
func ForControllerRevisions(crs []*appsv1.ControllerRevision, pods []*corev1.Pod, current string) []Revision {
	var out []Revision
	for _, cr := range crs {
		tpl, err := snapshot.RevisionTemplate(cr)
		if err != nil {
			continue
		}
		r := Revision{
			Number:      cr.Revision,
			ReplicaSet:  cr.Name,
			ChangeCause: cr.Annotations[snapshot.ChangeCauseAnnotation],
			Created:     cr.CreationTimestamp.Time,
			Current:     cr.Name == current,
			Template:    tpl,
			Annotations: cr.Annotations,
		}
		for _, c := range tpl.Spec.Containers {
			r.Containers = append(r.Containers, Container{Name: c.Name, Image: c.Image})
		}
		keys := snapshot.RevisionKeys(cr)
		for _, p := range pods {
			if slices.Contains(keys, p.Labels[appsv1.ControllerRevisionHashLabelKey]) {
				r.Desired++
				if snapshot.PodFrom(p).State == snapshot.PodReady {
					r.Ready++
				}
			}
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Number > out[j].Number })
	return out
}
