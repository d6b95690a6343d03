package watcher

import (
	"os"

	clientfeatures "k8s.io/client-go/features"
)

// PreferListAndWatch makes informers start with a LIST and then WATCH,
// instead of client-go's default since v0.35 (WatchListClient: the first
// list streamed over a watch). In our API server restart tests a streamed
// list sometimes left one informer frozen for a minute while the others
// moved on, so the pods on screen contradicted the status above them; with
// LIST and WATCH it did not happen. (A streamed list that never gets its
// closing bookmark is retried forever: kubernetes/kubernetes#140890.)
// KUBE_FEATURE_WatchListClient, when set, still decides.
// Call it before any informer starts.
func PreferListAndWatch() {
	if _, set := os.LookupEnv("KUBE_FEATURE_" + string(clientfeatures.WatchListClient)); set {
		return
	}
	clientfeatures.ReplaceFeatureGates(withoutWatchList{clientfeatures.FeatureGates()})
}

type withoutWatchList struct{ clientfeatures.Gates }

func (g withoutWatchList) Enabled(f clientfeatures.Feature) bool {
	return f != clientfeatures.WatchListClient && g.Gates.Enabled(f)
}
