package model

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// The limits Twilio documents for CreateParticipant, and ours for labels.
const (
	// MaxLabelLength is the longest label, in characters, the console lets
	// an operator give; a label is typed into URLs and shown in a table
	// column, and this is plenty for "agent-7 (night shift)".
	MaxLabelLength = 128
	// MinTimeout and MaxTimeout bound Timeout, the seconds a call may ring.
	MinTimeout = 5
	MaxTimeout = 600
	// DefaultTimeout is what Twilio uses when Timeout is not sent.
	DefaultTimeout = 60
	// maxE164Digits is the most digits an E.164 number has.
	maxE164Digits = 15
	// shownMax caps how much of a bad value an error message repeats.
	shownMax = 40
)

// IsCallSID reports whether s has the shape of a Twilio call SID: "CA"
// followed by 32 hexadecimal digits.
func IsCallSID(s string) bool {
	if len(s) != 34 || s[:2] != "CA" {
		return false
	}
	for i := 2; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// shown is how an error message repeats a value the user typed: inert and
// short, so a pasted escape sequence or a page of text cannot leak through
// the message.
func shown(s string) string {
	return InertN(s, shownMax)
}

// endpointForms is the tail of most endpoint messages.
const endpointForms = "write a phone number such as +14155550100, client:name or sip:user@example.com"

// ValidateEndpoint checks s as the To or From of a new participant: an E.164
// phone number ("+" and up to 15 digits, the first not 0), a Twilio Client
// identity ("client:name") or a SIP address ("sip:user@host"). The error says
// what is wrong with s and how to write it instead (for "+1 415 555 0100":
// "+1 415 555 0100 has spaces; write it as +14155550100"). It never panics,
// whatever s holds.
func ValidateEndpoint(s string) error {
	if s == "" {
		return errors.New("is empty; " + endpointForms)
	}
	if strings.TrimSpace(s) == "" {
		return errors.New("is only spaces; " + endpointForms)
	}
	if t := strings.TrimSpace(s); t != s && validEndpoint(t) == nil {
		return fmt.Errorf("%s has spaces around it; write it as %s", shown(s), shown(t))
	}
	return validEndpoint(s)
}

// validEndpoint is ValidateEndpoint after the checks on blank input.
func validEndpoint(s string) error {
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "client:"):
		if !strings.HasPrefix(s, "client:") {
			return fmt.Errorf("%s has a capital in client:; write it as client:%s", shown(s), shown(s[len("client:"):]))
		}
		return validClient(s)
	case strings.HasPrefix(lower, "sip:"):
		if !strings.HasPrefix(s, "sip:") {
			return fmt.Errorf("%s has a capital in sip:; write it as sip:%s", shown(s), shown(s[len("sip:"):]))
		}
		return validSIP(s)
	}
	return validPhone(s)
}

func validClient(s string) error {
	name := s[len("client:"):]
	switch {
	case name == "":
		return fmt.Errorf("%s has no name after client:; write it as client:alice", shown(s))
	case strings.IndexFunc(name, unicode.IsSpace) >= 0:
		return fmt.Errorf("%s has spaces in the client name; write it without them, as client:%s",
			shown(s), shown(strings.Join(strings.Fields(name), "_")))
	case Inert(name) != name:
		return fmt.Errorf("%s has control or invisible characters in the client name; type the name again in plain text", shown(s))
	}
	return nil
}

