package cmd

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/output"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

func (o *HistoryOptions) limited(revs []revision.Revision) []revision.Revision {
	if o.Limit > 0 && len(revs) > o.Limit {
		return revs[:o.Limit]
	}
	return revs
}

func (o *HistoryOptions) printTable(st *history.State) error {
	if len(st.Revisions) == 0 {
		fmt.Fprintln(o.Out, "No rollout history found.")
		return nil
	}
	// A pipe gets kubectl's plain columns, whole; a terminal gets them in
	// colour and cut to its width, as the interactive table is.
	width := 0
	if terminal.IsTerminal(o.Out) {
		width, _ = terminal.Size(o.Out)
	}
	rows, current := history.Rows(o.limited(st.Revisions), time.Now())
	lines := render.TableLines(history.Header, rows, current, -1, width, render.Style{Color: o.color, Unicode: terminal.UTF8()})
	_, err := fmt.Fprintln(o.Out, workload.ObjectName(o.kind, o.name)+"\n"+strings.Join(lines, "\n"))
	return err
}

// printLayers prints the list (as a table, or as -o asks) with what the
// registry holds for each revision's images.
func (o *HistoryOptions) printLayers(ctx context.Context, st *history.State) error {
	revs := o.limited(st.Revisions)
	look := o.lookups(ctx, st.Revisions, len(revs))
	images := make([][]history.ContainerImage, len(revs))
	for i := range revs {
		// st.Revisions, not revs: the oldest listed compares with the one
		// before it even when --limit hides that one.
		images[i] = history.ImagesOf(st.Revisions, i, look)
	}
	if o.Output != "" {
		list := history.List(o.namespace, workload.ObjectName(o.kind, o.name), revs)
		for i := range list.Items {
			list.Items[i].Images = images[i]
		}
		return o.print(list)
	}
	if err := o.printTable(st); err != nil {
		return err
	}
	style := render.Style{Color: o.color, Unicode: terminal.UTF8()}
	table := func(header []string, rows [][]string) []string {
		return render.TableLines(header, rows, -1, -1, 0, style)
	}
	for i := range revs {
		fmt.Fprintln(o.Out)
		for _, l := range history.LayerLines(&revs[i], images[i], table) {
			fmt.Fprintln(o.Out, l)
		}
	}
	return nil
}

// layerPane is what the registry holds for revs[i], for the interactive
// history's detail pane.
func (o *HistoryOptions) layerPane(ctx context.Context, revs []revision.Revision, i int, style render.Style) []string {
	look := o.lookups(ctx, revs[i:min(i+2, len(revs))], 1)
	table := func(header []string, rows [][]string) []string {
		return render.TableLines(header, rows, -1, -1, 0, style)
	}
	return history.LayerLines(&revs[i], history.ImagesOf(revs, i, look), table)
}

// lookupClient is the session's registry client, made on first use.
func (o *HistoryOptions) lookupClient() *registry.Client {
	if o.registryClient == nil {
		o.registryClient = registry.New(registryTimeout)
		if o.registry != nil {
			o.registryClient = o.registry()
		}
		o.registryClient.WithInsecure(o.RegistryInsecure)
	}
	return o.registryClient
}

// lookups asks the registry about every image of the first n revisions
// and of the one each replaced, and answers from what it learnt.
func (o *HistoryOptions) lookups(ctx context.Context, revs []revision.Revision, n int) history.Lookup {
	return history.Prefetch(ctx, o.lookupClient().ImageFor, revs, n)
}

func (o *HistoryOptions) printList(st *history.State) error {
	return o.print(history.List(o.namespace, workload.ObjectName(o.kind, o.name), o.limited(st.Revisions)))
}

// print writes obj as -o asks, escaped for a terminal, the data kept.
func (o *HistoryOptions) print(obj runtime.Object) error {
	return output.PrintEscaped(o.Out, o.printer, o.Output, obj)
}

// printDiff compares A and B; B defaults to the current revision and A to
// the one before it.
func (o *HistoryOptions) printDiff(st *history.State) error {
	a, b, err := st.DiffPair(o.diffRevs)
	if err != nil {
		return err
	}
	d, err := history.Diff(a, b)
	if err != nil {
		return err
	}
	if d == "" {
		fmt.Fprintf(o.Out, "revisions %d and %d have the same pod template\n", a.Number, b.Number)
		return nil
	}
	if o.color {
		d = history.ColorDiff(d)
	}
	_, err = io.WriteString(o.Out, d)
	return err
}
