package sim

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
)

// Twilio's identifier shapes: two upper-case letters and 32 hex digits.
var (
	accountSIDPattern    = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	keySIDPattern        = regexp.MustCompile(`^SK[0-9a-fA-F]{32}$`)
	conferenceSIDPattern = regexp.MustCompile(`^CF[0-9a-fA-F]{32}$`)
	callSIDPattern       = regexp.MustCompile(`^CA[0-9a-fA-F]{32}$`)
	recordingSIDPattern  = regexp.MustCompile(`^RE[0-9a-fA-F]{32}$`)
	byocSIDPattern       = regexp.MustCompile(`^BY[0-9a-fA-F]{32}$`)
	appSIDPattern        = regexp.MustCompile(`^AP[0-9a-fA-F]{32}$`)
)

// NewSID returns a fresh random identifier in Twilio's shape: prefix (for
// example "AC", "CF", "CA", "SK") followed by 32 lower-case hex digits. It
// draws from the operating system's random source, so it is for credentials
// and one-off identifiers; a Server makes its own SIDs from its seed.
func NewSID(prefix string) string {
	return prefix + randomHex()
}

// NewAuthToken returns a fresh random auth token or API key secret: 32
// lower-case hex digits, the shape Twilio issues.
func NewAuthToken() string { return randomHex() }

func randomHex() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it panics on a broken OS source)
	return hex.EncodeToString(b[:])
}
