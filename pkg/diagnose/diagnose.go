// Package diagnose answers "why is my rollout stuck?" from a snapshot: for
// each way a pod or revision can be stuck, what it means in plain words and
// the next command to run. It is pure: the same snapshot gives the same
// findings, so the live view and the plain log can both use it.
package diagnose

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// findingKey is Key as a comparable value. Findings looks one up for every
// failing pod of every frame, and formatting Key's string for each took a
// third of its time with thousands of failing pods.
type findingKey struct {
	revision      int64
	reason, cause string
}

// Diagnose stores s's findings in it. Whoever makes a snapshot calls it
// once (the watcher does), so that each frame is analysed once however
// many readers it has.
func Diagnose(s *snapshot.Snapshot) { s.Findings = Findings(s) }

// Findings diagnoses every stuck pod, failing ReplicaSet and the rollout.
func Findings(s *snapshot.Snapshot) []snapshot.Finding {
	var out []snapshot.Finding
	byKey := map[findingKey]int{}
	on := where(s)
	for i := range s.Revisions {
		rev := &s.Revisions[i]
		if rev.Failure != nil {
			out = append(out, snapshot.Finding{
				Revision: rev.Number, Reason: "ReplicaFailure: " + rev.Failure.Reason, Message: rev.Failure.Message,
				Hint: replicaFailureHint(on, rev.Failure),
			})
		}
		for j := range rev.Pods {
			p := &rev.Pods[j]
			f, ok := podFinding(s, on, rev, p)
			if !ok {
				continue
			}
			k := findingKey{f.Revision, f.Reason, f.Cause}
			if at, seen := byKey[k]; seen {
				out[at].Pods = append(out[at].Pods, p.Name)
				if out[at].LastWords == nil {
					out[at].LastWords = f.LastWords
				}
				continue
			}
			byKey[k] = len(out)
			out = append(out, f)
		}
	}
	if s.Phase == snapshot.PhaseFailed {
		out = append(out, snapshot.Finding{
			Revision: currentNumber(s), Reason: "ProgressDeadlineExceeded", Message: s.Message,
			Hint: fmt.Sprintf("the rollout made no progress within its deadline; see the revisions with `kubectl mannequin history %[1]s %[2]s`, or go back with `kubectl mannequin undo %[1]s %[2]s`", shellQuote(ref(s)), on),
		})
	}
	out = append(out, imageTruth(s)...)
	if f, ok := nothingToGoBackTo(s, on); ok {
		out = append(out, f)
	}
	return out
}

// nothingToGoBackTo says, before the user reaches for u, when the newest
// revision's pods fail and no earlier revision is kept to roll back to: the
// comic's backroom is empty (revisionHistoryLimit 0, or the old revisions
// pruned), or this is the first revision.
func nothingToGoBackTo(s *snapshot.Snapshot, on string) (snapshot.Finding, bool) {
	if len(s.Revisions) != 1 || !s.Revisions[0].Current {
		return snapshot.Finding{}, false
	}
	rev := &s.Revisions[0]
	if rev.Counts()[snapshot.PodFailed] == 0 {
		return snapshot.Finding{}, false
	}
	hint := fmt.Sprintf("rev %d is the first revision: there is none before it to roll back to; fix it forward", rev.Number)
	if rev.Number > 1 {
		hint = fmt.Sprintf("no revision before rev %d is kept (revisionHistoryLimit 0, or the old ones were pruned): u and undo have nothing to go back to; fix it forward, or apply the last good manifest again; see `kubectl mannequin history %s %s`", rev.Number, shellQuote(ref(s)), on)
	}
	return snapshot.Finding{Revision: rev.Number, Reason: "NoEarlierRevision", Hint: hint}, true
}

