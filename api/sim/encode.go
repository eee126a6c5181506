package sim

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// The simulator writes its JSON by hand: a poll of a 250-participant roster
// is its hottest path, and encoding/json's reflection was most of its cost.
// The bytes are the same encoding/json writes with HTML escaping off (a test
// holds them equal), so nothing a client sees changes.

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, byte for byte as
// encoding/json writes it with SetEscapeHTML(false) (a test and a fuzz
// target hold them equal): runs that need no escape are copied whole, and
// the rest go through appendEscape.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	copied := 0 // s[:copied] is already in dst
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = appendEscape(append(dst, s[copied:i]...), rune(c), 1)
			i++
			copied = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			dst = appendEscape(append(dst, s[copied:i]...), r, size)
			copied = i + size
		}
		i += size
	}
	dst = append(dst, s[copied:]...)
	return append(dst, '"')
}

// appendEscape writes one character that a JSON string may not carry as it
// is: the quote and the backslash, control characters (five of them have
// short names), a byte that is not UTF-8 (r is utf8.RuneError with size 1),
// which becomes U+FFFD, and U+2028 and U+2029, which end a line in
// JavaScript and so are escaped by encoding/json.
func appendEscape(dst []byte, r rune, size int) []byte {
	switch r {
	case '"', '\\':
		return append(dst, '\\', byte(r))
	case '\b':
		return append(dst, `\b`...)
	case '\f':
		return append(dst, `\f`...)
	case '\n':
		return append(dst, `\n`...)
	case '\r':
		return append(dst, `\r`...)
	case '\t':
		return append(dst, `\t`...)
	}
	if r == utf8.RuneError && size == 1 {
		return append(dst, `\ufffd`...)
	}
	return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

func appendOptString(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return appendJSONString(dst, *s)
}

func appendBool(dst []byte, b bool) []byte { return strconv.AppendBool(dst, b) }

// field appends `"name":` after a comma unless it is the object's first.
func field(dst []byte, name string, first bool) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
}

func (j *participantJSON) appendJSON(b []byte) []byte {
	b = append(b, '{')
	b = appendJSONString(field(b, "account_sid", true), j.AccountSID)
	b = appendJSONString(field(b, "call_sid", false), j.CallSID)
	b = appendOptString(field(b, "label", false), j.Label)
	b = appendJSONString(field(b, "conference_sid", false), j.ConferenceSID)
	b = appendJSONString(field(b, "date_created", false), j.DateCreated)
	b = appendJSONString(field(b, "date_updated", false), j.DateUpdated)
	b = appendBool(field(b, "end_conference_on_exit", false), j.EndConferenceOnExit)
	b = appendBool(field(b, "muted", false), j.Muted)
	b = appendBool(field(b, "hold", false), j.Hold)
	b = appendJSONString(field(b, "status", false), j.Status)
	b = appendBool(field(b, "start_conference_on_enter", false), j.StartConferenceOnEnter)
	b = appendBool(field(b, "coaching", false), j.Coaching)
	b = appendOptString(field(b, "call_sid_to_coach", false), j.CallSIDToCoach)
	b = appendOptString(field(b, "queue_time", false), j.QueueTime)
	b = appendJSONString(field(b, "uri", false), j.URI)
	return append(b, '}')
}

func (j *conferenceJSON) appendJSON(b []byte) []byte {
	b = append(b, '{')
	b = appendJSONString(field(b, "account_sid", true), j.AccountSID)
	b = appendJSONString(field(b, "api_version", false), j.APIVersion)
	b = appendJSONString(field(b, "date_created", false), j.DateCreated)
	b = appendJSONString(field(b, "date_updated", false), j.DateUpdated)
	b = appendOptString(field(b, "friendly_name", false), j.FriendlyName)
	b = appendJSONString(field(b, "region", false), j.Region)
	b = appendJSONString(field(b, "sid", false), j.SID)
	b = appendJSONString(field(b, "status", false), j.Status)
	b = append(field(b, "subresource_uris", false), '{')
	b = appendJSONString(field(b, "participants", true), j.SubresourceURIs.Participants)
	b = appendJSONString(field(b, "recordings", false), j.SubresourceURIs.Recordings)
	b = append(b, '}')
	b = appendJSONString(field(b, "uri", false), j.URI)
	b = appendOptString(field(b, "reason_conference_ended", false), j.ReasonConferenceEnded)
	b = appendOptString(field(b, "call_sid_ending_conference", false), j.CallSIDEndingConference)
	return append(b, '}')
}

