package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/action"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/history"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/revision"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/snapshot"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

const historyExample = `  # List the revisions; on a terminal, pick one and press u to roll back to it
  kubectl mannequin history deploy/clerk-squad

  # Show revision 3's pod template
  kubectl mannequin history deploy/clerk-squad --revision 3

  # What changed between revisions 1 and 3 (default: previous against current)
  kubectl mannequin history deploy/clerk-squad --diff 1 3

  # The revisions as JSON
  kubectl mannequin history deploy/clerk-squad -o json`

// diffPrevious is the value of a bare --diff: the previous revision
// against the current one.
const diffPrevious = "previous"

// HistoryOptions lists a workload's revisions and, on a terminal, lets the
// user diff them and roll back to one.
type HistoryOptions struct {
	target
	genericiooptions.IOStreams

	Limit    int
	Revision int64
	// Diff: --diff was given; diffFlag is its value (diffPrevious when bare).
	Diff     bool
	diffFlag string
	Output   string
	Color    string
	// Layers: ask the registry what each revision's images hold.
	Layers   bool
	Registry string
	// RegistryInsecure is --registry-insecure.
	RegistryInsecure []string
	// registry is where --layers and the undo's preflight ask; tests
	// replace it.
	registry       func() *registry.Client
	registryClient *registry.Client

	printFlags *genericclioptions.JSONYamlPrintFlags
	printer    printers.ResourcePrinter

	revisionSet bool
	diffRevs    []int64
	interactive bool
	color       bool
}

// NewCmdHistory returns the `history` subcommand.
func NewCmdHistory(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	return historyCommand(&HistoryOptions{target: newTarget(configFlags), IOStreams: streams, printFlags: genericclioptions.NewJSONYamlPrintFlags(),
		registry: func() *registry.Client { return registry.New(registryTimeout) }})
}

// historyCommand is the `history` command around o.
func historyCommand(o *HistoryOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "history (TYPE/NAME | TYPE NAME) [--diff [A [B]]]",
		Short: "List revisions, diff them, and roll back to one",
		Long: `List a workload's revisions as 'kubectl rollout history' finds them, newest
first, with their images, change-cause, age and pods. On a terminal the list
is interactive: Enter or d shows the diff against the current revision, and u
rolls back to the selected one after a confirmation that names both ends.

--revision N prints a revision's pod template, --diff compares two, and
-o json|yaml prints the revisions in a documented schema.

` + exitCodesHelp,
		Example: historyExample,
		// Completes deployment, deploy/NAME and the names after a type.
		ValidArgsFunction: workloadCompletion(o.configFlags),
		PreRun: func(cmd *cobra.Command, _ []string) {
			o.revisionSet = cmd.Flags().Changed("revision")
			o.Diff = cmd.Flags().Changed("diff")
		},
		RunE: runOptions(o),
	}
	cmd.Flags().IntVar(&o.Limit, "limit", 0, "Show only the newest N revisions")
	cmd.Flags().Int64Var(&o.Revision, "revision", 0, "Print the pod template of this revision")
	cmd.Flags().StringVar(&o.diffFlag, "diff", "", "Print a unified diff of two revisions' pod templates: --diff A B (or A,B) compares A with B, --diff A compares A with the current one, a bare --diff the previous one with the current one")
	// A bare --diff takes no value, so that `--diff 3` and `--diff 2 3`
	// read as a user types them: the numbers follow as arguments.
	cmd.Flags().Lookup("diff").NoOptDefVal = diffPrevious
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "Output format. One of: ("+strings.Join(o.printFlags.AllowedFormats(), ", ")+").")
	cmd.Flags().StringVar(&o.Color, "color", "auto", "Colour output: auto, always or never (NO_COLOR is honoured)")
	addRegistryFlag(cmd, &o.Registry)
	addRegistryInsecureFlag(cmd, &o.RegistryInsecure)
	cmd.Flags().BoolVar(&o.Layers, "layers", false, "Ask the image registry what each revision's images hold: digest, platform, size, and each layer with what made it and whether the revision it replaced has it already (credentials from ~/.docker/config.json)")
	return cmd
}

// Complete separates the workload from the revision numbers of --diff.
// revisionList is what may follow the workload: revision numbers, alone
// or comma-separated (--diff 1 3, --diff 1,3).
var revisionList = regexp.MustCompile(`^[0-9, ]*$`)

