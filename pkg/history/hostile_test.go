package history

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

const hostile = "x\x1b]52;c;aGk=\x07\x1b[2J\x1b[1A\u009b2J\u202e"

func unsafeRune(s string) (rune, bool) {
	for _, r := range s {
		if sanitize.Unsafe(r) && r != '\n' {
			return r, true
		}
	}
	return 0, false
}

func TestHistoryTextIsSanitizedButDataIsExact(t *testing.T) {
	r := rs("a", "1", "uniform:"+hostile)
	r.Annotations["kubernetes.io/change-cause"] = hostile
	r.Spec.Template.Annotations = map[string]string{"note" + hostile: hostile}
	revs := forDeployment(r, r)
	rev := &revs[0]

	for _, cell := range Row(rev, time.Now()) {
		if c, bad := unsafeRune(cell); bad {
			t.Errorf("table cell keeps %U: %q", c, cell)
		}
	}
	if c, bad := unsafeRune(rev.Label()); bad {
		t.Errorf("label keeps %U: %q", c, rev.Label())
	}
	y, err := TemplateYAML(rev.Template)
	if err != nil {
		t.Fatalf("a C1 character in a template must not stop --revision or --diff: %v", err)
	}
	if c, bad := unsafeRune(y); bad {
		t.Errorf("template YAML keeps %U:\n%s", c, y)
	}
	if !strings.Contains(y, `\x1b]52`) {
		t.Errorf("the YAML should show the escape as text:\n%s", y)
	}
	other := rs("b", "2", "uniform:plain")
	if _, err := Diff(rev, &forDeployment(other, other)[0]); err != nil {
		t.Errorf("diff: %v", err)
	}

	// -o json keeps the data exact: its encoder escapes it.
	out, err := json.Marshal(List("ns", "deployment.apps/a", revs))
	if err != nil {
		t.Fatal(err)
	}
	var back RevisionList
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if back.Items[0].ChangeCause != hostile || back.Items[0].Containers[0].Image != "uniform:"+hostile {
		t.Errorf("-o json must keep the data exact, got %q and %q", back.Items[0].ChangeCause, back.Items[0].Containers[0].Image)
	}
}
