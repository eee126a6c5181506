// Package nostall keeps confconsole from stalling at start-up on a terminal
// that never answers colour queries.
//
// Bubble Tea v1 calls lipgloss.HasDarkBackground from an init function. That
// asks the terminal for its background colour (OSC 11) and waits up to
// termenv.OSCTimeout (5 s) for a reply that some terminals, and some SSH
// relays, never send. Declaring the background before that init runs makes the
// call return at once; the console picks its real theme later, in its own
// time (see ui.DetectTheme and --theme).
//
// Import it for its side effect, before Bubble Tea is initialised. Go
// initialises packages in import-path order among those whose imports are
// ready, so this package's path ("confconsole/...") sorts before
// "github.com/charmbracelet/bubbletea" and it runs first. The start-up test,
// which runs the built binary on a pseudo-terminal that never answers, holds
// that.
package nostall

import "github.com/charmbracelet/lipgloss"

func init() {
	lipgloss.SetHasDarkBackground(true)
}