func validSIP(s string) error {
	rest := s[len("sip:"):]
	at := strings.IndexByte(rest, '@')
	if at < 0 {
		return fmt.Errorf("%s has no @; write it as sip:user@host, such as sip:alice@example.com", shown(s))
	}
	user, host := rest[:at], rest[at+1:]
	if strings.HasPrefix(host, "[") { // IPv6: its colons are not a port
		if end := strings.IndexByte(host, ']'); end >= 0 {
			host = host[:end+1]
		}
	} else if end := strings.IndexAny(host, ":;?"); end >= 0 {
		host = host[:end] // port, URI parameters or headers follow the host
	}
	switch {
	case user == "":
		return fmt.Errorf("%s has no user before @; write it as sip:user@host", shown(s))
	case host == "":
		return fmt.Errorf("%s has no host after @; write it as sip:user@host, such as sip:alice@example.com", shown(s))
	case strings.IndexFunc(rest, unicode.IsSpace) >= 0:
		return fmt.Errorf("%s has spaces; a SIP address has none, write it as sip:user@host", shown(s))
	case Inert(rest) != rest:
		return fmt.Errorf("%s has control or invisible characters; type the address again in plain text", shown(s))
	case !validHost(host):
		return fmt.Errorf("%s has a host that is not a domain or IP address; write it as sip:user@host, such as sip:alice@example.com", shown(s))
	}
	return nil
}

// validHost accepts a domain name, an IPv4 address or a bracketed IPv6 one.
func validHost(h string) bool {
	if strings.HasPrefix(h, "[") {
		if !strings.HasSuffix(h, "]") || len(h) < 3 {
			return false
		}
		for _, c := range []byte(h[1 : len(h)-1]) {
			if !isHex(c) && c != ':' && c != '.' {
				return false
			}
		}
		return true
	}
	if strings.HasPrefix(h, ".") || strings.HasSuffix(h, "..") || strings.Contains(h, "..") {
		return false
	}
	for _, c := range []byte(h) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func validPhone(s string) error {
	if err := e164(s); err == nil {
		return inNumberingPlan(s, s)
	}
	// The common slips, each with the fix spelled out.
	compact := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\u00a0', '-', '(', ')', '.', '/':
			return -1
		}
		return r
	}, s)
	if compact != s && e164(compact) == nil {
		if err := inNumberingPlan(compact, s); err != nil {
			return err // no point in asking for a number Twilio will refuse
		}
		what := "spaces"
		if strings.ContainsAny(s, "-().,/") {
			what = "punctuation"
			if strings.ContainsAny(s, " \t\u00a0") {
				what = "spaces and punctuation"
			}
		}
		return fmt.Errorf("%s has %s; write it as %s", shown(s), what, compact)
	}
	if strings.HasPrefix(compact, "00") && allDigits(compact[2:]) && e164("+"+compact[2:]) == nil && inNumberingPlan("+"+compact[2:], s) == nil {
		return fmt.Errorf("%s starts with 00; write the international prefix as +, as %s", shown(s), "+"+compact[2:])
	}
	if compact != "" && allDigits(compact) {
		if us, err := phonenumbers.Parse(compact, "US"); err == nil && phonenumbers.IsValidNumber(us) {
			return fmt.Errorf("%s has no leading + and country code; if it is a US number write it as %s",
				shown(s), phonenumbers.Format(us, phonenumbers.E164))
		}
		return fmt.Errorf("%s has no leading + and country code; write it in E.164, such as +14155550100 for a US number", shown(s))
	}
	if strings.Contains(s, "@") {
		return fmt.Errorf("%s looks like a SIP address; write it as sip:%s", shown(s), shown(strings.TrimSpace(s)))
	}
	if !strings.HasPrefix(s, "+") {
		return fmt.Errorf("%s is not a phone number, client:name or sip:user@host; for a Twilio Client identity write client:%s",
			shown(s), shown(strings.TrimSpace(s)))
	}
	digits := compact[1:]
	switch {
	case digits == "":
		return fmt.Errorf("%s has no digits after +; write the country code and number, such as +14155550100", shown(s))
	case !allDigits(digits):
		return fmt.Errorf("%s has characters other than digits after +; a phone number is + and digits only, such as +14155550100", shown(s))
	case digits[0] == '0':
		return fmt.Errorf("%s starts with +0, and no country code does; write + and the country code, such as +14155550100", shown(s))
	case len(digits) > maxE164Digits:
		return fmt.Errorf("%s has %d digits; E.164 numbers have at most %d, check for an extra digit", shown(s), len(digits), maxE164Digits)
	}
	return fmt.Errorf("%s is not an E.164 phone number; write it such as +14155550100", shown(s))
}

