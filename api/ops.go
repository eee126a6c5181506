package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"confconsole/model"
)

// maxPages stops a list that never ends (a server that keeps answering with
// a next page); at the default page size it is a million items.
const maxPages = 1000

// escapeSegment percent-encodes one path segment, leaving only RFC 3986's
// unreserved characters as they are. url.PathEscape would keep "+", which
// some servers read as a space, so labels are escaped strictly.
func escapeSegment(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// path builds an escaped path under the account: path("Conferences", sid)
// is /2010-04-01/Accounts/AC.../Conferences/CF....json. The last segment
// gets the .json suffix.
func (c *Client) path(segments ...string) string {
	var b strings.Builder
	b.WriteString(apiVersion + "/Accounts/" + escapeSegment(c.account))
	for _, s := range segments {
		b.WriteString("/" + escapeSegment(s))
	}
	b.WriteString(".json")
	return b.String()
}

func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// checkParticipantID rejects an empty call SID or label. Anything else is
// sent: a label is free text, escaped in the path.
func checkParticipantID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: participant call SID or label is empty", ErrInvalidArgument)
	}
	return nil
}

// ListConferences returns the account's conferences that match f, newest first
// as Twilio orders them, following every page.
func (c *Client) ListConferences(ctx context.Context, f ConferenceFilter) ([]model.Conference, error) {
	cl, err := c.begin(ctx, OpListConferences, "")
	if err != nil {
		return nil, err
	}
	q, err := f.values()
	if err != nil {
		return nil, cl.fail(err)
	}
	return listAll(cl, withQuery(c.path("Conferences"), q), "conferences", f.MaxItems, conferenceJSON.model)
}

// FetchConference returns one conference by SID.
func (c *Client) FetchConference(ctx context.Context, sid string) (model.Conference, error) {
	cl, err := c.begin(ctx, OpFetchConference, sid)
	if err != nil {
		return model.Conference{}, err
	}
	if err := checkSID("conference SID", "CF", sid); err != nil {
		return model.Conference{}, cl.fail(err)
	}
	var w conferenceJSON
	if err := cl.do(http.MethodGet, c.path("Conferences", sid), nil, &w); err != nil {
		return model.Conference{}, err
	}
	return w.model(), nil
}

// UpdateConference ends a conference (Status "completed") or announces into
// it (AnnounceURL, heard by everyone).
func (c *Client) UpdateConference(ctx context.Context, sid string, u ConferenceUpdate) (model.Conference, error) {
	cl, err := c.begin(ctx, OpUpdateConference, sid)
	if err != nil {
		return model.Conference{}, err
	}
	if err := checkSID("conference SID", "CF", sid); err != nil {
		return model.Conference{}, cl.fail(err)
	}
	form, err := u.values()
	if err != nil {
		return model.Conference{}, cl.fail(err)
	}
	var w conferenceJSON
	if err := cl.do(http.MethodPost, c.path("Conferences", sid), form, &w); err != nil {
		return model.Conference{}, err
	}
	return w.model(), nil
}

// ListParticipants returns every participant of the conference that matches
// f, following next_page_uri to the last page.
func (c *Client) ListParticipants(ctx context.Context, conferenceSID string, f ParticipantFilter) ([]model.Participant, error) {
	cl, err := c.begin(ctx, OpListParticipants, conferenceSID)
	if err != nil {
		return nil, err
	}
	if err := checkSID("conference SID", "CF", conferenceSID); err != nil {
		return nil, cl.fail(err)
	}
	q, err := f.values()
	if err != nil {
		return nil, cl.fail(err)
	}
	return listAll(cl, withQuery(c.path("Conferences", conferenceSID, "Participants"), q), "participants", 0, participantJSON.model)
}

