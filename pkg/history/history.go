// Package history shows a workload's revisions (pkg/revision) the way
// people ask of a history: a table with the images of each revision, its
// age and its pods; a documented -o json|yaml schema; and diffs between
// pod templates.
package history

import (
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// Revision is pkg/revision's model: history lists, diffs and formats it.
type Revision = revision.Revision

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
