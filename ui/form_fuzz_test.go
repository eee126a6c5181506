package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/model"
)

// FuzzAddFormValidation types arbitrary To, From, Label and Timeout into
// the add-participant form and submits it. Whatever is typed, the form must
// not panic, must draw nothing a terminal would interpret, and must submit
// only a request the client accepts (its form encodes) with a To that
// passes the endpoint check: the form's validation and the client's must
// agree, or the operator sees "sent" for a request that never left.
func FuzzAddFormValidation(f *testing.F) {
	f.Add("+14155550100", "+14155550111", "agent-9", "30")
	f.Add("client:bob", "+15005550006", "", "")
	f.Add("sip:alice@example.com;transport=tls", "+15005550006", "a/b", "0")
	f.Add("+1 415 555 0100", "x", "CA0123456789abcdef0123456789abcdef", "-1")
	f.Add("\x1b]52;c;aGk=\x07", "\u202e+1", "zero\u200bwidth", "99999")
	f.Add("client:"+strings.Repeat("z", 300), "+1", strings.Repeat("é", 130), "1e3")
	f.Fuzz(func(t *testing.T, to, from, label, timeout string) {
		form := newTestForm()
		fields := []string{to, from, label, timeout}
		for i, text := range fields {
			// Pasted, as a terminal delivers a paste: one message.
			if text != "" {
				form, _ = form.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text), Paste: true})
			}
			if i < len(fields)-1 {
				form, _ = form.Update(tea.KeyMsg{Type: tea.KeyTab})
			}
		}
		form, cmd := form.Update(tea.KeyMsg{Type: tea.KeyCtrlS})
		view := formPlain(form.View(100, 40))
		for _, r := range view {
			if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || strings.ContainsRune("\u202e\u202d\u2066\u2067\u2068\u2069\u200b\u200e\u200f\ufeff", r)) {
				t.Fatalf("the form drew %U: %q", r, view)
			}
		}
		msg, ok := formResult(cmd).(addSubmitMsg)
		if !ok {
			return
		}
		p := msg.params
		if _, err := p.Form(); err != nil {
			t.Fatalf("the form submitted what the client refuses (%v): %+v", err, p)
		}
		if err := model.ValidateEndpoint(p.To); err != nil {
			t.Fatalf("submitted To %q fails the endpoint check: %v", p.To, err)
		}
		if p.Label != "" {
			if err := model.ValidateLabel(p.Label); err != nil {
				t.Fatalf("submitted label %q fails the label check: %v", p.Label, err)
			}
		}
	})
}
