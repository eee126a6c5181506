package model

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateEndpoint(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" = valid; else a substring of the message
	}{
		{"+14155550100", ""},
		{"+442071838750", ""},
		{"+4930901820", ""},
		{"+81312345678", ""},
		{"+15005550006", ""}, // Twilio's test numbers are in the numbering plan

		// The right shape, but no numbering plan has them: Twilio refuses them
		// with 21211, and so does the form.
		{"+15551234567", "+15551234567 is not a number in use in country code +1; check the digits"},
		{"+1", "+1 is too short to be a phone number"},
		{"+1555", "+1555 is too short for a number of country code +1; check for a missing digit"},
		{"+123456789012345", "is too long for a number of country code +1; check for an extra digit"},
		{"+999123456", "+999123456 does not start with a country code in use"},
		{"+1 555 123 4567", "+1 555 123 4567 is not a number in use in country code +1; check the digits"},
		{"5551234567", "has no leading + and country code; write it in E.164"},
		{"4157663747", "has no leading + and country code; if it is a US number write it as +14157663747"},
		{"client:alice", ""},
		{"client:agent_7", ""},
		{"sip:alice@example.com", ""},
		{"sip:alice@example.com:5061;transport=tls", ""},
		{"sip:alice@10.0.0.1", ""},
		{"sip:alice@[2001:db8::1]", ""},
		{"sip:alice@example.com?X-Ticket=42", ""},

		{"", "is empty; write a phone number such as +14155550100"},
		{"   ", "is only spaces"},
		{"+1 415 555 0100", "+1 415 555 0100 has spaces; write it as +14155550100"},
		{"+1-415-555-0100", "has punctuation; write it as +14155550100"},
		{"+1 (415) 555-0100", "has spaces and punctuation; write it as +14155550100"},
		{" +14155550100 ", "has spaces around it; write it as +14155550100"},
		{"00442071838750", "starts with 00; write the international prefix as +, as +442071838750"},
		{"4155550100", "has no leading + and country code"},
		{"+", "has no digits after +"},
		{"+1415555O100", "characters other than digits"},
		{"+0123", "starts with +0"},
		{"+1234567890123456", "has 16 digits; E.164 numbers have at most 15"},
		{"alice@example.com", "looks like a SIP address; write it as sip:alice@example.com"},
		{"alice", "for a Twilio Client identity write client:alice"},
		{"client:", "has no name after client:"},
		{"client:alice smith", "write it without them, as client:alice_smith"},
		{"client:al\u200bice", "control or invisible characters"},
		{"Client:alice", "write it as client:alice"},
		{"SIP:alice@example.com", "write it as sip:alice@example.com"},
		{"sip:alice", "has no @"},
		{"sip:@example.com", "has no user before @"},
		{"sip:alice@", "has no host after @"},
		{"sip:alice@exa mple.com", "has spaces"},
		{"sip:alice@exa_mple!.com", "not a domain or IP address"},
		{"sip:alice@..com", "not a domain or IP address"},
		{"sip:alice@[zz::1]", "not a domain or IP address"},
		{"sip:al\x1bice@example.com", "control or invisible characters"},
		{"\x1b]52;c;AAAA\x07", "␛]52;c;AAAA␇"}, // the bad value is shown inert
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := ValidateEndpoint(tt.in)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("ValidateEndpoint(%q) = %v, want nil", tt.in, err)
			case tt.want != "" && err == nil:
				t.Errorf("ValidateEndpoint(%q) = nil, want an error containing %q", tt.in, tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("ValidateEndpoint(%q) = %q, want it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}

func FuzzValidateEndpoint(f *testing.F) {
	for _, s := range []string{"+14155550100", "client:a", "sip:a@b", "+1 415", "00", "sip:@", "client:", "\xff", "sip:a@[", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateEndpoint(s)
		if err == nil {
			return
		}
		msg := err.Error()
		if !utf8.ValidString(msg) {
			t.Fatalf("message for %q is not valid UTF-8: %q", s, msg)
		}
		if r, bad := forbidden(msg); bad {
			t.Fatalf("message for %q carries %U from the input: %q", s, r, msg)
		}
		if !strings.Contains(msg, ";") {
			t.Fatalf("message for %q says no fix: %q", s, msg)
		}
	})
}

func TestIsCallSID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"CA0123456789abcdef0123456789abcdef", true},
		{"CA0123456789ABCDEF0123456789ABCDEF", true},
		{"ca0123456789abcdef0123456789abcdef", false},
		{"CF0123456789abcdef0123456789abcdef", false},
		{"CA0123456789abcdef0123456789abcde", false},
		{"CA0123456789abcdef0123456789abcdeg", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsCallSID(tt.in); got != tt.want {
			t.Errorf("IsCallSID(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidateLabel(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", ""},
		{"agent-7", ""},
		{"客服 田中 👍🏽", ""},
		{strings.Repeat("é", 128), ""},
		{strings.Repeat("é", 129), "is 129 characters long; a label has at most 128"},
		{"CA0123456789abcdef0123456789abcdef", "looks like a call SID"},
		{"ca0123456789abcdef0123456789abcdef", "looks like a call SID"},
		{"CA0123456789abcdef0123456789abcdef-2", ""},
		{"agent\x1b[31m", "control or invisible characters"},
		{"agent\u202e7", "control or invisible characters"},
		{"agent\xff", "bytes that are not text"},
		{" agent", "spaces at the start or end"},
		{"team/agent-7", `contains "/"`},
		{"team%2Fagent-7", `contains %2F`},
		{"team%2fagent-7", `contains %2F`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			checkErr(t, "ValidateLabel", tt.in, ValidateLabel(tt.in), tt.want)
		})
	}
}