// podFinding diagnoses one pod; on is where the hint's commands act.
func podFinding(s *snapshot.Snapshot, on string, rev *snapshot.Revision, p *snapshot.Pod) (snapshot.Finding, bool) {
	f := snapshot.Finding{Revision: rev.Number, Reason: p.Reason, Pods: []string{p.Name}, Message: p.Message, LastWords: p.LastWords}
	switch {
	case p.State == snapshot.PodPending && p.Reason == "Unschedulable":
		f.Hint = "no node can take the pod (see the scheduler's message): check nodeSelector/affinity, taints and tolerations, and resource requests; `kubectl describe pod " + shellQuote(p.Name) + " " + on + "`"
	case p.State != snapshot.PodFailed:
		return f, false
	case p.Reason == "ErrImagePull" || p.Reason == "ImagePullBackOff":
		f.Reason = "ImagePullBackOff" // the kubelet alternates the two; one finding
		f.Cause, f.Hint = pullHint(s, on, rev, p)
	case p.Reason == "CrashLoopBackOff":
		code := ""
		if p.Exited {
			code = fmt.Sprintf(" with exit code %d", p.ExitCode)
		}
		f.Hint = fmt.Sprintf("container %s keeps exiting%s (%d restarts); read its last words: `%s`", p.Container, code, p.Restarts, previousLogs(p, on))
	case p.Reason == "OOMKilled":
		limit := "its memory limit"
		if p.MemoryLimit != "" {
			limit = "its memory limit of " + p.MemoryLimit
		}
		f.Hint = fmt.Sprintf("container %s was killed for using more than %s: raise resources.limits.memory or find the leak; `%s`", p.Container, limit, previousLogs(p, on))
	case p.Reason == "CreateContainerConfigError":
		f.Hint = configHint(p, on)
	case p.Reason == "Evicted":
		f.Hint = "the node evicted the pod under resource pressure; the ReplicaSet replaces it: `kubectl describe pod " + shellQuote(p.Name) + " " + on + "`"
	default:
		f.Hint = "`kubectl describe pod " + shellQuote(p.Name) + " " + on + "`"
	}
	return f, true
}

// previousLogs is the command that prints what p's container wrote before
// it last ended; without a container's name, kubectl picks the pod's default.
func previousLogs(p *snapshot.Pod, on string) string {
	c := ""
	if p.Container != "" {
		c = " -c " + shellQuote(p.Container)
	}
	return "kubectl logs --previous " + shellQuote(p.Name) + c + " " + on
}

// pullHint tells a missing tag from missing credentials by the registry's
// answer, because the fixes are entirely different.
func pullHint(s *snapshot.Snapshot, on string, rev *snapshot.Revision, p *snapshot.Pod) (cause, hint string) {
	msg := strings.ToLower(p.Message)
	host := registryHost(p.Image)
	image := p.Image
	if image == "" {
		image = "its image"
	}
	switch {
	case strings.Contains(msg, "not found") || strings.Contains(msg, "manifest unknown"):
		hint := fmt.Sprintf("image %s does not exist (a typo in the tag?)", p.Image)
		if prev := previousImage(s, rev, p.Container); prev != "" && prev != p.Image {
			hint += fmt.Sprintf("; the previous revision runs %s", prev)
		}
		return "not-found", hint + fmt.Sprintf("; fix the tag, or go back: `kubectl mannequin undo %s %s`", shellQuote(ref(s)), on)
	case strings.Contains(msg, "unauthorized") || strings.Contains(msg, "pull access denied") ||
		strings.Contains(msg, "authorization failed") || strings.Contains(msg, "403") || strings.Contains(msg, "401"):
		// A function, not a format: the host and the flags may hold a %.
		create := func(secret string) string {
			return fmt.Sprintf("`kubectl create secret docker-registry %s --docker-server=%s --docker-username=USER --docker-password=PASSWORD %s`", shellQuote(secret), shellQuote(host), on)
		}
		if len(p.PullSecrets) == 0 {
			return serviceAccountHint(s, on, p, host, create("regcred"))
		}
		for _, name := range p.PullSecrets {
			if exists, known := s.Secrets[name]; known && !exists {
				return "missing-pull-secret", fmt.Sprintf("imagePullSecrets names Secret %q, which does not exist in namespace %s: create it with %s", name, s.Workload.Namespace, create(name))
			}
		}
		// With --registry-auth=pull-secrets, each Secret was tried.
		var refused, empty []string
		for _, name := range p.PullSecrets {
			switch s.PullSecrets[name] {
			case "accepted":
				return "stale-pull", fmt.Sprintf("Secret %s opens %s now: the pod tried before the Secret worked; restart it: `kubectl rollout restart %s %s`",
					name, host, shellQuote(ref(s)), on)
			case "refused":
				refused = append(refused, name)
			case "no credentials":
				empty = append(empty, name)
			}
		}
		switch {
		case len(refused) > 0:
			verb := "are"
			if len(refused) == 1 {
				verb = "is"
			}
			// A cause of its own: a log says the registry's verdict even
			// after it said the guess.
			return "refused-secret", fmt.Sprintf("Secret %s %s refused by %s (unauthorized): check its user and password, or create it again with %s",
				strings.Join(refused, ", "), verb, host, create(refused[0]))
		case len(empty) == len(p.PullSecrets):
			return "no-credentials-for-registry", fmt.Sprintf("imagePullSecrets %s hold no credentials for %s: create one for it with %s",
				strings.Join(empty, ", "), host, create("regcred"))
		}
		return "refused-credentials", fmt.Sprintf("registry %s refused the credentials in imagePullSecrets %s: check them for %s", host, strings.Join(p.PullSecrets, ","), host)
	}
	return "", fmt.Sprintf("%s could not be pulled: `kubectl describe pod %s %s`", image, shellQuote(p.Name), on)
}

