package watcher

import (
	"context"
	"sync"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
)

// enrichment is what a watcher learns beyond the API objects it watches, to
// explain a stuck pod and a new revision: what the registry holds for the
// images (images.go), what the failing containers said (logs.go), whether
// the pull Secrets that stuck pods name exist, what their ServiceAccounts
// list, and what the registry says of each Secret (credentials.go). The
// watcher's own loop asks (ask), each question in the background, bounded
// and rechecked; a snapshot only reads what was learnt so far (fill), so
// that it never waits on a registry or a log.
type enrichment struct {
	namespace string
	ctx       context.Context // the watch's lifetime; set by Start
	wake      func()          // a new answer: the next snapshot may differ

	mu sync.Mutex // guards the answers below

	imageLookup registry.Lookup
	imageSlots  chan struct{}
	images      map[imageKey]*registry.Image // by reference and platform

	pullSecretCheck PullSecretCheck
	pullSecrets     recheck[string] // verdicts by Secret and image

	secretLookup SecretLookup
	secrets      recheck[bool] // existence by name

	serviceAccountLookup ServiceAccountLookup
	serviceAccounts      recheck[[]string] // pull Secrets by name

	logLookup   LogLookup
	logs        map[logKey]*snapshot.LastWords // nil while being read
	logsRefused string                         // why logs may not be read
}

func newEnrichment(namespace string) enrichment {
	return enrichment{
		namespace:       namespace,
		images:          map[imageKey]*registry.Image{},
		pullSecrets:     recheck[string]{},
		secrets:         recheck[bool]{},
		serviceAccounts: recheck[[]string]{},
		logs:            map[logKey]*snapshot.LastWords{},
	}
}

// ask starts the lookups that s needs and that are not answered (or are
// due again).
func (e *enrichment) ask(s *snapshot.Snapshot) {
	e.lookupSecrets(s)
	e.lookupImages(s)
	e.checkPullSecrets(s)
	e.lookupServiceAccounts(s)
	e.lookupLogs(s)
}

// fill writes into s what has been learnt.
func (e *enrichment) fill(s *snapshot.Snapshot) {
	s.Secrets = e.knownSecrets(s)
	s.PullSecrets = e.knownPullSecrets(s)
	s.ServiceAccounts = e.knownServiceAccounts(s)
	e.knownImages(s)
	e.knownLogs(s)
}
