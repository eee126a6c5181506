package api

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"confconsole/model"
)

// The files in testdata/examples are the example responses published in
// Twilio's OpenAPI description, one per file, named <operation>.<example>.json.

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC1123Z, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

const (
	exAC  = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	exCF  = "CFaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	exCA  = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	exCAb = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// serveExample runs one client operation against a server that answers the
// example file (and an empty last page to any follow-up page request).
func serveExample(t *testing.T, file string) any {
	t.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	op := strings.SplitN(filepath.Base(file), ".", 2)[0]
	key := map[string]string{"list_conferences": "conferences", "list_participants": "participants", "list_recordings": "recordings"}[op]
	rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
		if n > 1 {
			writeJSON(w, 200, `{"`+key+`":[],"next_page_uri":null}`)
			return
		}
		status := 200
		if op == "create_participant" {
			status = 201
		}
		writeJSON(w, status, string(body))
	}}
	c, _, _ := newTestClient(t, rec)
	ctx := ctxT(t)
	var out any
	switch op {
	case "fetch_conference":
		out, err = c.FetchConference(ctx, exCF)
	case "update_conference":
		out, err = c.UpdateConference(ctx, exCF, ConferenceUpdate{Status: "completed"})
	case "list_conferences":
		out, err = c.ListConferences(ctx, ConferenceFilter{})
	case "fetch_participant":
		out, err = c.FetchParticipant(ctx, exCF, exCA)
	case "update_participant":
		out, err = c.UpdateParticipant(ctx, exCF, exCA, UpdateParticipant{Muted: Bool(true)})
	case "create_participant":
		out, err = c.CreateParticipant(ctx, exCF, CreateParticipant{From: "+14155550120", To: "+14155550110"})
	case "list_participants":
		out, err = c.ListParticipants(ctx, exCF, ParticipantFilter{})
	case "list_recordings":
		out, err = c.ListRecordings(ctx, exCF)
	case "update_recording":
		out, err = c.UpdateRecording(ctx, exCF, CurrentRecording, RecordingUpdate{Status: "paused"})
	default:
		t.Fatalf("no operation for %s", file)
	}
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return out
}

// TestExamplesDecode: every published example decodes through the client,
// and every field the model keeps equals the example's value.
func TestExamplesDecode(t *testing.T) {
	files, err := filepath.Glob("testdata/examples/*.json")
	if err != nil || len(files) < 30 {
		t.Fatalf("examples missing: %v %d", err, len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			out := serveExample(t, file)
			raw, _ := os.ReadFile(file)
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			items := []map[string]any{doc}
			for _, key := range []string{"conferences", "participants", "recordings"} {
				if list, ok := doc[key].([]any); ok {
					items = nil
					for _, it := range list {
						items = append(items, it.(map[string]any))
					}
				}
			}
			got := reflect.ValueOf(out)
			if got.Kind() != reflect.Slice {
				got = reflect.ValueOf([]any{out})
			}
			if got.Len() != len(items) {
				t.Fatalf("%d items, want %d", got.Len(), len(items))
			}
			for i, item := range items {
				compareFields(t, got.Index(i).Interface(), item)
			}
		})
	}
}