func (o *HistoryOptions) Complete(args []string) error {
	n := 1
	if len(args) > 0 && !strings.Contains(args[0], "/") {
		n = 2
	}
	if len(args) < n {
		n = len(args)
	}
	if err := o.completeTarget(args[:n]); err != nil {
		return err
	}
	if o.Diff && o.diffFlag != diffPrevious && o.diffFlag != "" {
		// --diff=A[,B]: the numbers come before any that follow.
		args = append(args[:n:n], append([]string{o.diffFlag}, args[n:]...)...)
	}
	for _, a := range args[n:] {
		switch {
		case o.Diff:
		case !revisionList.MatchString(a):
			// A second workload: a release is watched together, but its
			// history is read one workload at a time.
			return usageError(fmt.Errorf("history reads one workload at a time, and %q is another: run it once for each workload", a))
		default:
			return usageError(fmt.Errorf("unexpected argument %q: revision numbers go with --diff", a))
		}
		for _, part := range strings.Split(a, ",") {
			v, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil || v <= 0 {
				return usageError(fmt.Errorf("invalid revision %q for --diff: use positive revision numbers, e.g. --diff 3, --diff 1 3 or --diff 1,3", part))
			}
			o.diffRevs = append(o.diffRevs, v)
		}
	}
	tty := terminal.IsTerminal(o.Out)
	o.color = colorOn(o.Color, tty)
	o.interactive = tty && isTerminalInput(o.In) && o.Output == "" && !o.Diff && !o.revisionSet && !o.Layers
	return nil
}

// Validate checks flags and resolves the workload.
func (o *HistoryOptions) Validate() error {
	if err := validColor(o.Color); err != nil {
		return err
	}
	if err := validRegistry(o.Registry, o.RegistryInsecure); err != nil {
		return err
	}
	switch {
	case o.revisionSet && o.Revision <= 0:
		return usageError(errors.New("revision must be a positive integer"))
	case o.Layers && o.Registry == registryOff:
		return usageError(errors.New("--layers asks the image registry, which --registry=off forbids: drop one of them"))
	case o.Layers && (o.Diff || o.revisionSet):
		return usageError(errors.New("--layers goes with the list of revisions: drop --diff and --revision"))
	case len(o.diffRevs) > 2:
		return usageError(errors.New("--diff compares two revisions at most: --diff A B, or --diff A for A against the current one"))
	case o.Limit < 0:
		return usageError(fmt.Errorf("invalid --limit %d: use a positive number", o.Limit))
	}
	if o.Output != "" {
		var err error
		if o.printer, err = o.printFlags.ToPrinter(o.Output); err != nil {
			return usageError(fmt.Errorf("unknown output format %q: use -o %s", o.Output, strings.Join(o.printFlags.AllowedFormats(), " or -o ")))
		}
	}
	return o.resolveTarget("history", false)
}

// Run prints or shows the history.
func (o *HistoryOptions) Run(ctx context.Context) error {
	st, err := o.load(ctx)
	if err != nil {
		return err
	}
	for _, w := range st.Warnings {
		fmt.Fprintln(o.ErrOut, "Warning: "+w)
	}
	switch {
	case o.revisionSet:
		r, ok := revision.Find(st.Revisions, o.Revision)
		if !ok {
			return errors.New("unable to find the specified revision")
		}
		if o.printer != nil {
			return o.print(history.Detail(o.namespace, objectName(o.kind, o.name), r))
		}
		tpl, err := history.TemplateYAML(r.Template)
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Out, "%s with revision #%d\n%s", objectName(o.kind, o.name), r.Number, tpl)
		return nil
	case o.Diff:
		return o.printDiff(st)
	case o.Layers:
		return o.printLayers(ctx, st)
	case o.Output != "":
		return o.printList(st)
	case o.interactive:
		return o.runInteractive(ctx, st)
	}
	return o.printTable(st)
}

func (o *HistoryOptions) limited(revs []revision.Revision) []revision.Revision {
	if o.Limit > 0 && len(revs) > o.Limit {
		return revs[:o.Limit]
	}
	return revs
}

func (o *HistoryOptions) printTable(st *workloadState) error {
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
	rows, current := historyRows(o.limited(st.Revisions), time.Now())
	lines := render.TableLines(history.Header, rows, current, -1, width, render.Style{Color: o.color, Unicode: terminal.UTF8()})
	_, err := fmt.Fprintln(o.Out, objectName(o.kind, o.name)+"\n"+strings.Join(lines, "\n"))
	return err
}