// inNumberingPlan checks an E.164 number against the numbering plan of its
// country (libphonenumber's metadata), as Twilio does: +15551234567 has the
// right shape, but Twilio refuses it with error 21211, so the form says so
// before anything is sent. The message shows the number as the user wrote
// it, as.
func inNumberingPlan(s string, as string) error {
	n, err := phonenumbers.Parse(s, "")
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return fmt.Errorf("%s does not start with a country code in use; write + and the country code, such as +14155550100", shown(as))
	case err != nil:
		return fmt.Errorf("%s is too short to be a phone number; write + and the country code and number, such as +14155550100", shown(as))
	}
	if phonenumbers.IsValidNumber(n) {
		return nil
	}
	cc := n.GetCountryCode()
	switch phonenumbers.IsPossibleNumberWithReason(n) {
	case phonenumbers.INVALID_COUNTRY_CODE:
		return fmt.Errorf("%s does not start with a country code in use; write + and the country code, such as +14155550100", shown(as))
	case phonenumbers.TOO_SHORT:
		return fmt.Errorf("%s is too short for a number of country code +%d; check for a missing digit", shown(as), cc)
	case phonenumbers.TOO_LONG:
		return fmt.Errorf("%s is too long for a number of country code +%d; check for an extra digit", shown(as), cc)
	}
	return fmt.Errorf("%s is not a number in use in country code +%d; check the digits", shown(as), cc)
}

// e164 accepts "+" then 1 to 15 digits, the first not 0.
func e164(s string) error {
	if len(s) < 2 || s[0] != '+' || s[1] == '0' || len(s)-1 > maxE164Digits || !allDigits(s[1:]) {
		return errors.New("not E.164")
	}
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidateLabel checks a label for a new participant. Empty is fine (no
// label). A label addresses the participant in Twilio's URLs, in the same
// place as a call SID, so one shaped like a call SID would be taken for one
// and is refused; so are labels over MaxLabelLength characters, labels with
// control or invisible characters, and labels with spaces at either end,
// which no one can tell apart from the label without them.
func ValidateLabel(s string) error {
	if s == "" {
		return nil
	}
	if !utf8.ValidString(s) {
		return errors.New("has bytes that are not text; type the label again")
	}
	if n := utf8.RuneCountInString(s); n > MaxLabelLength {
		return fmt.Errorf("is %d characters long; a label has at most %d", n, MaxLabelLength)
	}
	if IsCallSID(s) || (len(s) == 34 && strings.EqualFold(s[:2], "CA") && IsCallSID("CA"+s[2:])) {
		return fmt.Errorf("%s looks like a call SID, and Twilio would take it for one; pick a name such as agent-7", shown(s))
	}
	if Inert(s) != s {
		return fmt.Errorf("%s has control or invisible characters; use plain text", shown(s))
	}
	if strings.Contains(s, "/") {
		// The label is a path segment of the participant's URL; Twilio
		// refuses one with a slash (error 16024), and so does the client.
		return fmt.Errorf("%s contains \"/\", which Twilio does not allow in a label; use - or _ instead", shown(s))
	}
	if strings.Contains(strings.ToUpper(s), "%2F") {
		// Error 16024 forbids "/" "even in URL encoded form %2F"; the client
		// refuses it too, so the form says so before anything is sent.
		return fmt.Errorf("%s contains %%2F, an encoded \"/\", which Twilio does not allow in a label; use - or _ instead", shown(s))
	}
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%q has spaces at the start or end; remove them", shown(s))
	}
	return nil
}

// ValidateTimeout checks the seconds a new participant's phone may ring.
func ValidateTimeout(seconds int) error {
	if seconds < MinTimeout || seconds > MaxTimeout {
		return fmt.Errorf("is %d seconds; ring time must be %d to %d seconds (Twilio's default is %d)",
			seconds, MinTimeout, MaxTimeout, DefaultTimeout)
	}
	return nil
}

// ParseTimeout reads a ring time typed as whole seconds and checks it with
// ValidateTimeout. Surrounding spaces are ignored; an empty s is an error
// here (NewParticipant treats empty as "Twilio's default").
func ParseTimeout(s string) (int, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("is empty; enter %d to %d seconds", MinTimeout, MaxTimeout)
	}
	if !allDigits(strings.TrimPrefix(t, "-")) {
		return 0, fmt.Errorf("%s is not a whole number of seconds; enter %d to %d, or leave it empty for Twilio's default of %d",
			shown(s), MinTimeout, MaxTimeout, DefaultTimeout)
	}
	n, err := strconv.Atoi(t)
	if err != nil { // out of int range: certainly too large or too small
		return 0, fmt.Errorf("%s is far outside %d to %d seconds", shown(s), MinTimeout, MaxTimeout)
	}
	if err := ValidateTimeout(n); err != nil {
		return 0, err
	}
	return n, nil
}