// FetchParticipant returns one participant by call SID or label.
func (c *Client) FetchParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string) (model.Participant, error) {
	cl, err := c.begin(ctx, OpFetchParticipant, callSIDOrLabel)
	if err != nil {
		return model.Participant{}, err
	}
	if err := c.checkParticipantPath(conferenceSID, callSIDOrLabel); err != nil {
		return model.Participant{}, cl.fail(err)
	}
	var w participantJSON
	if err := cl.do(http.MethodGet, c.path("Conferences", conferenceSID, "Participants", callSIDOrLabel), nil, &w); err != nil {
		return model.Participant{}, err
	}
	return w.model(), nil
}

// CreateParticipant dials p.To into the conference named by a conference SID or
// a friendly name (a friendly name with no active conference starts one).
// It is sent once: only a 429, which Twilio documents as not processed, is
// retried, so nobody is dialled twice.
func (c *Client) CreateParticipant(ctx context.Context, conference string, p CreateParticipant) (model.Participant, error) {
	// Errors name the participant being added (its label, or whom it dials),
	// not the room: "create participant "agent-7": ...".
	target := p.Label
	if target == "" {
		target = p.To
	}
	cl, err := c.begin(ctx, OpCreateParticipant, target)
	if err != nil {
		return model.Participant{}, err
	}
	if conference == "" {
		return model.Participant{}, cl.fail(fmt.Errorf("%w: conference SID or friendly name is empty", ErrInvalidArgument))
	}
	form, err := p.values()
	if err != nil {
		return model.Participant{}, cl.fail(err)
	}
	cl.secrets = nonEmpty(p.SipAuthPassword)
	var w participantJSON
	if err := cl.do(http.MethodPost, c.path("Conferences", conference, "Participants"), form, &w); err != nil {
		return model.Participant{}, err
	}
	return w.model(), nil
}

// UpdateParticipant changes a participant addressed by call SID or label.
// Only the fields set in u are sent.
func (c *Client) UpdateParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string, u UpdateParticipant) (model.Participant, error) {
	cl, err := c.begin(ctx, OpUpdateParticipant, callSIDOrLabel)
	if err != nil {
		return model.Participant{}, err
	}
	if err := c.checkParticipantPath(conferenceSID, callSIDOrLabel); err != nil {
		return model.Participant{}, cl.fail(err)
	}
	form, err := u.values()
	if err != nil {
		return model.Participant{}, cl.fail(err)
	}
	var w participantJSON
	if err := cl.do(http.MethodPost, c.path("Conferences", conferenceSID, "Participants", callSIDOrLabel), form, &w); err != nil {
		return model.Participant{}, err
	}
	return w.model(), nil
}

// DeleteParticipant removes a participant from the conference (Twilio answers
// 204). A participant who already left gives ErrNotFound.
func (c *Client) DeleteParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string) error {
	cl, err := c.begin(ctx, OpDeleteParticipant, callSIDOrLabel)
	if err != nil {
		return err
	}
	if err := c.checkParticipantPath(conferenceSID, callSIDOrLabel); err != nil {
		return cl.fail(err)
	}
	return cl.do(http.MethodDelete, c.path("Conferences", conferenceSID, "Participants", callSIDOrLabel), nil, nil)
}

func (c *Client) checkParticipantPath(conferenceSID, id string) error {
	if err := checkSID("conference SID", "CF", conferenceSID); err != nil {
		return err
	}
	return checkParticipantID(id)
}

// ListRecordings returns the conference's recordings, every page of them.
func (c *Client) ListRecordings(ctx context.Context, conferenceSID string) ([]model.Recording, error) {
	cl, err := c.begin(ctx, OpListRecordings, conferenceSID)
	if err != nil {
		return nil, err
	}
	if err := checkSID("conference SID", "CF", conferenceSID); err != nil {
		return nil, cl.fail(err)
	}
	q := url.Values{"PageSize": {fmt.Sprint(DefaultPageSize)}}
	return listAll(cl, withQuery(c.path("Conferences", conferenceSID, "Recordings"), q), "recordings", 0, recordingJSON.model)
}

