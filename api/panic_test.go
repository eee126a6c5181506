package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// everyOperation calls each client method once with the given identifiers.
func everyOperation(c *Client, ctx context.Context, conf, id string) []error {
	var errs []error
	add := func(_ any, err error) { errs = append(errs, err) }
	add(c.ListConferences(ctx, ConferenceFilter{FriendlyName: id}))
	add(c.FetchConference(ctx, conf))
	add(c.UpdateConference(ctx, conf, ConferenceUpdate{Status: "completed"}))
	add(c.ListParticipants(ctx, conf, ParticipantFilter{Muted: Bool(false)}))
	add(c.FetchParticipant(ctx, conf, id))
	add(c.CreateParticipant(ctx, conf, CreateParticipant{From: "+15005550006", To: "+15005550001", Label: id}))
	add(c.UpdateParticipant(ctx, conf, id, UpdateParticipant{Hold: Bool(true)}))
	errs = append(errs, c.DeleteParticipant(ctx, conf, id))
	add(c.ListRecordings(ctx, conf))
	add(c.UpdateRecording(ctx, conf, CurrentRecording, RecordingUpdate{Status: "paused"}))
	return errs
}

// TestNoPanicAnywhere runs every operation against hostile replies and odd
// arguments. Nothing may panic (so no secret can surface in a panic), and no
// error may carry a secret.
func TestNoPanicAnywhere(t *testing.T) {
	replies := []string{
		``, `null`, `[]`, `"x"`, `{`, `{}`, `{"participants":[null,5,"x",{"call_sid":5}]}`,
		`{"conferences":{"a":1},"recordings":7,"next_page_uri":5}`, `{"participants":[],"next_page_uri":"%zz"}`,
		`{"participants":[],"next_page_uri":"/\u0000"}`, `{"code":"x","message":7}`, `{"date_created":{"a":[]},"queue_time":[1]}`,
		`{"channels":"many","duration":"-1e999","error_code":true}`,
	}
	statuses := []int{200, 201, 204, 301, 400, 401, 404, 429, 500, 503}
	ids := []string{testCall, "agent-7", "\x00", "%", strings.Repeat("ü", 300), "../../x"}
	confs := []string{testConf, "", "CF", "room"}
	for _, status := range statuses {
		for _, body := range replies {
			t.Run(fmt.Sprintf("%d %q", status, body), func(t *testing.T) {
				defer func() {
					if r := recover(); r != nil {
						msg := fmt.Sprint(r)
						noLeak(t, "panic", msg)
						t.Fatalf("panic: %s", msg)
					}
				}()
				rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
					w.Header().Set("Retry-After", "0")
					writeJSON(w, status, body)
				}}
				c, _, _ := newTestClient(t, rec, func(cfg *Config) { cfg.Retry.MaxAttempts = 2 })
				pairs := [][2]string{{testConf, "agent-7"}, {testConf, testCall}}
				if status == 200 && body == `{}` { // odd arguments once: most never reach the server
					pairs = nil
					for _, conf := range confs {
						for _, id := range ids {
							pairs = append(pairs, [2]string{conf, id})
						}
					}
				}
				for _, pair := range pairs {
					for _, err := range everyOperation(c, ctxT(t), pair[0], pair[1]) {
						if err != nil {
							noLeak(t, "error", err.Error())
							noLeak(t, "formatted error", fmt.Sprintf("%v %+v %#v", err, err, err))
						}
					}
				}
			})
		}
	}
}
