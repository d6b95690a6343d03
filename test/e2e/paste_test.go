package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/test/e2e/framework"
)

// pasted is text of n bytes ending in y, as a user might paste into the
// wrong window: a command line or two, with no key of the views in it but
// the last.
func pasted(n int) string {
	text := strings.Repeat("echo rolling along; ", n/20+1)
	return text[:n-1] + "y"
}

// TestPastesOfAnyLengthNeverAnswer: a question is answered only by a key
// pressed alone. Pastes of 257, 513 and 769 bytes ending in y (one byte
// past a 256-byte read, and past two and three) and a bracketed paste of a
// lone y leave the Deployment untouched in undo, the live view and the
// interactive history; a y pressed alone a second later rolls it back. The
// plugin turns bracketed paste on while it owns the terminal and off again
// when it leaves.
func TestPastesOfAnyLengthNeverAnswer(t *testing.T) {
	ns := namespace(t)
	ctx := ctxFor(t, 5*time.Minute)
	question := func(name string) func([]string) bool {
		return func(s []string) bool {
			return asked(s, "Roll back deployment/"+name+" from rev 2 (uniform:winter-2024) to rev 1 (uniform:summer-2023)?")
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		// ask brings the question up; quit leaves after the rollback.
		ask  func(*testing.T, *framework.Terminal)
		quit string
	}{
		{"paste-undo", []string{"undo", "deploy/paste-undo"}, func(*testing.T, *framework.Terminal) {}, ""},
		{"paste-watch", []string{"watch", "deploy/paste-watch"}, func(t *testing.T, term *framework.Terminal) {
			if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "successfully rolled out") }); err != nil {
				t.Fatalf("no live view: %v", err)
			}
			_ = term.Send("u")
		}, "q"},
		{"paste-history", []string{"history", "deploy/paste-history"}, func(t *testing.T, term *framework.Terminal) {
			if _, err := term.WaitForScreen(15*time.Second, func(s []string) bool { return contains(s, "2 (current)") }); err != nil {
				t.Fatalf("no history view: %v", err)
			}
			_ = term.Send("j")
			time.Sleep(300 * time.Millisecond)
			_ = term.Send("u")
		}, "q"},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			withHistory(t, ns, tc.name, summer, winter)
			before := getDeployment(t, ns, tc.name)
			term, err := env.StartTerminal(ctx, 120, 30, append([]string{"mannequin"}, append(tc.args, "-n", ns)...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer term.Close()
			tc.ask(t, term)
			if s, err := term.WaitForScreen(15*time.Second, question(tc.name)); err != nil {
				t.Fatalf("no question: %v\n%s", err, shown(s))
			}
			time.Sleep(time.Second) // long past the time a key needs to answer
			untouched := func(what string) {
				t.Helper()
				time.Sleep(1500 * time.Millisecond)
				if now := getDeployment(t, ns, tc.name); now.Generation != before.Generation || now.Spec.Template.Spec.Containers[0].Image != winter {
					t.Fatalf("%s rolled the deployment back (generation %d → %d, image %s)", what, before.Generation, now.Generation, now.Spec.Template.Spec.Containers[0].Image)
				}
				if s := term.Screen(); !question(tc.name)(s) {
					t.Fatalf("%s took the question away:\n%s", what, shown(s))
				}
			}
			for _, n := range []int{257, 513, 769} {
				_ = term.Send(pasted(n)) // one write, as a terminal writes a paste
				untouched("a paste of " + strconv.Itoa(n) + " bytes ending in y")
			}
			_ = term.Send("\x1b[200~y\x1b[201~")
			untouched("a bracketed paste of y")
			if !strings.Contains(term.Raw(), "\x1b[?2004h") {
				t.Errorf("bracketed paste was never turned on")
			}

			time.Sleep(time.Second)
			_ = term.Send("y")
			if err := framework.Eventually(20*time.Second, func() (bool, error) {
				return getDeployment(t, ns, tc.name).Spec.Template.Spec.Containers[0].Image == summer, nil
			}); err != nil {
				t.Fatalf("a y pressed alone a second after the pastes did not roll back: %v\n%s", err, shown(term.Screen()))
			}
			if tc.quit != "" {
				time.Sleep(500 * time.Millisecond)
				_ = term.Send(tc.quit)
			}
			if code, err := term.Wait(15 * time.Second); err != nil || code != 0 {
				t.Errorf("exit %d %v\n%s", code, err, shown(term.Screen()))
			}
			raw := term.Raw()
			if on, off := strings.LastIndex(raw, "\x1b[?2004h"), strings.LastIndex(raw, "\x1b[?2004l"); off < on {
				t.Errorf("bracketed paste left on: last turned on at byte %d, off at %d", on, off)
			}
			if ok, _ := term.ModeRestored(); !ok {
				t.Errorf("terminal mode not restored")
			}
		})
	}
}
