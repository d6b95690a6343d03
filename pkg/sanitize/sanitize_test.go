package sanitize

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"uniform:winter-2024", "uniform:winter-2024"},
		{"winter\x1b]52;c;aGk=\x07", `winter\x1b]52;c;aGk=\x07`},
		{"\x1b[2J\x1b[1A", `\x1b[2J\x1b[1A`},
		{"a\tb\r\nc", `a\x09b\x0d\x0ac`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"gpj.\u202etxt", `gpj.\u202etxt`},
		{"zero\u200bwidth\ufeff\u00ad", `zero\u200bwidth\ufeff\u00ad`},
		{"line\u2028para\u2029", `line\u2028para\u2029`},
		{"isolate\u2066x\u2069", `isolate\u2066x\u2069`},
		{"bad \xff byte", `bad \xff byte`},
		{"日本語 é ü", "日本語 é ü"},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzText: whatever the cluster sends, the result is valid UTF-8 with no
// character a terminal would act on, and escaping is stable (text already
// escaped stays as it is, so escaping twice on the way never garbles it).
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]52;c;x\x07", "\u202e", "\xff\xfe", "\u0085", "é\u200d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Text(%q) = %q is not valid UTF-8", s, out)
		}
		for _, r := range out {
			if Unsafe(r) {
				t.Fatalf("Text(%q) = %q keeps %U", s, out, r)
			}
		}
		if again := Text(out); again != out {
			t.Fatalf("Text is not stable: %q then %q", out, again)
		}
		if !strings.ContainsAny(s, "\\") && plain(s) && out != s {
			t.Fatalf("printable ASCII %q changed to %q", s, out)
		}
	})
}

func TestJSONKeepsTheDataExact(t *testing.T) {
	in := map[string]string{"cause": "a\u202eb\u0085c\x7fd\U000e0041e\x1b"}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := JSON(raw)
	for _, r := range string(out) {
		if Unsafe(r) {
			t.Fatalf("JSON(%s) keeps %U", raw, r)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || back["cause"] != in["cause"] {
		t.Errorf("escaped JSON %s decodes to %q (%v), want %q", out, back["cause"], err, in["cause"])
	}
}

func TestYAMLKeepsTheDataExact(t *testing.T) {
	in := map[string]any{"items": []any{map[string]any{"changeCause": "a\u202eb\u200bc", "plain": "ok", "k\u2066": "v"}}}
	doc, err := yaml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := YAML(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range string(out) {
		if r != '\n' && Unsafe(r) {
			t.Fatalf("YAML keeps %U:\n%s", r, out)
		}
	}
	var back map[string]any
	if err := yaml.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, in) {
		t.Errorf("escaped YAML decodes to %v, want %v:\n%s", back, in, out)
	}
	if plain := []byte("a: b\n"); string(must(YAML(plain))) != string(plain) {
		t.Errorf("a document without unsafe characters must stay as it is")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
