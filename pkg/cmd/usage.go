package cmd

import (
	"fmt"

	"github.com/spf13/cobra"
)

// kubectlStyleArgErrors makes argument errors read as kubectl's do: one line
// that ends with a pointer to the command's --help, like flag errors. Call it
// once every subcommand has been added.
func kubectlStyleArgErrors(root *cobra.Command) {
	// Without Args, cobra reports an unknown subcommand over several lines
	// ("Did you mean this?" and a list).
	root.Args = unknownCommand
	root.SuggestionsMinimumDistance = 2 // cobra's default, which SuggestionsFor does not apply
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if validate := c.Args; validate != nil {
			c.Args = func(cmd *cobra.Command, args []string) error {
				if err := validate(cmd, args); err != nil {
					return usageError(fmt.Errorf("%w; see '%s --help'", err, cmd.CommandPath()))
				}
				return nil
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// unknownCommand rejects any argument to a command that only has subcommands,
// suggesting the closest one.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	return fmt.Errorf("%s", msg)
}
