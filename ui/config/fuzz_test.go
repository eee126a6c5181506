package config

import (
	"errors"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"confconsole/ui"
)

// FuzzParse feeds arbitrary files to the parser and the key remap: neither
// may panic, and every refusal is a *Error naming the file.
func FuzzParse(f *testing.F) {
	f.Add([]byte(example))
	f.Add([]byte("[keys]\nmute = [\"z\", \"ctrl+x\"]\nhold = \"z\"\n"))
	f.Add([]byte("[profiles.prod]\nannouncements = { a = \"https://x.example\" }\n"))
	f.Add([]byte("keys = { mute = [1] }\n[[profiles]]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse("config.toml", b)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.Path != "config.toml" {
				t.Fatalf("error %v (%T) is not a *config.Error naming the file", err, err)
			}
			return
		}
		km := ui.KeyMap{Mute: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mute/unmute")),
			Hold: key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hold/resume"))}
		if _, err := file.Remap(km); err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("remap error %v (%T) is not a *config.Error", err, err)
			}
		}
		var e Effective
		file.Apply(&e, "prod")
	})
}
