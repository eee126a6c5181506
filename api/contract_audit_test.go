package api

import (
	"errors"
	"testing"
)

// TestAuditLabelRulesOfError16024 holds the client's up-front label check to
// Twilio's error 16024: a label may not contain '/', "even in URL encoded
// form %2F". Such a label is refused before anyone is dialled.
func TestAuditLabelRulesOfError16024(t *testing.T) {
	tests := []struct {
		label string
		ok    bool
	}{
		{"a%2Fb", false},
		{"a%2fb", false},
		{"%2F", false},
		{"a/b", false},
		{"100% sure", true},
		{"a%20b", true},
		{"a%2Eb", true},
	}
	for _, tc := range tests {
		t.Run(tc.label, func(t *testing.T) {
			rec := &recorder{}
			c, _, _ := newTestClient(t, rec)
			_, err := c.CreateParticipant(ctxT(t), "room", CreateParticipant{From: "+15005550006", To: "+14155550100", Label: tc.label})
			if tc.ok {
				if err != nil || rec.count() != 1 {
					t.Fatalf("label %q: err %v after %d requests, want it sent", tc.label, err, rec.count())
				}
				return
			}
			if !errors.Is(err, ErrInvalidArgument) || rec.count() != 0 {
				t.Fatalf("label %q: err %v after %d requests, want ErrInvalidArgument and nothing sent", tc.label, err, rec.count())
			}
		})
	}
}
