package watcher

import (
	"testing"

	clientfeatures "k8s.io/client-go/features"
)

func TestPreferListAndWatch(t *testing.T) {
	before := clientfeatures.FeatureGates()
	t.Cleanup(func() { clientfeatures.ReplaceFeatureGates(before) })
	unlock := before.Enabled(clientfeatures.UnlockWhileProcessingFIFO)

	PreferListAndWatch()
	if clientfeatures.FeatureGates().Enabled(clientfeatures.WatchListClient) {
		t.Errorf("informers would still stream their first list over a watch")
	}
	if got := clientfeatures.FeatureGates().Enabled(clientfeatures.UnlockWhileProcessingFIFO); got != unlock {
		t.Errorf("another feature changed: UnlockWhileProcessingFIFO %v, was %v", got, unlock)
	}
}