// Field names a field of the add-participant form, for FieldError.
type Field string

// The fields NewParticipant.Validate reports on.
const (
	FieldTo      Field = "To"
	FieldFrom    Field = "From"
	FieldLabel   Field = "Label"
	FieldTimeout Field = "Timeout"
	FieldCoach   Field = "Coach"
)

// FieldError is what is wrong with one field, in words meant for the
// operator: what is wrong and what to do.
type FieldError struct {
	Field   Field
	Message string
}

// Error reads "To: +1 415 555 0100 has spaces; write it as +14155550100".
func (e FieldError) Error() string { return string(e.Field) + ": " + e.Message }

// FieldErrors is every problem found in a form, at most one per field, in
// the form's order. A nil FieldErrors means the form is fine.
type FieldErrors []FieldError

// Error joins the problems into one line.
func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// For returns the message for field f, or "" when f is fine.
func (es FieldErrors) For(f Field) string {
	for _, e := range es {
		if e.Field == f {
			return e.Message
		}
	}
	return ""
}

// NewParticipant is what an operator typed into the add-participant form,
// before it becomes a CreateParticipant request.
type NewParticipant struct {
	To    string
	From  string
	Label string
	// Timeout is the ring time as typed, in seconds; "" leaves it to
	// Twilio's default.
	Timeout string
	// Coaching asks for the new call to coach CallSIDToCoach, which must
	// then be set.
	Coaching       bool
	CallSIDToCoach string
}

// Validate checks n against Twilio's rules and the conference's present
// participants (nil skips the checks that need them) and returns every
// problem, one per field, or nil. Beyond each field's own rules: when To is
// a phone number From must be one too (Twilio refuses otherwise), a label
// must not be taken by a participant still in the conference (labels
// address participants), and coaching needs a target that is still there.
func (n NewParticipant) Validate(present []Participant) FieldErrors {
	var es FieldErrors
	add := func(f Field, err error) {
		if err != nil {
			es = append(es, FieldError{Field: f, Message: err.Error()})
		}
	}
	toErr := ValidateEndpoint(n.To)
	add(FieldTo, toErr)
	fromErr := ValidateEndpoint(n.From)
	if fromErr != nil && toErr == nil && strings.HasPrefix(n.To, "sip:") {
		fromErr = validSIPFrom(n.From, fromErr)
	}
	if fromErr == nil && toErr == nil && e164(n.To) == nil && e164(n.From) != nil {
		fromErr = fmt.Errorf("%s cannot call a phone number; when To is a phone number, From must be one too (a Twilio number or a verified caller ID)", shown(n.From))
	}
	add(FieldFrom, fromErr)

	labelErr := ValidateLabel(n.Label)
	if labelErr == nil && n.Label != "" {
		for _, p := range present {
			if p.Label == n.Label && p.Status.Live() {
				labelErr = fmt.Errorf("%s is already the label of someone in this conference; labels address participants, so pick another", shown(n.Label))
				break
			}
		}
	}
	add(FieldLabel, labelErr)

	if n.Timeout != "" {
		_, err := ParseTimeout(n.Timeout)
		add(FieldTimeout, err)
	}
	add(FieldCoach, n.validateCoach(present))
	return es
}