// UpdateRecording pauses, resumes or stops a recording; recordingSID may be
// CurrentRecording.
func (c *Client) UpdateRecording(ctx context.Context, conferenceSID, recordingSID string, u RecordingUpdate) (model.Recording, error) {
	cl, err := c.begin(ctx, OpUpdateRecording, recordingSID)
	if err != nil {
		return model.Recording{}, err
	}
	if err := checkSID("conference SID", "CF", conferenceSID); err != nil {
		return model.Recording{}, cl.fail(err)
	}
	if recordingSID != CurrentRecording {
		if err := checkSID("recording SID", "RE", recordingSID); err != nil {
			return model.Recording{}, cl.fail(fmt.Errorf("%w (or %s)", err, CurrentRecording))
		}
	}
	form, err := u.values()
	if err != nil {
		return model.Recording{}, cl.fail(err)
	}
	var w recordingJSON
	if err := cl.do(http.MethodPost, c.path("Conferences", conferenceSID, "Recordings", recordingSID), form, &w); err != nil {
		return model.Recording{}, err
	}
	return w.model(), nil
}

// listAll reads every page of a list, starting at first and following
// next_page_uri (never building a PageToken itself), and converts the items
// under key. max > 0 stops early once that many items are in hand.
func listAll[W any, M any](cl *call, first, key string, max int, conv func(W) M) ([]M, error) {
	var out []M
	seen := map[string]bool{}
	for next := first; next != ""; {
		if len(seen) >= maxPages {
			return nil, cl.badList(fmt.Errorf("%w: more than %d pages", ErrBadResponse, maxPages))
		}
		if seen[next] {
			return nil, cl.badList(fmt.Errorf("%w: next_page_uri repeats a page already read", ErrBadResponse))
		}
		seen[next] = true
		page := &pageRead[W, M]{cache: cl.c.pages, url: next, key: key, conv: conv}
		if err := cl.do(http.MethodGet, next, nil, page); err != nil {
			return nil, err
		}
		if cl.info != nil {
			cl.info.Pages++
		}
		if !page.present {
			return nil, cl.badList(fmt.Errorf("%w: the reply has no %q list", ErrBadResponse, key))
		}
		// A copy: page.items may be the cache's, shared with later reads.
		if out == nil && len(page.items) > 0 {
			out = make([]M, 0, len(page.items)) // one allocation, with -race too
		} else {
			out = slices.Grow(out, len(page.items))
		}
		out = append(out, page.items...)
		if max > 0 && len(out) >= max {
			return out[:max], nil
		}
		next = page.next
	}
	return out, nil
}

// pageRead decodes one page of a list into model values, or takes them
// from the cache when the body is the same as the last one read from url.
// items then belongs to the cache: copy it, never change it.
type pageRead[W any, M any] struct {
	cache   *pageCache
	url     string
	key     string
	conv    func(W) M
	present bool // the reply had the list under key (null counts: no items)
	items   []M
	next    string
}

func (r *pageRead[W, M]) decodeBody(contentType string, data []byte, secrets []string) (kept bool, err error) {
	if v, next, ok := r.cache.get(r.url, contentType, data); ok {
		if items, ok := v.([]M); ok {
			r.present, r.items, r.next = true, items, next
			return false, nil
		}
	}
	var page listPage[W]
	decoded := page.expect(r.key)
	if err := decodeJSON(contentType, data, &page, secrets); err != nil {
		return false, err
	}
	ws, ok := decoded()
	if !ok {
		return false, nil // listAll reports the missing list; nothing is remembered
	}
	items := make([]M, len(ws))
	for i, w := range ws {
		items[i] = r.conv(w)
	}
	r.present, r.items, r.next = true, items, page.NextPageURI
	r.cache.put(pageEntry{url: r.url, contentType: contentType, body: data, items: items, next: page.NextPageURI})
	return true, nil
}

// badList reports a list reply that arrived (HTTP 2xx) but is not a list.
func (cl *call) badList(err error) *Error {
	e := cl.fail(err)
	e.Status, e.RequestID = cl.status, cl.requestID
	return e
}
