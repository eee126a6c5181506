package model

import (
	"strings"
	"testing"
)

func TestValidateConferenceName(t *testing.T) {
	cases := []struct {
		name, in, want string // want: a part of the error; "" for none
	}{
		{"plain", "Support bridge", ""},
		{"unicode", "Daily Stand-up ☕", ""},
		{"at the limit", strings.Repeat("é", MaxConferenceNameLength), ""},
		{"empty", "", "is empty"},
		{"only spaces", "   ", "is empty"},
		{"too long", strings.Repeat("n", MaxConferenceNameLength+1), "129 characters long; Twilio allows at most 128"},
		{"escape sequence", "Ops\x1b[31m", "control or invisible characters"},
		{"newline", "Ops\nbridge", "control or invisible characters"},
		{"bidi control", "Ops\u202ebridge", "control or invisible characters"},
		{"not UTF-8", "Ops\xff", "not text"},
		{"trailing space", "Ops bridge ", "spaces at the start or end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateConferenceName(c.in)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("accepted; want an error saying %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("error %q does not say %q", err, c.want)
			}
		})
	}
}
