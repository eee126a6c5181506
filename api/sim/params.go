package sim

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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
// 4405512345678), so those are accepted too.
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

// validTo reports whether to is a number, client, SIP address or TwiML app.
func validTo(to string) bool {
	return e164Pattern.MatchString(to) || digitsPattern.MatchString(to) || clientPattern.MatchString(to) ||
		sipPattern.MatchString(to) || appPattern.MatchString(to)
}

// validFrom reports whether from is a number, a client, or (for calls to SIP)
// the user part of a SIP address.
func validFrom(from, to string) bool {
	if e164Pattern.MatchString(from) || digitsPattern.MatchString(from) || clientPattern.MatchString(from) || sipPattern.MatchString(from) {
		return true
	}
	return strings.HasPrefix(to, "sip:") && sipUserPattern.MatchString(from)
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
