package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/explain"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/podlog"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/pullsecret"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/ref"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/registry"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/release"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/terminal"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/track"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/view"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/watcher"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

const watchExample = `  # Watch a rollout live
  kubectl mannequin watch deploy/clerk-squad

  # Wait in CI until the rollout completes (exit 0) or fails (exit 1)
  kubectl mannequin watch deployment clerk-squad --until-done --timeout 5m

  # A StatefulSet, as lines in a log
  kubectl mannequin watch sts/depot --plain`

// WatchOptions draws a workload's rollout live.
type WatchOptions struct {
	target
	genericiooptions.IOStreams

	UntilDone bool
	Timeout   time.Duration
	Plain     bool
	Color     string
	Compact   bool
	// Registry is --registry: "on" asks image registries what the new
	// revision's images hold; "off" never contacts one.
	Registry string
	// RegistryInsecure is --registry-insecure: registries that may be
	// asked over plain HTTP.
	RegistryInsecure []string
	// RegistryAuth is --registry-auth: "pull-secrets" reads the pull
	// Secrets of pods stuck on their pull and tries each on the registry.
	RegistryAuth string
	// FailAfter ends --until-done early when pods of the new revision stay
	// stuck on a reason that does not heal by itself (0: wait as kubectl).
	FailAfter time.Duration
	// Logs is --logs: "on" quotes what the failing containers of the new
	// revision said; "off" reads no log.
	Logs string
	// A release: several workloads at once (-l, -f, or several names).
	Selector      string
	Filenames     []string
	Recursive     bool
	AllNamespaces bool
	release       bool
	members       []release.Member
	ignored       int // objects of other kinds found by -f or -l

	// images asks the registry, unless --registry=off.
	images registry.Lookup

	tty   bool
	style render.Style
}

// NewCmdWatch returns the `watch` subcommand.
func NewCmdWatch(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	o := &WatchOptions{target: newTarget(configFlags), IOStreams: streams}
	cmd := &cobra.Command{
		Use:   "watch (TYPE/NAME | TYPE NAME)",
		Short: "Watch a rollout live, one mannequin per pod",
		Long: `Watch the rollout of a ` + workload.Names("or") + ` live: every
pod is drawn as a mannequin, grouped by revision, and the picture is redrawn
the moment the cluster changes. A stuck pod says why. On a terminal, u rolls
back, p pauses or resumes and r restarts, each after a confirmation.

The phase follows the rules of 'kubectl rollout status'. In a pipe, in CI,
with --plain or TERM=dumb it prints one timestamped line per change instead.
With --until-done it exits when the rollout ends.

` + exitCodesHelp,
		Example: watchExample,
		// Its drawing owns the terminal: the root silences klog there.
		Annotations: map[string]string{annotationDraws: "true"},
		// Completes deployment, deploy/NAME and the names after a type.
		ValidArgsFunction: workloadCompletion(configFlags),
		RunE:              runOptions(o),
	}
	cmd.Flags().BoolVar(&o.UntilDone, "until-done", false, "Exit when the rollout completes (0) or fails (1)")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", 0, "Give up after this long (e.g. 5m; exit 3); 0 waits forever")
	cmd.Flags().BoolVar(&o.Plain, "plain", false, "Print one line per change instead of drawing")
	cmd.Flags().StringVar(&o.Color, "color", "auto", "Colour output: auto, always or never (NO_COLOR is honoured)")
	cmd.Flags().BoolVar(&o.Compact, "compact", false, "One glyph per pod instead of a figure")
	addRegistryFlag(cmd, &o.Registry)
	addRegistryInsecureFlag(cmd, &o.RegistryInsecure)
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "Watch every "+workload.Names("and")+" matching this label selector, as one release")
	cmd.Flags().StringSliceVarP(&o.Filenames, "filename", "f", nil, "Watch the workloads in these manifests (files, directories, URLs, or - for stdin), as kubectl rollout status -f reads them")
	cmd.Flags().BoolVarP(&o.Recursive, "recursive", "R", false, "Process the directories of -f recursively")
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "With -l, watch matching workloads in every namespace")
	cmd.Flags().StringVar(&o.RegistryAuth, "registry-auth", registryAuthNone, "For a pod refused by its registry, try each of its pull Secrets on the registry and say which it refuses: none, or pull-secrets (reads Secret data, needs 'get secrets'; credentials are never printed or kept)")
	cmd.Flags().StringVar(&o.Logs, "logs", registryOn, "Quote the last lines of the log of the new revision's failing containers (reads pods/log, in the background, a few containers at most): on or off")
	cmd.Flags().DurationVar(&o.FailAfter, "fail-after", 0, "With --until-done, fail (exit 1) once pods of the new revision have been stuck this long (e.g. 2m) on: "+track.HopelessHelp+"; 0 waits for the progress deadline, as kubectl does")
	return cmd
}

// Complete reads the namespace and decides how to draw.
func (o *WatchOptions) Complete(args []string) error {
	if err := o.completeTarget(args); err != nil {
		return err
	}
	o.release = o.Selector != "" || len(o.Filenames) > 0 || ref.Many(args)
	o.tty = !o.Plain && terminal.IsTerminal(o.Out)
	// --plain on a terminal still earns colour; a pipe never does.
	color := colorOn(o.Color, terminal.IsTerminal(o.Out))
	o.style = render.Style{Color: color, Unicode: terminal.UTF8(), Compact: o.Compact}
	return nil
}

