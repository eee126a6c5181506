//go:build !race

package ui

// raceEnabled shortens the long-running measurements under the race
// detector, which slows the program tenfold and measures nothing useful.
const raceEnabled = false