// historyRows is revs as table cells, and the index of the current
// revision's row (-1 when none is current yet).
func historyRows(revs []revision.Revision, now time.Time) (rows [][]string, current int) {
	current = -1
	for i := range revs {
		rows = append(rows, history.Row(&revs[i], now))
		if revs[i].Current {
			current = i
		}
	}
	return rows, current
}

// printLayers prints the list (as a table, or as -o asks) with what the
// registry holds for each revision's images.
func (o *HistoryOptions) printLayers(ctx context.Context, st *workloadState) error {
	revs := o.limited(st.Revisions)
	look := o.lookups(ctx, st.Revisions, len(revs))
	images := make([][]history.ContainerImage, len(revs))
	for i := range revs {
		// st.Revisions, not revs: the oldest listed compares with the one
		// before it even when --limit hides that one.
		images[i] = history.ImagesOf(st.Revisions, i, look)
	}
	if o.Output != "" {
		list := history.List(o.namespace, objectName(o.kind, o.name), revs)
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
// and of the one each replaced, a few at a time, and answers from what it
// learnt.
func (o *HistoryOptions) lookups(ctx context.Context, revs []revision.Revision, n int) history.Lookup {
	client := o.lookupClient()
	// Each revision's images and those of the one it replaced, for the
	// platform its pods are pinned to (see history.ImagesOf).
	type image struct{ ref, platform string }
	var images []image
	seen := map[image]bool{}
	for i := 0; i < len(revs) && i < n; i++ {
		platform := revs[i].Platform()
		for j := i; j <= i+1 && j < len(revs); j++ {
			for _, c := range revs[j].Containers {
				if im := (image{c.Image, platform}); !seen[im] {
					seen[im] = true
					images = append(images, im)
				}
			}
		}
	}
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, im := range images {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, _ = client.ImageFor(ctx, im.ref, im.platform)
		}()
	}
	wg.Wait()
	return func(ref, platform string) (*registry.Image, error) { return client.ImageFor(ctx, ref, platform) }
}

func (o *HistoryOptions) printList(st *workloadState) error {
	return o.print(history.List(o.namespace, objectName(o.kind, o.name), o.limited(st.Revisions)))
}

// print writes obj as -o asks, escaped for a terminal, the data kept.
func (o *HistoryOptions) print(obj runtime.Object) error {
	return printEscaped(o.Out, o.printer, o.Output, obj)
}

// printDiff compares A and B; B defaults to the current revision and A to
// the one before it.
func (o *HistoryOptions) printDiff(st *workloadState) error {
	cur, ok := revision.CurrentOf(st.Revisions)
	if !ok {
		return fmt.Errorf("%s %q has no current revision yet: wait for the controller, then try again", workload.Lower(o.kind), o.name)
	}
	a, b := (*revision.Revision)(nil), cur
	switch len(o.diffRevs) {
	case 0:
		for i := range st.Revisions {
			if st.Revisions[i].Number < cur.Number {
				a = &st.Revisions[i]
				break
			}
		}
		if a == nil {
			return fmt.Errorf("%s %q has only one revision: nothing to compare", workload.Lower(o.kind), o.name)
		}
	default:
		var found bool
		if a, found = revision.Find(st.Revisions, o.diffRevs[0]); !found {
			return fmt.Errorf("unable to find specified revision %d in history", o.diffRevs[0])
		}
		if len(o.diffRevs) == 2 {
			if b, found = revision.Find(st.Revisions, o.diffRevs[1]); !found {
				return fmt.Errorf("unable to find specified revision %d in history", o.diffRevs[1])
			}
		}
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

// runInteractive shows the table with a cursor: Enter/d diffs the selected
// revision against the current one, u rolls back to it after a
// confirmation, q quits.
func (o *HistoryOptions) runInteractive(ctx context.Context, st *workloadState) (err error) {
	ctx, stop := withSignals(ctx)
	defer stop()
	screen, err := terminal.Open(o.Out, o.In)
	if err != nil {
		return err
	}
	var after string
	defer func() {
		screen.Restore()
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v (please report it)", r)
		}
		if after != "" {
			fmt.Fprintln(o.Out, after)
		}
	}()
	keys := terminal.ReadKeys(o.In)
	style := render.Style{Color: o.color, Unicode: terminal.UTF8()}
	v := &historyView{st: st, name: objectName(o.kind, o.name), kind: o.kind, short: o.name}
	resizes, stopResizes := terminal.Resizes()
	defer stopResizes()
	var guard terminal.Guard // which keys may answer the undo question
	draw := func() error {
		width, height := terminal.Size(o.Out)
		t := v.table(style, width)
		if v.confirm && height < 2 {
			// One row: the question on it alone, its images shortened first.
			t.Footer = render.PromptLines(v.plan.Prompt(), width, height, style)
		}
		return screen.Draw(render.TableFrame(t, width, height, style))
	}
	// A registry that answers slowly must not look like a frozen screen.
	asking := func() {
		v.status = "asking the registry…"
		_ = draw()
		v.status = ""
	}
	for {
		if err := draw(); err != nil {
			return err
		}
		if v.confirm {
			guard.Shown(time.Now(), o.In, keys)
		}
		var k terminal.Key
		select {
		case <-ctx.Done():
			return signalExit(ctx)
		case <-resizes:
			continue
		case key, ok := <-keys:
			if !ok {
				key = terminal.KeyEOF
			}
			if k = guard.Filter(key, v.confirm, time.Now()); k == "" {
				continue
			}
		}
		switch act := v.key(k); act {
		case historyQuit:
			return nil
		case historyInterrupt:
			return &ExitError{Code: 130}
		case historyStdinClosed:
			return errStdinClosed
		case historyUndo:
			v.status = ""
			if _, err := action.Undo(ctx, o.client, v.plan, action.DryRunNone); err != nil {
				var changed *action.Changed
				v.status = "error: " + err.Error()
				if errors.As(err, &changed) {
					// Show what it has become, so the user looks again.
					if fresh, lerr := o.load(ctx); lerr == nil {
						v.reload(fresh)
					}
				}
				continue
			}
			after = fmt.Sprintf("%s rolled back to %s", objectName(o.kind, o.name), v.plan.Target.Label())
			return o.watchAfterUndo(ctx, screen, keys, style)
		case historyLayers:
			if o.Registry != registryOn {
				v.status = "--registry=off: the registry is not asked"
				continue
			}
			asking()
			// Shown like a diff: any key goes back to the list.
			v.diff = o.layerPane(ctx, v.st.Revisions, v.cursor, style)
		case historyPlanUndo:
			sel := v.selected()
			if sel == nil {
				continue
			}
			// The row itself, not its number: two rows may carry one, or
			// none (0, which kubectl takes for the previous revision).
			plan, skip, err := action.PlanForTarget(v.st.Kind, v.st.Object, v.st.Revisions, sel)
			if err == nil && skip != "" {
				err = errors.New(skip)
			}
			if err != nil {
				v.status = "error: " + err.Error()
				continue
			}
			if o.Registry == registryOn {
				asking()
				plan.CheckImages(ctx, o.client, o.lookupClient().ImageFor)
			}
			v.plan, v.confirm = plan, true
			guard.Ask()
		}
	}
}

// watchAfterUndo shows the rollout to the restored revision on the same
// screen until it completes or the user quits.
func (o *HistoryOptions) watchAfterUndo(ctx context.Context, screen *terminal.Screen, keys <-chan terminal.Key, style render.Style) error {
	w := watcher.New(o.client, o.kind, o.namespace, o.name).WithWhere(whereOf(o.configFlags))
	if err := w.Start(ctx); err != nil {
		return describeGetError(err, workload.Lower(o.kind), o.name, o.namespace)
	}
	v := &liveView{
		screen: screen, keys: keys, out: o.Out, style: style, sources: one(w), started: time.Now(),
		untilDone: true, finished: func(*snapshot.Snapshot) error { return nil },
	}
	err := v.run(ctx)
	if errors.Is(err, errQuit) || ctx.Err() != nil {
		return nil
	}
	return err
}

// historyKeys are the interactive history's keys; j/k move too, Esc quits.
var historyKeys = []render.Binding{
	{Keys: "↑/↓", ASCII: "up/down", Words: "move"},
	{Keys: "enter/d", Words: "diff against current", Short: "diff"},
	{Keys: "l", Words: "layers in the registry", Short: "layers"},
	{Keys: "u", Words: "undo to selected", Short: "undo", Writes: true},
	{Keys: "q", Words: "quit"},
}

type historyAction int

const (
	historyNone historyAction = iota
	historyQuit
	historyInterrupt
	historyPlanUndo
	historyUndo
	historyStdinClosed
	historyLayers
)

// historyView is the interactive history's state; key decides, Run acts.
type historyView struct {
	st      *workloadState
	name    string // as kubectl prints it, e.g. deployment.apps/clerk-squad
	short   string
	kind    workload.Kind
	cursor  int
	diff    []string
	confirm bool
	plan    *action.Plan
	status  string
}

// selected is the revision under the cursor, or nil when there is none (an
// empty history).
func (v *historyView) selected() *revision.Revision {
	if v.cursor < 0 || v.cursor >= len(v.st.Revisions) {
		return nil
	}
	return &v.st.Revisions[v.cursor]
}

// reload shows fresh in place of the current state. The list may have
// changed under the cursor (e.g. a refused undo reloads a shorter one), so
// the selection follows the same revision number when it is still listed,
// and is clamped into range otherwise: an index left past the end would
// panic on the next key.
func (v *historyView) reload(fresh *workloadState) {
	var number int64
	if sel := v.selected(); sel != nil {
		number = sel.Number
	}
	v.st = fresh
	for i := range fresh.Revisions {
		if number != 0 && fresh.Revisions[i].Number == number {
			v.cursor = i
			return
		}
	}
	v.cursor = min(v.cursor, len(fresh.Revisions)-1)
	v.cursor = max(v.cursor, 0)
}

func (v *historyView) key(k terminal.Key) historyAction {
	if k == terminal.KeyCtrlC {
		return historyInterrupt
	}
	if k == terminal.KeyEOF {
		return historyStdinClosed
	}
	if v.confirm {
		v.confirm = false
		if k == "y" || k == "Y" {
			return historyUndo
		}
		v.status = "cancelled: nothing was changed"
		return historyNone
	}
	if v.diff != nil {
		v.diff = nil // any key leaves the diff
		if k == "q" {
			return historyQuit
		}
		return historyNone
	}
	n := len(v.st.Revisions)
	switch k {
	case "q", terminal.KeyEsc:
		return historyQuit
	case terminal.KeyUp, "k":
		if v.cursor > 0 {
			v.cursor--
		}
	case terminal.KeyDown, "j":
		if v.cursor < n-1 {
			v.cursor++
		}
	case terminal.KeyEnter, "d":
		sel := v.selected()
		if sel == nil {
			return historyNone
		}
		cur, ok := revision.CurrentOf(v.st.Revisions)
		if !ok {
			v.status = "no current revision to compare with"
			return historyNone
		}
		d, err := history.Diff(sel, cur)
		switch {
		case err != nil:
			v.status = "error: " + err.Error()
		case d == "":
			v.diff = []string{fmt.Sprintf("rev %d and the current rev %d have the same pod template", sel.Number, cur.Number)}
		default:
			v.diff = strings.Split(strings.TrimRight(d, "\n"), "\n")
		}
	case "u":
		if n > 0 {
			return historyPlanUndo
		}
	case "l":
		if n > 0 {
			return historyLayers
		}
	}
	return historyNone
}

// table is the view as a table for a screen width columns wide.
func (v *historyView) table(st render.Style, width int) *render.Table {
	t := &render.Table{
		Title:  fmt.Sprintf("%s · %d revisions", v.name, len(v.st.Revisions)),
		Header: history.Header,
		Cursor: v.cursor,
		Footer: []string{render.HelpLineFit(historyKeys, st, true, width)},
	}
	t.Rows, t.Current = historyRows(v.st.Revisions, time.Now())
	if len(t.Rows) == 0 {
		t.Rows = [][]string{{"No rollout history found."}}
	}
	if v.diff != nil {
		t.Body = v.diff
		if st.Color {
			t.Body = strings.Split(history.ColorDiff(strings.Join(v.diff, "\n")), "\n")
		}
		t.Footer = []string{"any key: back to the list"}
	}
	switch {
	case v.confirm:
		t.Footer = render.PromptLines(v.plan.Prompt(), width, 2, st)
	case v.status != "":
		// Statuses carry API error text.
		t.Footer = []string{sanitize.Text(v.status)}
		v.status = ""
	}
	return t
}