// serviceAccountHint explains an unauthorized pull by a pod that names no
// pull Secret. A ServiceAccount's pull Secrets are copied into a pod when it
// is created, so one the ServiceAccount lists by now never reached it.
func serviceAccountHint(s *snapshot.Snapshot, on string, p *snapshot.Pod, host, create string) (cause, hint string) {
	sa := p.ServiceAccount
	listed, known := s.ServiceAccounts[sa]
	switch {
	case known && len(listed) > 0:
		return "stale-service-account", fmt.Sprintf("registry %s refused the pull; ServiceAccount %s lists pull Secret %s, but the pod was created before: restart it: `kubectl rollout restart %s %s`",
			host, sa, strings.Join(listed, ", "), shellQuote(ref(s)), on)
	case known:
		// A cause of its own, so that a log says it after the guess.
		return "service-account-without-pull-secret", fmt.Sprintf("registry %s refused the pull: no pull Secret named, and ServiceAccount %s has none; create one with %s and list it under spec.template.spec.imagePullSecrets, or add it to the ServiceAccount: `kubectl patch serviceaccount %s %s -p '{\"imagePullSecrets\":[{\"name\":\"regcred\"}]}'`",
			host, sa, create, shellQuote(sa), on)
	}
	return "no-pull-secret", fmt.Sprintf("registry %s refused the pull and the pod has no imagePullSecrets: create one with %s and list it under spec.template.spec.imagePullSecrets (or on the pod's ServiceAccount)",
		host, create)
}

// configHint explains a container that cannot be configured; on is where
// its commands act (where's flags).
func configHint(p *snapshot.Pod, on string) string {
	msg := p.Message
	for _, kind := range []string{"configmap", "secret"} {
		if i := strings.Index(strings.ToLower(msg), kind+" \""); i >= 0 {
			rest := msg[i+len(kind)+2:]
			if j := strings.IndexByte(rest, '"'); j > 0 {
				name := rest[:j]
				if kind == "configmap" {
					return fmt.Sprintf("container %s needs ConfigMap %q, which is missing: `kubectl create configmap %s --from-file=... %s`, or fix the reference", p.Container, name, shellQuote(name), on)
				}
				return fmt.Sprintf("container %s needs Secret %q, which is missing: `kubectl create secret generic %s --from-literal=... %s`, or fix the reference", p.Container, name, shellQuote(name), on)
			}
		}
	}
	if strings.Contains(msg, "couldn't find key") {
		return fmt.Sprintf("container %s refers to a key that its ConfigMap or Secret lacks: add the key or fix the reference", p.Container)
	}
	return fmt.Sprintf("container %s cannot be configured: `kubectl describe pod %s %s`", p.Container, shellQuote(p.Name), on)
}

func replicaFailureHint(on string, c *snapshot.Condition) string {
	if strings.Contains(c.Message, "exceeded quota") {
		return fmt.Sprintf("a ResourceQuota forbids new pods: `kubectl describe resourcequota %s`; raise it or free room", on)
	}
	return fmt.Sprintf("the ReplicaSet cannot create pods: `kubectl describe replicaset %s`", on)
}

// previousImage is what the same container runs in the newest older
// revision, to set next to a tag that was not found.
func previousImage(s *snapshot.Snapshot, rev *snapshot.Revision, container string) string {
	for i := range s.Revisions {
		r := &s.Revisions[i]
		if r.Number >= rev.Number {
			continue
		}
		for _, p := range r.Pods {
			for _, img := range p.Images {
				if img.Container == container {
					return img.Image
				}
			}
		}
		if len(r.Images) > 0 {
			return r.Images[0]
		}
	}
	return ""
}

func currentNumber(s *snapshot.Snapshot) int64 {
	for _, r := range s.Revisions {
		if r.Current {
			return r.Number
		}
	}
	if len(s.Revisions) > 0 {
		return s.Revisions[0].Number
	}
	return 0
}