// compareFields checks each model field against the wire field it comes from.
func compareFields(t *testing.T, v any, w map[string]any) {
	t.Helper()
	str := func(k string) string { s, _ := w[k].(string); return s }
	boolean := func(k string) bool { b, _ := w[k].(bool); return b }
	date := func(k string) time.Time {
		if str(k) == "" {
			return time.Time{}
		}
		return utc(str(k))
	}
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	switch m := v.(type) {
	case model.Conference:
		check("SID", m.SID, str("sid"))
		check("AccountSID", m.AccountSID, str("account_sid"))
		check("FriendlyName", m.FriendlyName, str("friendly_name"))
		check("Status", string(m.Status), str("status"))
		check("Region", m.Region, str("region"))
		check("Created", m.Created, date("date_created"))
		check("Updated", m.Updated, date("date_updated"))
		check("ReasonEnded", string(m.ReasonEnded), str("reason_conference_ended"))
		check("CallSIDEndingConference", m.CallSIDEndingConference, str("call_sid_ending_conference"))
	case model.Participant:
		check("CallSID", m.CallSID, str("call_sid"))
		check("AccountSID", m.AccountSID, str("account_sid"))
		check("ConferenceSID", m.ConferenceSID, str("conference_sid"))
		check("Label", m.Label, str("label"))
		check("Status", string(m.Status), str("status"))
		check("Muted", m.Muted, boolean("muted"))
		check("Hold", m.Hold, boolean("hold"))
		check("Coaching", m.Coaching, boolean("coaching"))
		check("CallSIDToCoach", m.CallSIDToCoach, str("call_sid_to_coach"))
		check("StartConferenceOnEnter", m.StartConferenceOnEnter, boolean("start_conference_on_enter"))
		check("EndConferenceOnExit", m.EndConferenceOnExit, boolean("end_conference_on_exit"))
		check("Created", m.Created, date("date_created"))
		check("Updated", m.Updated, date("date_updated"))
		var qt time.Duration
		if s := str("queue_time"); s != "" {
			d, err := time.ParseDuration(s + "ms")
			if err != nil {
				t.Fatal(err)
			}
			qt = d
		}
		check("QueueTime", m.QueueTime, qt)
	case model.Recording:
		check("SID", m.SID, str("sid"))
		check("CallSID", m.CallSID, str("call_sid"))
		check("ConferenceSID", m.ConferenceSID, str("conference_sid"))
		check("Status", string(m.Status), str("status"))
		check("Source", m.Source, str("source"))
		check("Channels", float64(m.Channels), w["channels"])
		check("StartTime", m.StartTime, date("start_time"))
		check("Created", m.Created, date("date_created"))
	default:
		t.Fatalf("unexpected %T", v)
	}
}

