package view

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/release"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/render"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/track"
)

// ReleaseLog prints a release's changes to out as one log whose every line
// names its workload, until untilDone saw every member end or ctx ends:
// for pipes, CI logs and --plain.
func ReleaseLog(ctx context.Context, out io.Writer, r *release.Roster, roster <-chan release.Change, started time.Time, untilDone, allNamespaces bool) error {
	changes := make(chan *release.Followed, 16)
	listen := func(f *release.Followed) {
		// Each member's changes are funnelled to this one loop, which
		// alone writes the log; a send gives up when the watch ends, and
		// the funnel closes when the member leaves.
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-f.W.Done():
					return
				case <-f.W.Changes():
					select {
					case changes <- f:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	step := func(f *release.Followed) {
		s, lines := f.Step(time.Now(), started)
		for _, line := range lines {
			fmt.Fprintln(out, render.LogLineFor(s.Now, f.Who(allNamespaces), line))
		}
	}
	apply := func(c release.Change) {
		fmt.Fprintln(out, render.LogLine(time.Now(), render.Line{Text: c.Say}))
		if c.Add != nil {
			listen(c.Add)
			step(c.Add)
		} else {
			c.Remove.Leave(c.Say)
		}
	}
	for _, f := range r.List() {
		listen(f)
		step(f)
	}
	recheck := time.NewTicker(time.Second)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case f := <-changes:
			if f.Track.Outcome() != track.Left {
				step(f)
			}
		case c := <-roster:
			apply(c)
		case <-recheck.C:
			// A member whose pods lag a finished status ends without a change.
			for _, f := range r.List() {
				if !f.Track.Ended() {
					step(f)
				}
			}
		}
		// A workload that joined (or left) is told before the end, even
		// when the members' changes came first.
		for ended := untilDone && release.AllDone(r.List()); ended; ended = release.AllDone(r.List()) {
			select {
			case c := <-roster:
				apply(c)
			default:
				return nil
			}
		}
	}
}
