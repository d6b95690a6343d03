package cmd

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/ref"
	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/workload"
)

// k9sVar is a variable reference in a k9s plugin argument: $NAME, $COL-AGE.
var k9sVar = regexp.MustCompile(`\$!?[A-Za-z0-9_-]+`)

// k9sVars are the variables k9s sets for a plugin run from a resource table
// (derailed/k9s: internal/view/table.go defaultEnv, helpers.go k8sEnv).
var k9sVars = []string{"NAME", "NAMESPACE", "CONTEXT", "CLUSTER", "USER", "GROUPS", "KUBECONFIG", "FILTER",
	"RESOURCE_NAME", "RESOURCE_GROUP", "RESOURCE_VERSION"}

// expandK9s substitutes the variables in arg from env, as k9s does before it
// runs a plugin; a variable k9s does not set is an error, as it is in k9s.
func expandK9s(arg string, env map[string]string) (string, error) {
	var missing []string
	out := k9sVar.ReplaceAllStringFunc(arg, func(ref string) string {
		name := strings.TrimPrefix(ref[1:], "!")
		if v, ok := env[name]; ok {
			return v
		}
		missing = append(missing, ref)
		return ref
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("k9s sets no %s", strings.Join(missing, ", "))
	}
	return out, nil
}

// TestK9sPluginsRunCommandsThePluginAccepts keeps plugins/k9s/plugins.yaml in
// k9s's format and, for every kind in each entry's scopes, expands its
// arguments as k9s would on a selected row and checks that the plugin's
// command tree takes them for that very workload, namespace and context.
func TestK9sPluginsRunCommandsThePluginAccepts(t *testing.T) {
	data, err := os.ReadFile("../../plugins/k9s/plugins.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Plugins map[string]map[string]any `json:"plugins"`
	}
	if err := yaml.UnmarshalStrict(data, &file); err != nil {
		t.Fatal(err)
	}
	// The fields of k9s's plugin schema.
	known := []string{"shortCut", "override", "description", "confirm", "dangerous", "scopes", "command", "background", "overwriteOutput", "args", "inputs"}
	commands := map[string]bool{}
	keys := map[string]string{}
	for name, p := range file.Plugins {
		for field := range p {
			if !slices.Contains(known, field) {
				t.Errorf("%s: k9s has no field %q", name, field)
			}
		}
		for _, field := range []string{"shortCut", "description", "scopes", "command"} {
			if p[field] == nil {
				t.Errorf("%s: k9s needs %q", name, field)
			}
		}
		if key, _ := p["shortCut"].(string); keys[key] != "" {
			t.Errorf("%s: shortcut %s is %s's already", name, key, keys[key])
		} else {
			keys[key] = name
		}
		if p["command"] != "kubectl" {
			t.Errorf("%s: runs %v, want kubectl", name, p["command"])
			continue
		}
		var args []string
		for _, a := range p["args"].([]any) {
			args = append(args, a.(string))
		}
		if len(args) < 2 || args[0] != "mannequin" {
			t.Errorf("%s: %q does not run the plugin", name, args)
			continue
		}
		commands[args[1]] = true
		if args[1] == "undo" && p["dangerous"] != true && p["confirm"] != true {
			t.Errorf("%s changes the cluster: k9s should hide it in read-only mode (dangerous: true) or confirm it", name)
		}

		var scopes []string
		for _, s := range p["scopes"].([]any) {
			scopes = append(scopes, s.(string))
		}
		for _, k := range workload.Kinds {
			if !slices.Contains(scopes, k.Resource()) {
				t.Errorf("%s: scopes %v leave out %s", name, scopes, k.Resource())
			}
		}
		for _, scope := range scopes {
			k, ok := workload.ForResource(schema.GroupResource{Group: "apps", Resource: scope})
			if !ok {
				t.Errorf("%s: scope %q is not a kind the plugin follows", name, scope)
				continue
			}
			// What k9s sets on a row of that view.
			env := map[string]string{
				"NAME": "clerk-squad", "NAMESPACE": "shop", "CONTEXT": "prod", "CLUSTER": "prod-cluster",
				"RESOURCE_NAME": scope, "RESOURCE_GROUP": "apps", "RESOURCE_VERSION": "v1",
			}
			for v := range env {
				if !slices.Contains(k9sVars, v) {
					t.Fatalf("the test sets %s, which k9s does not", v)
				}
			}
			var line []string
			for _, a := range args[1:] {
				x, err := expandK9s(a, env)
				if err != nil {
					t.Fatalf("%s: %q: %v", name, a, err)
				}
				line = append(line, x)
			}
			checkRunsOn(t, name+" on "+scope, line, k)
		}
	}
	for _, c := range []string{"watch", "history", "undo"} {
		if !commands[c] {
			t.Errorf("no k9s entry runs kubectl mannequin %s", c)
		}
	}
}

// checkRunsOn parses `kubectl mannequin <args>` with the plugin's command
// tree and checks that it names kind's workload clerk-squad in namespace
// shop of context prod.
func checkRunsOn(t *testing.T, what string, args []string, k workload.Kind) {
	t.Helper()
	root := NewCmdMannequin(genericiooptions.NewTestIOStreamsDiscard())
	cmd, rest, err := root.Find(args)
	if err == nil && cmd != root {
		err = cmd.ParseFlags(rest)
	}
	if err != nil || cmd == root {
		t.Errorf("%s: kubectl mannequin %s is not a command the plugin accepts: %v", what, strings.Join(args, " "), err)
		return
	}
	typ, name, err := ref.Parse(cmd.Flags().Args(), workload.IsSpelling)
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if gr, _ := workload.ForSpelling(typ); gr.Resource != k.Resource() || gr.Group != "apps" || name != "clerk-squad" {
		t.Errorf("%s: kubectl mannequin %s names %s %q, want %s.apps clerk-squad", what, strings.Join(args, " "), gr, name, k.Resource())
	}
	for flag, want := range map[string]string{"namespace": "shop", "context": "prod"} {
		if f := cmd.Flags().Lookup(flag); f == nil || f.Value.String() != want {
			t.Errorf("%s: --%s is not k9s's %s", what, flag, want)
		}
	}
}

func TestExpandK9s(t *testing.T) {
	env := map[string]string{"NAME": "a", "NAMESPACE": "b", "RESOURCE_NAME": "deployments", "RESOURCE_GROUP": "apps"}
	for in, want := range map[string]string{
		"$RESOURCE_NAME.$RESOURCE_GROUP/$NAME": "deployments.apps/a",
		"$NAMESPACE":                           "b",
		"plain":                                "plain",
	} {
		if got, err := expandK9s(in, env); err != nil || got != want {
			t.Errorf("expandK9s(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := expandK9s("$RESOURCE/$NAME", env); err == nil {
		t.Errorf("$RESOURCE is not a k9s variable, but expanded")
	}
}
