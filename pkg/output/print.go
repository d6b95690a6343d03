package output

import (
	"bytes"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/sanitize"
)

// PrintEscaped prints obj, which holds text from the cluster, with p (a
// cli-runtime printer for format) to w. The data stays exact, but nothing
// in it can act on a terminal: the JSON and YAML encoders leave bidi and
// some C1 characters raw, which are escaped so that the document means
// the same; other formats (a name, a line) are sanitized as text.
func PrintEscaped(w io.Writer, p printers.ResourcePrinter, format string, obj runtime.Object) error {
	var buf bytes.Buffer
	if err := p.PrintObj(obj, &buf); err != nil {
		return err
	}
	out, err := buf.Bytes(), error(nil)
	switch format {
	case "json":
		out = sanitize.JSON(out)
	case "yaml":
		out, err = sanitize.YAML(out)
	default:
		out = []byte(sanitize.Text(strings.TrimSuffix(string(out), "\n")) + "\n")
	}
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}
