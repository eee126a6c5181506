package sim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"confconsole/model"
)

// TestRendersTwilioExamplesByteForByte renders resources holding the values
// of Twilio's example responses and compares the bytes with the examples,
// compacted: same fields, same order, same nulls, same date format.
func TestRendersTwilioExamplesByteForByte(t *testing.T) {
	ex := examples(t)
	date := func(s string) time.Time {
		d, err := time.Parse(rfc2822, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	acct := "AC" + strings.Repeat("a", 32)
	conf := &conference{sid: "CF" + strings.Repeat("a", 32), accountSID: acct, region: "us1"}
	call := "CA" + strings.Repeat("a", 32)
	created := date("Fri, 18 Feb 2011 21:07:19 +0000")

	tests := []struct {
		example string
		render  any
	}{
		{"participant_create", renderParticipant(conf, &participant{
			callSID: call, queueTime: time.Second, participantView: participantView{
				label: "customer", status: model.ParticipantQueued, startOnEnter: true,
				created: created, updated: created,
			},
		}, true)},
		{"participant_mute", renderParticipant(conf, &participant{
			callSID: call, participantView: participantView{
				status: model.ParticipantConnected, muted: true, startOnEnter: true,
				created: created, updated: created,
			},
		}, false)},
		{"recording_update", renderRecording(conf, &recording{
			sid: "RE" + strings.Repeat("a", 32), callSID: call, status: model.RecordingPaused, channels: 1,
			source: "StartConferenceRecordingAPI", created: date("Fri, 14 Oct 2016 21:56:34 +0000"),
			updated: date("Fri, 14 Oct 2016 21:56:39 +0000"), start: date("Fri, 14 Oct 2016 21:56:34 +0000"),
		})},
		{"conference_update_end", renderConference(&conference{
			sid: conf.sid, accountSID: acct, region: "us1", status: model.ConferenceCompleted,
			reasonEnded: model.ReasonEndedViaAPI, created: date("Mon, 22 Aug 2011 20:58:45 +0000"),
			updated: date("Mon, 22 Aug 2011 20:58:46 +0000"),
		})},
	}
	for _, tc := range tests {
		t.Run(tc.example, func(t *testing.T) {
			var want bytes.Buffer
			if err := json.Compact(&want, ex[tc.example]); err != nil {
				t.Fatal(err)
			}
			got, err := marshalNoEscape(tc.render)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("\n got %s\nwant %s", got, want.Bytes())
			}
		})
	}
}

// TestListEnvelopeByteForByte: a list page's envelope has Twilio's fields in
// Twilio's order, item key first.
func TestListEnvelopeByteForByte(t *testing.T) {
	ex := examples(t)
	var doc struct {
		Participants []json.RawMessage `json:"participants"`
		listMeta
	}
	if err := json.Unmarshal(ex["participant_list_next"], &doc); err != nil {
		t.Fatal(err)
	}
	page := listPage{key: "participants", items: rawItems(doc.Participants), meta: doc.listMeta}
	got := page.encodeJSON()
	var want bytes.Buffer
	if err := json.Compact(&want, ex["participant_list_next"]); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("\n got %s\nwant %s", got, want.Bytes())
	}
	if via, err := marshalNoEscape(page); err != nil || !bytes.Equal(via, got) {
		t.Errorf("MarshalJSON differs from encodeJSON: %v", err)
	}
}
