// Package ref reads a workload reference as kubectl users type it: TYPE/NAME
// or TYPE NAME. It checks the name before anything asks the cluster, and
// its errors are one line that shows the way to write it.
package ref

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Shorten cuts s to n bytes, marking the cut.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// MissingName is a type with no name (`watch deploy`); the caller may add
// the names it finds in the namespace, which the message then offers.
type MissingName struct {
	Type  string
	Names []string
}

func (e *MissingName) Error() string {
	msg := fmt.Sprintf("name the %s: write %s/NAME or %s NAME", e.Type, e.Type, e.Type)
	if len(e.Names) > 0 {
		more := ""
		if len(e.Names) > 5 {
			e.Names, more = e.Names[:5], ", …"
		}
		msg += fmt.Sprintf(" (here: %s%s)", strings.Join(e.Names, ", "), more)
	}
	return msg
}

// Parse splits TYPE/NAME or TYPE NAME and checks the name, all before
// anything asks the cluster. isType tells a lone argument that is a type
// (`deploy`), which is then missing its name, from one that is a name
// missing its type.
func Parse(args []string, isType func(string) bool) (typ, name string, err error) {
	switch len(args) {
	case 0:
		return "", "", errors.New("name the workload to watch, e.g. deploy/clerk-squad")
	case 1:
		var ok bool
		if typ, name, ok = strings.Cut(args[0], "/"); !ok {
			if isType(args[0]) {
				return "", "", &MissingName{Type: args[0]}
			}
			// The example reuses the argument only when it could be a name:
			// anything else would bring its control characters into the line.
			example := "NAME"
			if len(validation.IsDNS1123Subdomain(args[0])) == 0 {
				example = args[0]
			}
			return "", "", fmt.Errorf("%q has no type: write TYPE/NAME, e.g. deploy/%s", Shorten(args[0], 40), example)
		}
	case 2:
		if strings.Contains(args[0], "/") {
			return "", "", fmt.Errorf("too many arguments %q: name one workload, e.g. deploy/clerk-squad", args)
		}
		typ, name = args[0], args[1]
	default:
		return "", "", fmt.Errorf("too many arguments %q: name one workload, e.g. deploy/clerk-squad", args)
	}
	if typ == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("%q is not a workload reference: write TYPE/NAME, e.g. deploy/clerk-squad", strings.Join(args, " "))
	}
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return "", "", fmt.Errorf("invalid name %q: %s", Shorten(name, 40), errs[0])
	}
	return typ, name, nil
}

// Many tells whether args name more than one workload: kubectl's
// `deploy/a sts/b` or `deploy a b`.
func Many(args []string) bool {
	slashed := 0
	for _, a := range args {
		if strings.Contains(a, "/") {
			slashed++
		}
	}
	return slashed > 1 || slashed == 0 && len(args) > 2
}