// TestExamplesExact pins a few examples field by field, so that the generic
// comparison above cannot hide a mistake shared by both sides.
func TestExamplesExact(t *testing.T) {
	tests := []struct {
		file string
		want any
	}{
		{"fetch_conference.fetchValidMixerZone.json", model.Conference{
			SID: exCF, AccountSID: exAC, FriendlyName: "AHH YEAH", Status: model.ConferenceCompleted, Region: "us1",
			Created: time.Date(2011, 2, 18, 19, 26, 50, 0, time.UTC), Updated: time.Date(2011, 2, 18, 19, 27, 33, 0, time.UTC),
			ReasonEnded: model.ReasonLastParticipantLeft, CallSIDEndingConference: exCA,
		}},
		{"update_conference.updateEndConference.json", model.Conference{
			SID: exCF, AccountSID: exAC, Status: model.ConferenceCompleted, Region: "us1",
			Created: time.Date(2011, 8, 22, 20, 58, 45, 0, time.UTC), Updated: time.Date(2011, 8, 22, 20, 58, 46, 0, time.UTC),
			ReasonEnded: model.ReasonEndedViaAPI,
		}},
		{"create_participant.createWithSid.json", model.Participant{
			CallSID: exCA, AccountSID: exAC, ConferenceSID: exCF, Label: "customer", Status: model.ParticipantQueued,
			StartConferenceOnEnter: true, Created: time.Date(2011, 2, 18, 21, 7, 19, 0, time.UTC),
			Updated: time.Date(2011, 2, 18, 21, 7, 19, 0, time.UTC), QueueTime: time.Second,
		}},
		{"update_participant.modifyParticipantByLabel.json", model.Participant{
			CallSID: exCA, AccountSID: exAC, ConferenceSID: exCF, Label: "customer", Status: model.ParticipantComplete,
			Coaching: true, CallSIDToCoach: exCAb, StartConferenceOnEnter: true,
			Created: time.Date(2011, 2, 18, 21, 7, 19, 0, time.UTC), Updated: time.Date(2011, 2, 18, 21, 7, 19, 0, time.UTC),
		}},
		{"update_recording.update.json", model.Recording{
			SID: "REaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", AccountSID: exAC, ConferenceSID: exCF, CallSID: exCA,
			Status: model.RecordingPaused, Channels: 1, Source: "StartConferenceRecordingAPI",
			StartTime: time.Date(2016, 10, 14, 21, 56, 34, 0, time.UTC), Created: time.Date(2016, 10, 14, 21, 56, 34, 0, time.UTC),
			Updated: time.Date(2016, 10, 14, 21, 56, 39, 0, time.UTC),
		}},
		{"list_recordings.readFull.json", []model.Recording{{
			SID: "REaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", AccountSID: exAC, ConferenceSID: exCF, CallSID: exCA,
			Status: model.RecordingCompleted, Channels: 1, Source: "StartConferenceRecordingAPI", Duration: 4 * time.Second,
			StartTime: time.Date(2016, 10, 14, 21, 56, 34, 0, time.UTC), Created: time.Date(2016, 10, 14, 21, 56, 34, 0, time.UTC),
			Updated: time.Date(2016, 10, 14, 21, 56, 38, 0, time.UTC),
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := serveExample(t, filepath.Join("testdata", "examples", tt.file))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestDecodeTolerance: nulls, unknown fields, unknown statuses, odd dates
// and number shapes decode without failing the call.
func TestDecodeTolerance(t *testing.T) {
	tests := []struct {
		name string
		body string
		want model.Participant
	}{
		{"all null", `{"call_sid":null,"label":null,"muted":null,"hold":null,"status":null,"date_created":null,"queue_time":null}`, model.Participant{}},
		{"unknown fields and status kept", `{"call_sid":"` + exCA + `","status":"on-the-moon","brand_new":{"x":[1,2]},"muted":true}`,
			model.Participant{CallSID: exCA, Status: "on-the-moon", Muted: true}},
		{"queue_time as a number", `{"queue_time":250}`, model.Participant{QueueTime: 250 * time.Millisecond}},
		{"queue_time garbage", `{"queue_time":"soon"}`, model.Participant{}},
		{"queue_time negative", `{"queue_time":"-5"}`, model.Participant{}},
		{"booleans as strings", `{"muted":"true","hold":"false"}`, model.Participant{Muted: true}},
		{"date without weekday, one-digit day", `{"date_created":"8 Feb 2011 21:07:19 +0100"}`,
			model.Participant{Created: time.Date(2011, 2, 8, 20, 7, 19, 0, time.UTC)}},
		{"date with a zone name", `{"date_created":"Fri, 18 Feb 2011 21:07:19 GMT"}`,
			model.Participant{Created: time.Date(2011, 2, 18, 21, 7, 19, 0, time.UTC)}},
		{"unreadable date", `{"date_created":"yesterday","date_updated":42}`, model.Participant{}},
		{"escaped date and queue_time", `{"date_created":"\u0046ri, 18 Feb 2011 21:07:19 +0000","queue_time":"\u0032\u0035\u0030"}`,
			model.Participant{Created: time.Date(2011, 2, 18, 21, 7, 19, 0, time.UTC), QueueTime: 250 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w participantJSON
			if err := json.Unmarshal([]byte(tt.body), &w); err != nil {
				t.Fatal(err)
			}
			if got := w.model(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestUnknownConferenceStatusKept(t *testing.T) {
	rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"sid":"`+testConf+`","status":"paused-by-aliens","reason_conference_ended":"new-reason"}`)
	}}
	c, _, _ := newTestClient(t, rec)
	got, err := c.FetchConference(context.Background(), testConf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "paused-by-aliens" || got.Status.Known() || got.ReasonEnded != "new-reason" {
		t.Errorf("got %+v", got)
	}
}