// validSIPFrom checks the From of a call to a SIP address, which Twilio's
// CreateParticipant docs let be "a username portion" of a SIP address (it
// fills the P-Asserted-Identity header) as well as a number or a client.
// err is what From gave as a number, client or SIP address.
func validSIPFrom(from string, err error) error {
	switch {
	case isSIPUsername(from):
		return nil
	case strings.HasPrefix(from, "+") || strings.HasPrefix(strings.ToLower(from), "client:") ||
		strings.HasPrefix(strings.ToLower(from), "sip:") || strings.Contains(from, "@") || strings.TrimSpace(from) == "":
		return err // meant as a number, client or address: its own message says more
	}
	return fmt.Errorf("%s is not a SIP username: use only letters, digits and . _ ~ + -, or write a phone number or client:name", shown(from))
}

// isSIPUsername reports whether s is a SIP username as Twilio takes one in
// From: letters, digits and the marks . _ ~ + -.
func isSIPUsername(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._~+-", c) >= 0) {
			return false
		}
	}
	return true
}

func (n NewParticipant) validateCoach(present []Participant) error {
	if !n.Coaching && n.CallSIDToCoach == "" {
		return nil
	}
	if n.CallSIDToCoach == "" {
		return errors.New("coaching needs someone to coach; pick a participant, or turn coaching off")
	}
	if !IsCallSID(n.CallSIDToCoach) {
		return fmt.Errorf("%s is not a call SID (CA and 32 hex digits); pick the participant from the list", shown(n.CallSIDToCoach))
	}
	if present == nil {
		return nil
	}
	for _, p := range present {
		if p.CallSID == n.CallSIDToCoach {
			if !p.Status.Live() {
				return fmt.Errorf("%s has left the conference; pick someone else to coach", shown(p.Name()))
			}
			return nil
		}
	}
	return fmt.Errorf("%s is not in this conference any more; pick someone else to coach", shown(n.CallSIDToCoach))
}

// ValidateHTTPURL checks a URL that Twilio is to fetch, such as an
// announcement's or a hold music's: absolute, http or https, with a host and
// nothing invisible in it. The error says how to write it instead.
func ValidateHTTPURL(s string) error {
	const example = "such as https://example.com/announce.xml"
	if strings.TrimSpace(s) == "" {
		return errors.New("is empty; enter an http:// or https:// URL, " + example)
	}
	if t := strings.TrimSpace(s); t != s {
		if ValidateHTTPURL(t) == nil {
			return fmt.Errorf("%s has spaces around it; write it as %s", shown(s), shown(t))
		}
		return ValidateHTTPURL(t)
	}
	if Inert(s) != s || strings.ContainsAny(s, " \t") {
		return fmt.Errorf("%s has spaces, control or invisible characters; a URL has none (write a space as %%20)", shown(s))
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%s is not a URL; write it %s", shown(s), example)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return fmt.Errorf("%s has no http:// or https://; write it as https://%s", shown(s), shown(strings.TrimPrefix(s, "//")))
	default:
		return fmt.Errorf("%s is a %s: URL; Twilio fetches only http:// and https:// URLs", shown(s), shown(u.Scheme))
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("%s has no host; write it %s", shown(s), example)
	}
	return nil
}
