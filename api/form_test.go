package api

import (
	"context"
	"net/url"
	"reflect"
	"testing"
)

// TestFormIsWhatIsSent holds the Form methods to the bodies the operations
// really send, so an audit record of the form is a record of the request.
func TestFormIsWhatIsSent(t *testing.T) {
	tests := []struct {
		name string
		form func() (url.Values, error)
		call func(c *Client) error
	}{
		{"update participant",
			UpdateParticipant{Muted: Bool(true), HoldURL: "https://example.com/hold.xml", Coaching: Bool(true), CallSIDToCoach: testCall2}.Form,
			func(c *Client) error {
				_, err := c.UpdateParticipant(context.Background(), testConf, testCall, UpdateParticipant{Muted: Bool(true), HoldURL: "https://example.com/hold.xml", Coaching: Bool(true), CallSIDToCoach: testCall2})
				return err
			}},
		{"create participant",
			CreateParticipant{From: "+15005550006", To: "sip:a@example.com", Label: "agent 7", SipAuthPassword: "pw-secret", StatusCallbackEvent: []string{"join", "leave"}}.Form,
			func(c *Client) error {
				_, err := c.CreateParticipant(context.Background(), testConf, CreateParticipant{From: "+15005550006", To: "sip:a@example.com", Label: "agent 7", SipAuthPassword: "pw-secret", StatusCallbackEvent: []string{"join", "leave"}})
				return err
			}},
		{"update conference",
			ConferenceUpdate{Status: "completed"}.Form,
			func(c *Client) error {
				_, err := c.UpdateConference(context.Background(), testConf, ConferenceUpdate{Status: "completed"})
				return err
			}},
		{"update recording",
			RecordingUpdate{Status: "paused", PauseBehavior: "skip"}.Form,
			func(c *Client) error {
				_, err := c.UpdateRecording(context.Background(), testConf, CurrentRecording, RecordingUpdate{Status: "paused", PauseBehavior: "skip"})
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			c, _, _ := newTestClient(t, rec)
			_ = tt.call(c) // the reply ({}) does not matter; the body sent does
			want, err := tt.form()
			if err != nil {
				t.Fatal(err)
			}
			reqs := rec.all()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if !reflect.DeepEqual(reqs[0].Form, want) {
				t.Errorf("sent %v, Form says %v", reqs[0].Form, want)
			}
		})
	}
}

func TestFormChecksLikeTheOperation(t *testing.T) {
	if _, err := (RecordingUpdate{Status: "rewound"}).Form(); err == nil {
		t.Error("an invalid recording status should fail Form as it fails the call")
	}
	if _, err := (CreateParticipant{From: "+15005550006"}).Form(); err == nil {
		t.Error("a create without To should fail Form")
	}
}
