package watcher

import "github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"

// WithWhere tells how the user reached the cluster, which every snapshot
// carries for the commands its hints print.
func (w *Workload) WithWhere(where snapshot.Where) *Workload {
	w.where = where
	return w
}
