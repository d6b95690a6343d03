// Command kubectl-mannequin is a kubectl plugin that shows and steers rollouts.
package main

import (
	"os"

	"github.com/kubectl-mannequin/kubectl-mannequin/pkg/cmd"
)

func main() {
	os.Exit(cmd.Execute())
}
