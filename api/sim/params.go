package sim

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// formReader reads typed parameters out of a form and keeps the first
// problem it meets, so a handler can read everything and check once.
type formReader struct {
	v   url.Values
	err *apiError
}

func (f *formReader) fail(e *apiError) {
	if f.err == nil {
		f.err = e
	}
}

// paging reads PageSize, Page and PageToken after the list's own filters, so
// a bad filter is the error reported when both are wrong.
func (f *formReader) paging() paging {
	p, err := parsePaging(f.v)
	if err != nil {
		f.fail(err)
	}
	return p
}

// str returns the first value of key and whether it was sent.
func (f *formReader) str(key string) (string, bool) { return first(f.v, key) }

// boolean reads a Twilio boolean: "true" or "false" (any letter case).
func (f *formReader) boolean(key string) *bool {
	v, ok := f.str(key)
	if !ok {
		return nil
	}
	switch strings.ToLower(v) {
	case "true":
		b := true
		return &b
	case "false":
		b := false
		return &b
	}
	f.fail(badRequest(CodeBadRequest, "%s must be true or false, got %q", key, v))
	return nil
}

// integer reads a whole number.
func (f *formReader) integer(key string) *int {
	v, ok := f.str(key)
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		f.fail(badRequest(CodeBadRequest, "%s must be a whole number, got %q", key, v))
		return nil
	}
	return &n
}

// oneOf checks that key, when sent, is one of allowed.
func (f *formReader) oneOf(key string, code int, allowed ...string) (string, bool) {
	v, ok := f.str(key)
	if !ok {
		return "", false
	}
	for _, a := range allowed {
		if v == a {
			return v, true
		}
	}
	f.fail(badRequest(code, "%s must be one of %s, got %q", key, strings.Join(allowed, ", "), v))
	return "", false
}

// oneOfFold is oneOf ignoring letter case, for enums whose case Twilio does
// not hold callers to (its own example requests send MachineDetection
// "enable" for "Enable").
func (f *formReader) oneOfFold(key string, code int, allowed ...string) (string, bool) {
	v, ok := f.str(key)
	if !ok {
		return "", false
	}
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a, true
		}
	}
	f.fail(badRequest(code, "%s must be one of %s, got %q", key, strings.Join(allowed, ", "), v))
	return "", false
}

// as runs read and gives the problem it finds, if any, Twilio's code for
// that group of parameters.
func (f *formReader) as(code int, read func()) {
	had := f.err != nil
	read()
	if !had && f.err != nil {
		f.err.code = code
	}
}

// method checks an HTTP-method parameter.
func (f *formReader) method(key string) {
	v, ok := f.str(key)
	if !ok {
		return
	}
	switch strings.ToUpper(v) {
	case "GET", "POST":
		return
	}
	f.fail(badRequest(CodeBadRequest, "%s must be GET or POST, got %q", key, v))
}

// url checks a URL parameter: absolute http or https. An empty value is
// accepted, as Twilio accepts an empty WaitUrl to mean silence.
func (f *formReader) url(key string) (string, bool) {
	v, ok := f.str(key)
	if !ok || v == "" {
		return v, ok
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		f.fail(badRequest(CodeBadRequest, "%s must be an absolute http or https URL, got %q", key, v))
		return "", false
	}
	return v, true
}

// list reads an array parameter: repeated keys, each of which may also hold
// several space-separated values.
func (f *formReader) list(key string, code int, allowed ...string) []string {
	var out []string
	for _, raw := range f.v[key] {
		for _, v := range strings.Fields(raw) {
			if len(allowed) > 0 && !slices.Contains(allowed, v) {
				f.fail(badRequest(code, "%s values must be among %s, got %q", key, strings.Join(allowed, ", "), v))
				continue
			}
			out = append(out, v)
		}
	}
	return out
}

// pattern checks a parameter against a SID shape.
func (f *formReader) pattern(key string, re *regexp.Regexp, code int, what string) (string, bool) {
	v, ok := f.str(key)
	if !ok {
		return "", false
	}
	if !re.MatchString(v) {
		f.fail(badRequest(code, "%s must be %s, got %q", key, what, v))
		return "", false
	}
	return v, true
}

