package sanitize

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// YAML returns a YAML document that means the same as doc but holds no
// character a terminal would act on. YAML encoders write bidi and zero-width
// characters raw, even in plain scalars, where no escape exists; so the
// scalars (keys too) that hold one are re-emitted double-quoted, where
// "\u202e" means the character itself. Documents without such characters,
// nearly all of them, are returned unchanged.
func YAML(doc []byte) ([]byte, error) {
	if !hasUnsafe(doc) {
		return doc, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("re-read YAML to escape it: %w", err)
	}
	quoteUnsafe(&root)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("escape YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("escape YAML: %w", err)
	}
	// Every raw unsafe character left is now inside a double-quoted scalar.
	return JSON(b.Bytes()), nil
}

func quoteUnsafe(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && strings.IndexFunc(n.Value, Unsafe) >= 0 {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		quoteUnsafe(c)
	}
}

func hasUnsafe(doc []byte) bool {
	return bytes.IndexFunc(doc, func(r rune) bool { return r != '\n' && Unsafe(r) }) >= 0
}