func checkErr(t *testing.T, fn, in string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s(%q) = %v, want nil", fn, in, err)
	case want != "" && err == nil:
		t.Errorf("%s(%q) = nil, want an error containing %q", fn, in, want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("%s(%q) = %q, want it to contain %q", fn, in, err, want)
	}
}

func TestTimeout(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"5", 5, ""},
		{"600", 600, ""},
		{" 60 ", 60, ""},
		{"4", 0, "is 4 seconds; ring time must be 5 to 600 seconds"},
		{"601", 0, "is 601 seconds"},
		{"-5", 0, "is -5 seconds"},
		{"0", 0, "is 0 seconds"},
		{"", 0, "is empty"},
		{"1m", 0, "1m is not a whole number of seconds"},
		{"6.5", 0, "not a whole number"},
		{"99999999999999999999999", 0, "far outside 5 to 600"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := ParseTimeout(tt.in)
			checkErr(t, "ParseTimeout", tt.in, err, tt.want)
			if n != tt.n {
				t.Errorf("ParseTimeout(%q) = %d, want %d", tt.in, n, tt.n)
			}
		})
	}
	if ValidateTimeout(5) != nil || ValidateTimeout(600) != nil || ValidateTimeout(4) == nil || ValidateTimeout(601) == nil {
		t.Error("ValidateTimeout bounds are not 5..600 inclusive")
	}
}