// Endpoint shapes. Phone numbers are E.164: '+', a non-zero digit, at most 15
// digits in all. Twilio also takes a number written as bare digits (its own
// example request "createWithNonE164Number" dials To 4157663747 from
// 4405512345678), so those are accepted too. A number of either shape must
// also be one the numbering plan allows (see validNumber).
var (
	e164Pattern    = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
	digitsPattern  = regexp.MustCompile(`^[0-9]{2,15}$`)
	clientPattern  = regexp.MustCompile(`^client:[^\s]+$`)
	sipPattern     = regexp.MustCompile(`^sip:[^\s@]+@[^\s@]+$`)
	appPattern     = regexp.MustCompile(`^app:AP[0-9a-fA-F]{32}$`)
	sipUserPattern = regexp.MustCompile(`^[A-Za-z0-9._~+-]+$`)
)

// Length limits Twilio documents for labels and conference names.
const (
	maxLabelRunes    = 128
	maxFriendlyRunes = 128
)

// defaultRegion is the country a number written without '+' is read in
// first: Twilio's example dials 4157663747, a San Francisco number.
const defaultRegion = "US"

// validNumber reports whether s is a phone number Twilio would dial: one that
// the numbering plan of its country allows (libphonenumber's metadata), so
// that 5551234567, Twilio's own example of error 21211, is refused. A number
// written as bare digits is read as a US national number, then as an
// international number missing its '+' (the example's From, 4405512345678,
// is +44 55 1234 5678).
func validNumber(s string) bool {
	switch {
	case e164Pattern.MatchString(s):
		return numberingPlanAllows(s, "")
	case digitsPattern.MatchString(s):
		return numberingPlanAllows(s, defaultRegion) || numberingPlanAllows("+"+s, "")
	}
	return false
}

// numberingPlanAllows reports whether s, read in region (unused when s
// starts with '+'), is a valid number of its country.
func numberingPlanAllows(s, region string) bool {
	n, err := phonenumbers.Parse(s, region)
	return err == nil && phonenumbers.IsValidNumber(n)
}

// validTo reports whether to is a number, client, SIP address or TwiML app.
func validTo(to string) bool {
	return validNumber(to) || clientPattern.MatchString(to) || sipPattern.MatchString(to) || appPattern.MatchString(to)
}

// fromProblem says why from cannot call to, or "" when it can. Twilio's
// CreateParticipant docs: From is a phone number, a client identifier or,
// when To is a SIP address, the username part of a SIP address; and "if the
// to parameter is a phone number, from must also be a phone number".
func fromProblem(from, to string) string {
	switch {
	case validNumber(from):
		return ""
	case isNumberShaped(to):
		return "is not a valid phone number; when To is a phone number, From must be one too"
	case clientPattern.MatchString(from) || sipPattern.MatchString(from):
		return ""
	case strings.HasPrefix(to, "sip:") && sipUserPattern.MatchString(from):
		return ""
	case strings.HasPrefix(to, "sip:"):
		return "is not a valid phone number, client: identifier or SIP username"
	}
	return "is not a valid phone number or client: identifier"
}

// isNumberShaped reports whether s is written as a phone number, valid or
// not (To has been checked by then).
func isNumberShaped(s string) bool {
	return e164Pattern.MatchString(s) || digitsPattern.MatchString(s)
}

// labelProblem says what is wrong with a label, or "" when it is fine.
func labelProblem(label string) string {
	switch {
	case !utf8.ValidString(label):
		return "is not valid UTF-8"
	case utf8.RuneCountInString(label) > maxLabelRunes:
		return "is longer than 128 characters"
	case callSIDPattern.MatchString(label):
		return "must not be shaped like a call SID"
	case strings.Contains(label, "/"):
		return "must not contain '/'"
	case strings.Contains(strings.ToUpper(label), "%2F"):
		// Twilio's error 16024: no '/' "even in URL encoded form %2F".
		return "must not contain '/', even encoded as %2F"
	}
	return ""
}