func (j *recordingJSON) appendJSON(b []byte) []byte {
	b = append(b, '{')
	b = appendJSONString(field(b, "account_sid", true), j.AccountSID)
	b = appendJSONString(field(b, "api_version", false), j.APIVersion)
	b = appendOptString(field(b, "call_sid", false), j.CallSID)
	b = appendJSONString(field(b, "conference_sid", false), j.ConferenceSID)
	b = strconv.AppendInt(field(b, "channels", false), int64(j.Channels), 10)
	b = appendJSONString(field(b, "date_created", false), j.DateCreated)
	b = appendJSONString(field(b, "date_updated", false), j.DateUpdated)
	b = appendJSONString(field(b, "start_time", false), j.StartTime)
	b = appendOptString(field(b, "price", false), j.Price)
	b = appendOptString(field(b, "price_unit", false), j.PriceUnit)
	b = appendOptString(field(b, "duration", false), j.Duration)
	b = appendJSONString(field(b, "sid", false), j.SID)
	b = appendJSONString(field(b, "source", false), j.Source)
	b = appendJSONString(field(b, "status", false), j.Status)
	b = field(b, "error_code", false)
	if j.ErrorCode == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*j.ErrorCode), 10)
	}
	b = field(b, "encryption_details", false)
	if j.EncryptionDetails == nil {
		b = append(b, "null"...)
	} else if raw, err := marshalNoEscape(j.EncryptionDetails); err == nil {
		b = append(b, raw...)
	} else {
		b = append(b, "null"...)
	}
	b = appendJSONString(field(b, "uri", false), j.URI)
	return append(b, '}')
}

func (m *listMeta) appendJSON(b []byte) []byte {
	// No opening brace: the envelope continues the object the items opened.
	b = appendJSONString(field(b, "first_page_uri", true), m.FirstPageURI)
	b = appendOptString(field(b, "next_page_uri", false), m.NextPageURI)
	b = appendOptString(field(b, "previous_page_uri", false), m.PreviousPageURI)
	b = appendJSONString(field(b, "uri", false), m.URI)
	b = strconv.AppendInt(field(b, "page", false), int64(m.Page), 10)
	b = strconv.AppendInt(field(b, "page_size", false), int64(m.PageSize), 10)
	b = strconv.AppendInt(field(b, "start", false), int64(m.Start), 10)
	b = strconv.AppendInt(field(b, "end", false), int64(m.End), 10)
	return append(b, '}')
}

// jsonItems is a list page's items, written by hand.
type jsonItems interface {
	appendItems(b []byte) []byte
	// sizeHint is roughly how many bytes the items take, so the page's
	// buffer is allocated once.
	sizeHint() int
}

// appendArray appends l as a JSON array, each item written by appendItem.
func appendArray[T any](b []byte, l []T, appendItem func(*T, []byte) []byte) []byte {
	b = append(b, '[')
	for i := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendItem(&l[i], b)
	}
	return append(b, ']')
}

type participantItems []participantJSON

func (l participantItems) appendItems(b []byte) []byte {
	return appendArray(b, l, (*participantJSON).appendJSON)
}
func (l participantItems) sizeHint() int { return 700 * len(l) }

type conferenceItems []conferenceJSON

func (l conferenceItems) appendItems(b []byte) []byte {
	return appendArray(b, l, (*conferenceJSON).appendJSON)
}
func (l conferenceItems) sizeHint() int { return 900 * len(l) }

type recordingItems []recordingJSON

func (l recordingItems) appendItems(b []byte) []byte {
	return appendArray(b, l, (*recordingJSON).appendJSON)
}
func (l recordingItems) sizeHint() int { return 900 * len(l) }

// encodedItems holds items already written (participants' cached JSON).
type encodedItems [][]byte

func (l encodedItems) appendItems(b []byte) []byte {
	return appendArray(b, l, func(e *[]byte, b []byte) []byte { return append(b, *e...) })
}

func (l encodedItems) sizeHint() int {
	n := len(l) // the commas
	for _, e := range l {
		n += len(e)
	}
	return n
}

// rawItems holds already-encoded items (tests build pages from Twilio's
// examples with it); they are compacted as encoding/json would.
type rawItems []json.RawMessage

func (l rawItems) appendItems(b []byte) []byte {
	return appendArray(b, l, func(r *json.RawMessage, b []byte) []byte {
		c, err := marshalNoEscape(*r)
		if err != nil {
			c = []byte("null")
		}
		return append(b, c...)
	})
}

func (l rawItems) sizeHint() int {
	n := 0
	for _, r := range l {
		n += len(r)
	}
	return n
}

// dateMemo formats dates, reusing the last result: the members of a roster
// mostly share a handful of timestamps.
type dateMemo struct {
	t  time.Time
	s  string
	ok bool
}

func (m *dateMemo) format(t time.Time) string {
	if m == nil {
		return formatDate(t)
	}
	if !m.ok || !m.t.Equal(t) {
		m.t, m.s, m.ok = t, formatDate(t), true
	}
	return m.s
}