// registryHost is the registry part of an image reference; Docker Hub when
// the first path element is not a host.
func registryHost(image string) string {
	first, _, ok := strings.Cut(image, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return first
	}
	return "docker.io"
}

// imageTruth checks what pods really run: the same tag resolving to several
// digests means the tag was pushed again mid-rollout; no tag or :latest
// means nobody can say what runs.
func imageTruth(s *snapshot.Snapshot) []snapshot.Finding {
	var out []snapshot.Finding
	for i := range s.Revisions {
		rev := &s.Revisions[i]
		digests := map[string]map[string]bool{}
		for _, p := range rev.Pods {
			for _, img := range p.Images {
				if digests[img.Image] == nil {
					digests[img.Image] = map[string]bool{}
				}
				digests[img.Image][revision.DigestOf(img.ImageID)] = true
			}
		}
		images := make([]string, 0, len(digests))
		for img := range digests {
			images = append(images, img)
		}
		sort.Strings(images)
		for _, img := range images {
			if n := len(digests[img]); n > 1 {
				out = append(out, snapshot.Finding{Revision: rev.Number, Reason: "MutableTag",
					Hint: fmt.Sprintf("pods of rev %d run %d different digests of %s: the tag was pushed again; pin a digest (image@sha256:...)", rev.Number, n, img)})
				continue
			}
			// From the source: the registry's digest for the tag now.
			now, asked := rev.Registry[img]
			for running := range digests[img] {
				// A multi-platform tag names an index: pods record the
				// index's digest, or, with some runtimes, their
				// platform's manifest in it; neither is a push.
				if asked && running != "" && !now.Names(running) {
					out = append(out, snapshot.Finding{Revision: rev.Number, Reason: "RepushedTag",
						Hint: fmt.Sprintf("the registry's %s now names %s, but pods of rev %d run %s: the tag was pushed again, and a new pod would run another image; pin a digest (image@sha256:...)",
							img, revision.ShortDigest(now.Digest), rev.Number, revision.ShortDigest(running))})
				}
			}
		}
		if !rev.Current {
			continue
		}
		for _, img := range rev.Images {
			if tagOf(img) == "" || tagOf(img) == "latest" {
				out = append(out, snapshot.Finding{Revision: rev.Number, Reason: "UnpinnedImage",
					Hint: fmt.Sprintf("image %s has no tag or uses :latest: what runs can change without a rollout; use a version tag or a digest", img)})
			}
		}
	}
	return out
}

// short cuts a digest to its algorithm and 12 hex digits, as the view does.
func tagOf(image string) string {
	if strings.Contains(image, "@") {
		return "digest"
	}
	last := image[strings.LastIndexByte(image, '/')+1:]
	if _, tag, ok := strings.Cut(last, ":"); ok {
		return tag
	}
	return ""
}

// ref names the workload as a command line would: deploy/NAME, sts/NAME, ds/NAME.
func ref(s *snapshot.Snapshot) string {
	short := s.Workload.Short
	if short == "" {
		short = "deploy"
	}
	return short + "/" + s.Workload.Name
}

// where is what a hint's command needs to act where the user is: the
// workload's namespace and the connection flags the user gave, each
// quoted for a shell. Without them, a pasted command would go to the
// kubeconfig's current context. Every word of a command that the cluster
// or the user chose is quoted alike: an image may name a registry host
// such as "x$(…)", which a paste would otherwise run.
func where(s *snapshot.Snapshot) string {
	var b strings.Builder
	b.WriteString("-n " + shellQuote(s.Workload.Namespace))
	for _, f := range []struct{ flag, value string }{
		{"--kubeconfig", s.Where.Kubeconfig},
		{"--context", s.Where.Context},
		{"--cluster", s.Where.Cluster},
		{"--user", s.Where.User},
	} {
		if f.value != "" {
			b.WriteString(" " + f.flag + " " + shellQuote(f.value))
		}
	}
	return b.String()
}

// shellQuote makes v one word for a POSIX shell: as it is when every
// character is one that no shell treats specially (not "=": zsh expands a
// word that starts with it), otherwise in single quotes, inside which
// nothing is special but the quote itself: it ends the quoting, is written
// escaped (\') and the quoting starts again.
func shellQuote(v string) string {
	if v == "" {
		return "''"
	}
	plain := true
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+:,./_-", r)) {
			plain = false
			break
		}
	}
	if plain {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