func TestNewParticipantValidate(t *testing.T) {
	agent := Participant{CallSID: sid("agent"), Label: "agent-7", Status: ParticipantConnected}
	gone := Participant{CallSID: sid("gone"), Label: "gone", Status: ParticipantComplete}
	present := []Participant{agent, gone}
	ok := NewParticipant{To: "+14155550100", From: "+14155550199"}
	tests := []struct {
		name    string
		n       NewParticipant
		present []Participant
		want    map[Field]string // field -> substring; empty map = valid
	}{
		{"minimal ok", ok, present, nil},
		{"all ok", NewParticipant{To: "client:bob", From: "+14155550199", Label: "bob", Timeout: "30",
			Coaching: true, CallSIDToCoach: agent.CallSID}, present, nil},
		// Twilio's docs: when To is a SIP address, From may be a SIP username.
		{"sip to with username from", NewParticipant{To: "sip:bob@example.com", From: "sup"}, present, nil},
		{"sip to with dotted username from", NewParticipant{To: "sip:bob@example.com", From: "night.desk-2"}, present, nil},
		{"sip to with a username that has a space", NewParticipant{To: "sip:bob@example.com", From: "night desk"}, present,
			map[Field]string{FieldFrom: "is not a SIP username: use only letters, digits"}},
		{"sip to with a number from that has spaces", NewParticipant{To: "sip:bob@example.com", From: "+1 415 555 0199"}, present,
			map[Field]string{FieldFrom: "has spaces; write it as +14155550199"}},
		{"phone to with username from", NewParticipant{To: "+14155550100", From: "sup"}, present,
			map[Field]string{FieldFrom: "for a Twilio Client identity write client:sup"}},
		{"client to with username from", NewParticipant{To: "client:bob", From: "sup"}, present,
			map[Field]string{FieldFrom: "for a Twilio Client identity write client:sup"}},
		{"friendly message with field", NewParticipant{To: "+1 415 555 0100", From: "+14155550199"}, present,
			map[Field]string{FieldTo: "+1 415 555 0100 has spaces; write it as +14155550100"}},
		{"both empty", NewParticipant{}, present,
			map[Field]string{FieldTo: "is empty", FieldFrom: "is empty"}},
		{"phone to needs phone from", NewParticipant{To: "+14155550100", From: "client:alice"}, present,
			map[Field]string{FieldFrom: "when To is a phone number, From must be one too"}},
		{"client to may have client from", NewParticipant{To: "client:bob", From: "client:alice"}, present, nil},
		{"label taken", NewParticipant{To: ok.To, From: ok.From, Label: "agent-7"}, present,
			map[Field]string{FieldLabel: "already the label of someone"}},
		{"label of someone who left is free", NewParticipant{To: ok.To, From: ok.From, Label: "gone"}, present, nil},
		{"label like a sid", NewParticipant{To: ok.To, From: ok.From, Label: sid("x")}, present,
			map[Field]string{FieldLabel: "looks like a call SID"}},
		{"bad timeout", NewParticipant{To: ok.To, From: ok.From, Timeout: "3"}, present,
			map[Field]string{FieldTimeout: "5 to 600"}},
		{"coaching without target", NewParticipant{To: ok.To, From: ok.From, Coaching: true}, present,
			map[Field]string{FieldCoach: "coaching needs someone to coach"}},
		{"coaching a bad sid", NewParticipant{To: ok.To, From: ok.From, Coaching: true, CallSIDToCoach: "agent-7"}, present,
			map[Field]string{FieldCoach: "is not a call SID"}},
		{"coaching someone absent", NewParticipant{To: ok.To, From: ok.From, Coaching: true, CallSIDToCoach: sid("zz")}, present,
			map[Field]string{FieldCoach: "not in this conference"}},
		{"coaching someone who left", NewParticipant{To: ok.To, From: ok.From, Coaching: true, CallSIDToCoach: gone.CallSID}, present,
			map[Field]string{FieldCoach: "gone has left the conference"}},
		{"coaching with no roster known", NewParticipant{To: ok.To, From: ok.From, Coaching: true, CallSIDToCoach: sid("zz")}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := tt.n.Validate(tt.present)
			if len(tt.want) == 0 {
				if es != nil {
					t.Fatalf("Validate = %v, want nil", es)
				}
				return
			}
			if len(es) != len(tt.want) {
				t.Errorf("Validate gave %d errors (%v), want %d", len(es), es, len(tt.want))
			}
			for f, sub := range tt.want {
				if msg := es.For(f); !strings.Contains(msg, sub) {
					t.Errorf("%s: %q, want it to contain %q", f, msg, sub)
				}
			}
		})
	}
}

func TestFieldErrors(t *testing.T) {
	es := NewParticipant{To: "+1 415 555 0100", From: ""}.Validate(nil)
	want := "To: +1 415 555 0100 has spaces; write it as +14155550100; From: is empty;"
	if !strings.HasPrefix(es.Error(), want) {
		t.Errorf("Error() = %q, want it to start %q", es.Error(), want)
	}
	var fe FieldErrors
	if !errors.As(error(es), &fe) || fe.For(FieldLabel) != "" {
		t.Errorf("errors.As or For(Label) wrong: %v", fe)
	}
	if es[0].Error() != "To: +1 415 555 0100 has spaces; write it as +14155550100" {
		t.Errorf("FieldError.Error() = %q", es[0].Error())
	}
}

func TestValidateHTTPURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://example.com/announce.xml", ""},
		{"http://10.0.0.1:8080/a.mp3?x=1", ""},
		{"HTTPS://example.com", ""},
		{"", "is empty; enter an http:// or https:// URL"},
		{"  ", "is empty"},
		{" https://example.com ", "has spaces around it; write it as https://example.com"},
		{"example.com/a.xml", "has no http:// or https://; write it as https://example.com/a.xml"},
		{"ftp://example.com/a", "is a ftp: URL; Twilio fetches only http:// and https:// URLs"},
		{"https://", "has no host"},
		{"https://exa mple.com", "has spaces, control or invisible characters"},
		{"https://example.com/\u202egpm.exe", "control or invisible"},
		{"https://example.com/%zz", "is not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			checkErr(t, "ValidateHTTPURL", tt.in, ValidateHTTPURL(tt.in), tt.want)
		})
	}
}
