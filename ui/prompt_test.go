package ui

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

func pressPrompt(p Prompt, keys ...string) (Prompt, tea.Cmd) {
	var cmd tea.Cmd
	for _, k := range keys {
		p, cmd = p.Update(formKey(k))
	}
	return p, cmd
}

func TestPrompt(t *testing.T) {
	st := NewFormStyles(plainRenderer(), MonoTheme())
	tests := []struct {
		name     string
		validate func(string) error
		keys     []string
		want     tea.Msg // nil: nothing sent
		wantView string  // in the view afterwards
	}{
		{"valid url", RequireHTTPURL, []string{"https://example.com/a.xml", "enter"},
			promptSubmitMsg{id: "announce", value: "https://example.com/a.xml"}, ""},
		{"ctrl+s submits too", RequireHTTPURL, []string{"https://example.com/a.xml", "ctrl+s"},
			promptSubmitMsg{id: "announce", value: "https://example.com/a.xml"}, ""},
		{"url without scheme refused", RequireHTTPURL, []string{"example.com/a.xml", "enter"},
			nil, "✗ URL example.com/a.xml has no http:// or https://; write it as https://example.com/a.xml"},
		{"empty url refused", RequireHTTPURL, []string{"enter"}, nil, "URL is empty"},
		{"ftp refused", RequireHTTPURL, []string{"ftp://example.com/a", "enter"}, nil, "only http:// and https://"},
		{"esc cancels", RequireHTTPURL, []string{"https://x", "esc"}, formCancelMsg{}, ""},
		{"no validate accepts anything", nil, []string{"enter"}, promptSubmitMsg{id: "announce", value: ""}, ""},
		{"code typed back", RequireCode("7f3a", "the end of its SID"), []string{"7f3a", "enter"},
			promptSubmitMsg{id: "announce", value: "7f3a"}, ""},
		{"code in capitals, with spaces", RequireCode("7f3a", "the end of its SID"), []string{" 7F3A ", "enter"},
			promptSubmitMsg{id: "announce", value: " 7F3A "}, ""},
		{"wrong code refused", RequireCode("7f3a", "the end of its SID"), []string{"7f3b", "enter"},
			nil, "7f3b is not the end of its SID; type 7f3a to confirm, or press esc to keep it"},
		{"empty code refused", RequireCode("7f3a", "the end of its SID"), []string{"enter"},
			nil, "type 7f3a (the end of its SID) to confirm"},
		{"a problem clears when the text changes", RequireHTTPURL, []string{"x", "enter", "y"}, nil, "!✗"},
		{"problem stays until the text changes", RequireHTTPURL, []string{"x", "enter", "left"}, nil, "✗"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPrompt(st, "announce", "Announce to support-room", "https://…", tt.validate)
			p, cmd := pressPrompt(p, tt.keys...)
			if got := formResult(cmd); got != tt.want {
				t.Errorf("result = %#v, want %#v", got, tt.want)
			}
			view := formText(p.View(100, 20))
			switch {
			case strings.HasPrefix(tt.wantView, "!"):
				if strings.Contains(view, tt.wantView[1:]) {
					t.Errorf("view has %q:\n%s", tt.wantView[1:], view)
				}
			case !strings.Contains(view, tt.wantView):
				t.Errorf("view lacks %q:\n%s", tt.wantView, view)
			}
		})
	}
}

func TestPromptSendsOnce(t *testing.T) {
	p := NewPrompt(NewFormStyles(plainRenderer(), MonoTheme()), "end", "End the conference?", "", nil)
	p, cmd := pressPrompt(p, "x", "enter")
	if _, ok := formResult(cmd).(promptSubmitMsg); !ok {
		t.Fatalf("first enter gave %#v", formResult(cmd))
	}
	if _, cmd = pressPrompt(p, "enter"); formResult(cmd) != nil {
		t.Errorf("second enter sent %#v", formResult(cmd))
	}
	if _, cmd = pressPrompt(p, "esc"); formResult(cmd) != (formCancelMsg{}) {
		t.Error("esc after answering does not close")
	}
}

func TestPromptValidateSeesTheTextAsTyped(t *testing.T) {
	var seen string
	p := NewPrompt(NewFormStyles(plainRenderer(), MonoTheme()), "id", "t", "", func(s string) error {
		seen = s
		return errors.New("no")
	})
	p, _ = pressPrompt(p, " a b ", "enter")
	if seen != " a b " || p.Value() != " a b " {
		t.Errorf("validate saw %q, value %q; want the text as typed", seen, p.Value())
	}
	// Invisible characters never get into the text.
	p = NewPrompt(NewFormStyles(plainRenderer(), MonoTheme()), "id", "t", "", nil)
	p, _ = p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("ab\u202ec\u200b"), Paste: true})
	if p.Value() != "abc" {
		t.Errorf("pasted text = %q, want abc", p.Value())
	}
}

func TestPromptViewIsInertAndFits(t *testing.T) {
	p := NewPrompt(NewFormStyles(plainRenderer(), MonoTheme()), "end", "Type \x1b]0;x\x07 to end it", "", RequireCode("7f3a", "the code")).
		WithDetail("name  \u202eroom\x1b[2J")
	p, _ = pressPrompt(p, strings.Repeat("long text ", 30), "enter")
	for _, size := range [][2]int{{80, 24}, {40, 10}} {
		v := p.View(size[0], size[1])
		if strings.ContainsAny(v, "\x07\u202e") || strings.Contains(v, "\x1b]") {
			t.Errorf("view carries raw control characters: %q", v)
		}
		for _, l := range strings.Split(formPlain(v), "\n") {
			if w := lipgloss.Width(l); w > size[0] {
				t.Errorf("%dx%d: line %d wide: %q", size[0], size[1], w, l)
			}
		}
	}
	if v := formText(p.View(80, 24)); !strings.Contains(v, "Type ␛]0;x␇ to end it") || !strings.Contains(v, "name <U+202E>room␛[2J") {
		t.Errorf("view does not show the title and name inert:\n%s", v)
	}
}
