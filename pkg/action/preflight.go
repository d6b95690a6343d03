package action

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// preflightTimeout bounds the registry check before a question: an
// unreachable registry must never hold back an emergency rollback.
const preflightTimeout = 3 * time.Second

// Preflight is what the registry says of the images an undo brings back.
// The most common surprise of a "safe" rollback is an old image deleted
// since: the undo then ends in ImagePullBackOff.
type Preflight struct {
	Gone      []string // not in the registry any more (not found)
	Refused   []string // the registry would not show them (unauthorized)
	Unchecked []string // the registry did not answer
	// Repushed are tags pushed again since the target's pods pulled them:
	// an undo would start the image the tag names now.
	Repushed []Repush
	Checked  int // images the registry holds as the target's pods ran them
}

// Repush is a tag that names another image than the one pods ran.
type Repush struct {
	Image string
	Ran   string // the digest the target's pods report (imageID)
	Now   string // the digest the registry gives for the tag today
}

// CheckImages asks the registry about every image of the plan's target, and
// compares its answer with the digests the target's pods ran, when some of
// them are still there (the usual case of an emergency rollback: the old
// pods still serve while the new ones fail). c lists those pods; nil skips
// the comparison.
func (p *Plan) CheckImages(ctx context.Context, c kubernetes.Interface, look registry.Lookup) {
	ctx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	ran := p.ranDigests(ctx, c)
	pf := &Preflight{}
	for _, ctr := range p.Target.Containers {
		img, err := look(ctx, ctr.Image, "")
		var e *registry.Error
		switch {
		case err == nil && ran[ctr.Image] != "" && !img.Names(ran[ctr.Image]):
			pf.Repushed = append(pf.Repushed, Repush{Image: ctr.Image, Ran: ran[ctr.Image], Now: img.Digest})
		case err == nil:
			pf.Checked++
		case errors.As(err, &e) && e.Problem == registry.NotFound:
			pf.Gone = append(pf.Gone, ctr.Image)
		case errors.As(err, &e) && e.Problem == registry.Unauthorized:
			pf.Refused = append(pf.Refused, ctr.Image)
		default:
			pf.Unchecked = append(pf.Unchecked, ctr.Image)
		}
	}
	p.Preflight = pf
}

// ranDigests maps each image of the target to the digest its pods report
// having pulled. Pods that disagree (a tag pushed between two pulls) say
// nothing certain: such an image is left out. A list that fails leaves the
// comparison out; the registry's answer alone still counts.
func (p *Plan) ranDigests(ctx context.Context, c kubernetes.Interface) map[string]string {
	if c == nil {
		return nil
	}
	ls := p.Kind.Selector(p.Object)
	if ls == nil {
		return nil
	}
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return nil
	}
	pods, err := c.CoreV1().Pods(p.Object.GetNamespace()).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil
	}
	m := revision.NewMatcher(p.Object, p.Revisions)
	seen := map[string]map[string]bool{}
	for i := range pods.Items {
		pod := &pods.Items[i]
		if j := m.Of(pod); j < 0 || p.Revisions[j].UID != p.Target.UID {
			continue
		}
		for _, st := range pod.Status.ContainerStatuses {
			img := imageOf(pod, st.Name)
			if img == "" || st.ImageID == "" {
				continue
			}
			if seen[img] == nil {
				seen[img] = map[string]bool{}
			}
			seen[img][revision.DigestOf(st.ImageID)] = true
		}
	}
	out := map[string]string{}
	for img, ds := range seen {
		if len(ds) == 1 {
			for d := range ds {
				out[img] = d
			}
		}
	}
	return out
}

// imageOf is the image the pod's spec names for a container: the status
// may report it resolved or normalised.
func imageOf(pod *corev1.Pod, container string) string {
	for _, c := range pod.Spec.Containers {
		if c.Name == container {
			return c.Image
		}
	}
	return ""
}

// Say is the preflight in a few words for the question. It names no image:
// the question names the target's images already, and a long question is
// one read less carefully.
func (pf *Preflight) Say() string {
	var parts []string
	if n := len(pf.Gone); n > 0 {
		parts = append(parts, fmt.Sprintf("WARNING: %s gone from the registry, pods would not start", count(n, "image")))
	}
	switch n := len(pf.Repushed); {
	case n == 1:
		r := pf.Repushed[0]
		parts = append(parts, fmt.Sprintf("WARNING: the tag was pushed again: its pods ran %s, undo would pull %s",
			sanitize.Text(revision.ShortDigest(r.Ran)), revision.ShortDigest(r.Now)))
	case n > 1:
		parts = append(parts, fmt.Sprintf("WARNING: %d tags pushed again since their pods ran, undo would pull other images", n))
	}
	if n := len(pf.Refused); n > 0 {
		parts = append(parts, fmt.Sprintf("%s refused to us by the registry", count(n, "image")))
	}
	if n := len(pf.Unchecked); n > 0 {
		parts = append(parts, fmt.Sprintf("%s not checked, registry unreachable", count(n, "image")))
	}
	if pf.Clean() {
		return "images still in the registry"
	}
	return strings.Join(parts, "; ")
}

// Clean says the registry holds every image as the target's pods ran it.
func (pf *Preflight) Clean() bool {
	return len(pf.Gone)+len(pf.Refused)+len(pf.Unchecked)+len(pf.Repushed) == 0
}

// GoneError is the refusal of an unattended undo to an image that is
// certainly gone.
func (pf *Preflight) GoneError(p *Plan) error {
	if len(pf.Gone) == 0 {
		return nil
	}
	out := make([]string, len(pf.Gone))
	for i, r := range pf.Gone {
		out[i] = sanitize.Text(r)
	}
	return fmt.Errorf("not rolling back %s/%s to %s: %s not in the registry any more (not found), so its pods would not start; pass --force to roll back anyway",
		workload.Lower(p.Kind), p.Object.GetName(), p.Target.Label(), strings.Join(out, ", "))
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
