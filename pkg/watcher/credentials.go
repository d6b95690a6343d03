package watcher

import (
	"context"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// What a pod stuck on its image pull needs explained lives outside the
// watched objects: its pull Secrets, its ServiceAccount's, and what the
// registry says of them. Each is asked in the background, at most once per
// secretRecheck, and a snapshot reads only the answers had so far.

// secretRecheck is how long an answer is trusted before asking again: a
// Secret created to mend a pull should show within seconds, not never.
const secretRecheck = 15 * time.Second

// SecretLookup tells whether a Secret exists without reading its data;
// known is false when it could not tell (e.g. forbidden).
type SecretLookup func(ctx context.Context, namespace, name string) (exists, known bool)

// ServiceAccountLookup returns the image pull Secrets a ServiceAccount
// lists; known is false when it could not tell.
type ServiceAccountLookup func(ctx context.Context, namespace, name string) (pullSecrets []string, known bool)

// PullSecretCheck asks the registry whether the pull Secret name opens
// image; known is false when it could not tell (the Secret could not be
// read, the registry did not answer). It is given only when the user
// allowed reading Secrets (--registry-auth=pull-secrets).
type PullSecretCheck func(ctx context.Context, namespace, name, image string) (verdict string, known bool)

// WithSecretLookup lets the watcher say whether the image pull Secrets that
// stuck pods name exist.
func (w *Workload) WithSecretLookup(f SecretLookup) *Workload {
	w.enrich.secretLookup = f
	return w
}

// WithServiceAccountLookup lets the watcher say, for a pod stuck on its
// pull without any pull Secret, what its ServiceAccount lists: the
// ServiceAccount's Secrets reach a pod only when it is created.
func (w *Workload) WithServiceAccountLookup(f ServiceAccountLookup) *Workload {
	w.enrich.serviceAccountLookup = f
	return w
}

// WithPullSecretCheck lets the view say which pull Secret of a pod stuck
// on its pull the registry refuses, or accepts by now.
func (w *Workload) WithPullSecretCheck(f PullSecretCheck) *Workload {
	w.enrich.pullSecretCheck = f
	return w
}

// recheck holds answers to background lookups by key; it is guarded by
// the enrichment's mu.
type recheck[T any] map[string]answer[T]

type answer[T any] struct {
	value   T
	known   bool
	pending bool
	checked time.Time
}

// due reports whether key should be asked now (never asked, or asked
// longer than secretRecheck ago, and not in flight), and marks it in
// flight.
func (r recheck[T]) due(key string) bool {
	a := r[key]
	if a.pending || time.Since(a.checked) <= secretRecheck {
		return false
	}
	a.pending = true
	r[key] = a
	return true
}

// ask runs f in the background and records its answer under key, then
// wakes the view.
func ask[T any](e *enrichment, r recheck[T], key string, timeout time.Duration, f func(ctx context.Context) (T, bool)) {
	go func() {
		ctx, cancel := context.WithTimeout(e.ctx, timeout)
		defer cancel()
		v, known := f(ctx)
		e.mu.Lock()
		r[key] = answer[T]{value: v, known: known, checked: time.Now()}
		e.mu.Unlock()
		e.wake()
	}()
}

// failingPulls calls f for each pod that fails to pull its image.
func failingPulls(s *snapshot.Snapshot, f func(p *snapshot.Pod)) {
	for i := range s.Revisions {
		for j := range s.Revisions[i].Pods {
			if p := &s.Revisions[i].Pods[j]; p.Reason == "ErrImagePull" || p.Reason == "ImagePullBackOff" {
				f(p)
			}
		}
	}
}

// lookupSecrets asks whether the pull Secrets of stuck pods exist.
func (e *enrichment) lookupSecrets(s *snapshot.Snapshot) {
	if e.secretLookup == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	failingPulls(s, func(p *snapshot.Pod) {
		for _, name := range p.PullSecrets {
			if e.secrets.due(name) {
				ask(e, e.secrets, name, 10*time.Second, func(ctx context.Context) (bool, bool) {
					return e.secretLookup(ctx, e.namespace, name)
				})
			}
		}
	})
}

// knownSecrets reports what is known of the pull Secrets of stuck pods.
func (e *enrichment) knownSecrets(s *snapshot.Snapshot) map[string]bool {
	if e.secretLookup == nil {
		return nil
	}
	out := map[string]bool{}
	e.mu.Lock()
	defer e.mu.Unlock()
	failingPulls(s, func(p *snapshot.Pod) {
		for _, name := range p.PullSecrets {
			if a := e.secrets[name]; a.known {
				out[name] = a.value
			}
		}
	})
	return out
}

// lookupServiceAccounts asks what the ServiceAccounts of stuck pods that
// name no pull Secret list.
func (e *enrichment) lookupServiceAccounts(s *snapshot.Snapshot) {
	if e.serviceAccountLookup == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	failingPulls(s, func(p *snapshot.Pod) {
		if name := p.ServiceAccount; len(p.PullSecrets) == 0 && e.serviceAccounts.due(name) {
			ask(e, e.serviceAccounts, name, 10*time.Second, func(ctx context.Context) ([]string, bool) {
				return e.serviceAccountLookup(ctx, e.namespace, name)
			})
		}
	})
}

// knownServiceAccounts reports the pull Secrets known of those
// ServiceAccounts.
func (e *enrichment) knownServiceAccounts(s *snapshot.Snapshot) map[string][]string {
	if e.serviceAccountLookup == nil {
		return nil
	}
	out := map[string][]string{}
	e.mu.Lock()
	defer e.mu.Unlock()
	failingPulls(s, func(p *snapshot.Pod) {
		if a := e.serviceAccounts[p.ServiceAccount]; len(p.PullSecrets) == 0 && a.known {
			out[p.ServiceAccount] = a.value
		}
	})
	return out
}

// checkPullSecrets tries the pull Secrets of stuck pods with the registry.
func (e *enrichment) checkPullSecrets(s *snapshot.Snapshot) {
	if e.pullSecretCheck == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	failingPulls(s, func(p *snapshot.Pod) {
		for _, name := range p.PullSecrets {
			image := p.Image
			if key := name + "|" + image; e.pullSecrets.due(key) {
				ask(e, e.pullSecrets, key, imageTimeout, func(ctx context.Context) (string, bool) {
					return e.pullSecretCheck(ctx, e.namespace, name, image)
				})
			}
		}
	})
}

// knownPullSecrets reports the registry's verdicts had so far.
func (e *enrichment) knownPullSecrets(s *snapshot.Snapshot) map[string]string {
	if e.pullSecretCheck == nil {
		return nil
	}
	out := map[string]string{}
	e.mu.Lock()
	defer e.mu.Unlock()
	failingPulls(s, func(p *snapshot.Pod) {
		for _, name := range p.PullSecrets {
			if a := e.pullSecrets[name+"|"+p.Image]; a.known {
				out[name] = a.value
			}
		}
	})
	return out
}