// Validate checks the arguments and flags before anything touches the cluster.
func (o *WatchOptions) Validate() error {
	if err := validColor(o.Color); err != nil {
		return err
	}
	if err := validRegistry(o.Registry, o.RegistryInsecure); err != nil {
		return err
	}
	switch {
	case o.RegistryAuth != registryAuthNone && o.RegistryAuth != registryAuthPullSecrets && o.RegistryAuth != "":
		return usageError(fmt.Errorf("invalid --registry-auth %q: use none or pull-secrets", o.RegistryAuth))
	case o.RegistryAuth == registryAuthPullSecrets && o.Registry == registryOff:
		return usageError(errors.New("--registry-auth=pull-secrets asks the registry, which --registry=off forbids: drop one of them"))
	}
	if o.Logs != "" && o.Logs != registryOn && o.Logs != registryOff {
		return usageError(fmt.Errorf("invalid --logs %q: use on or off", o.Logs))
	}
	if o.Timeout < 0 {
		return usageError(fmt.Errorf("invalid --timeout %s: use a positive duration such as 5m, or 0 to wait forever", o.Timeout))
	}
	switch {
	case o.FailAfter < 0:
		return usageError(fmt.Errorf("invalid --fail-after %s: use a positive duration such as 2m", o.FailAfter))
	case o.FailAfter > 0 && !o.UntilDone:
		return usageError(fmt.Errorf("--fail-after ends a wait: add --until-done"))
	}
	// Warnings would scribble over the drawing.
	if o.release {
		switch {
		case o.AllNamespaces && o.Selector == "":
			return usageError(errors.New("-A/--all-namespaces goes with -l/--selector"))
		}
		var err error
		if o.bySelector() {
			// What -l selects is listed by the view's own informers,
			// which then follow it as it changes.
			if _, err := labels.Parse(o.Selector); err != nil {
				return usageError(fmt.Errorf("invalid -l/--selector %q: %v", o.Selector, err))
			}
		} else if o.members, o.ignored, err = o.releaseMembers(); err != nil {
			return err
		}
		if o.clients, err = o.newClient(o.configFlags, false); err != nil {
			return err
		}
		o.client = o.clients.kube
		return nil
	}
	return o.resolveTarget("watching", o.tty)
}

// newWatcher watches one workload with everything the view can explain a
// stuck pod with: pull Secrets, ServiceAccounts, the registry (reg nil:
// --registry=off), and the connection's state.
func (o *WatchOptions) newWatcher(kind workload.Kind, namespace, name string, reg *registry.Client) *watcher.Workload {
	creds := &pullsecret.Credentials{Kube: o.client, Secrets: o.clients.secrets}
	w := watcher.New(o.client, kind, namespace, name).WithWhere(whereOf(o.configFlags)).WithSecretLookup(creds.Exists).WithServiceAccountLookup(creds.ServiceAccountPullSecrets)
	if o.clients.conn != nil {
		w = w.WithConnection(o.clients.conn)
	}
	if o.Logs != registryOff {
		w = w.WithLogLookup(podlog.Tail(o.client, podlog.Lines))
	}
	if reg != nil {
		w = w.WithImageLookup(reg.ImageFor)
		if o.RegistryAuth == registryAuthPullSecrets {
			w = w.WithPullSecretCheck(creds.Try(reg))
		}
	}
	return w
}

// Run watches until the user quits, the rollout ends (--until-done) or time runs out.
func (o *WatchOptions) Run(ctx context.Context) error {
	ctx, stop := withSignals(ctx)
	defer stop()
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.Timeout, errTimeout)
		defer cancel()
	}
	// One registry client for the shelf and the undo's preflight: the
	// undo's target is usually the revision the shelf compared with,
	// already looked up.
	var reg *registry.Client
	if o.Registry == registryOn {
		reg = registry.New(registryTimeout).WithInsecure(o.RegistryInsecure)
		o.images = reg.ImageFor
	}
	if o.release {
		return o.runRelease(ctx, reg)
	}
	// One workload is followed as a release's member is: a release of one.
	m := release.Member{Kind: o.kind, Namespace: o.namespace, Name: o.name}
	// A distant or slow cluster can take seconds to list the pods: say what
	// the screen waits for, on the terminal only, and clear it before the
	// first frame.
	stopWaiting := func() {}
	if o.tty && o.style.Color && terminal.IsTerminal(o.ErrOut) {
		stopWaiting = view.ShowWaiting(o.ErrOut, fmt.Sprintf("reading %s/%s and its pods…", o.kind.Short(), o.name), view.WaitingDelay)
	}
	f, err := release.Follow(ctx, m, o.newWatcher(m.Kind, m.Namespace, m.Name, reg), o.FailAfter)
	stopWaiting()
	if err != nil {
		if ctx.Err() != nil {
			return o.interrupted(ctx, nil)
		}
		return explain.GetIn(ctx, o.client, err, workload.Lower(o.kind), o.name, o.namespace)
	}
	started := time.Now()
	if o.tty {
		err = o.runScreen(ctx, f, started)
	} else {
		err = o.runPlain(ctx, f, started)
	}
	o.printSummary(ctx, []*release.Followed{f})
	return err
}
