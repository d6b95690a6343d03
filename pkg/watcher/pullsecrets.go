package watcher

import (
	"context"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// PullSecretCheck asks the registry whether the pull Secret name opens
// image; known is false when it could not tell (the Secret could not be
// read, the registry did not answer). It is given only when the user
// allowed reading Secrets (--registry-auth=pull-secrets).
type PullSecretCheck func(ctx context.Context, namespace, name, image string) (verdict string, known bool)

type pullSecretState struct {
	verdict string
	known   bool
	checked time.Time
	pending bool
}

// WithPullSecretCheck lets the view say which pull Secret of a pod stuck
// on its pull the registry refuses, or accepts by now.
func (w *Workload) WithPullSecretCheck(f PullSecretCheck) *Workload {
	w.pullSecretCheck = f
	return w
}

// failingPulls calls f for each pull Secret and image of a pod that fails
// to pull.
func failingPulls(s *snapshot.Snapshot, f func(name, image string)) {
	for _, rev := range s.Revisions {
		for _, p := range rev.Pods {
			if p.Reason != "ErrImagePull" && p.Reason != "ImagePullBackOff" {
				continue
			}
			for _, name := range p.PullSecrets {
				f(name, p.Image)
			}
		}
	}
}

// checkPullSecrets tries, in the background, the pull Secrets not tried
// yet or tried longer than secretRecheck ago.
func (w *Workload) checkPullSecrets(s *snapshot.Snapshot) {
	if w.pullSecretCheck == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	failingPulls(s, func(name, image string) {
		key := name + "|" + image
		st := w.pullSecrets[key]
		if !st.pending && time.Since(st.checked) > secretRecheck {
			st.pending = true
			w.pullSecrets[key] = st
			go w.checkPullSecret(key, name, image)
		}
	})
}

func (w *Workload) checkPullSecret(key, name, image string) {
	ctx, cancel := context.WithTimeout(w.ctx, imageTimeout)
	defer cancel()
	verdict, known := w.pullSecretCheck(ctx, w.namespace, name, image)
	w.mu.Lock()
	w.pullSecrets[key] = pullSecretState{verdict: verdict, known: known, checked: time.Now()}
	w.mu.Unlock()
	w.wake()
}

// knownPullSecrets reports the verdicts had so far; a snapshot never waits.
func (w *Workload) knownPullSecrets(s *snapshot.Snapshot) map[string]string {
	if w.pullSecretCheck == nil {
		return nil
	}
	out := map[string]string{}
	w.mu.Lock()
	defer w.mu.Unlock()
	failingPulls(s, func(name, image string) {
		if st := w.pullSecrets[name+"|"+image]; st.known {
			out[name] = st.verdict
		}
	})
	return out
}
