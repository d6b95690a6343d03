package cmd

import (
	"os"
	"slices"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"
)

// TestK9sPluginsRunCommandsThePluginAccepts keeps plugins/k9s/plugins.yaml in
// k9s's format and its command lines in step with the command tree.
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
		if p["command"] != "kubectl" {
			t.Errorf("%s: runs %v, want kubectl", name, p["command"])
			continue
		}
		var args []string
		for _, a := range p["args"].([]any) {
			args = append(args, a.(string))
		}
		line := strings.Join(args, " ")
		for _, v := range []string{"$NAME", "$NAMESPACE", "$CONTEXT"} {
			if !strings.Contains(line, v) {
				t.Errorf("%s: %q does not use k9s's %s", name, line, v)
			}
		}
		if args[0] != "mannequin" {
			t.Errorf("%s: %q does not run the plugin", name, line)
			continue
		}
		root := NewCmdMannequin(genericiooptions.NewTestIOStreamsDiscard())
		cmd, rest, err := root.Find(args[1:])
		if err == nil && cmd != root {
			err = cmd.ParseFlags(rest)
		}
		if err != nil || cmd == root {
			t.Errorf("%s: kubectl %s is not a command the plugin accepts: %v", name, line, err)
		}
	}
	if len(file.Plugins) < 2 {
		t.Errorf("want the watch and history plugins, got %d", len(file.Plugins))
	}
}
