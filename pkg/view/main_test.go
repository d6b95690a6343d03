package view

import (
	"os"
	"testing"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
)

// TestMain starts informers as the binary does (Execute): with a LIST and
// a WATCH, not a streamed list.
func TestMain(m *testing.M) {
	watcher.PreferListAndWatch()
	os.Exit(m.Run())
}
