package model

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxConferenceNameLength is the longest friendly name, in characters, that
// Twilio's Conference resource documents ("Maximum length is 128
// characters").
const MaxConferenceNameLength = 128

// ValidateConferenceName checks s as the friendly name of a conference to
// dial into (Twilio creates the conference when no active one has that
// name). It refuses an empty name, one longer than
// MaxConferenceNameLength, one with control or invisible characters, which
// nobody could tell from the name without them, and one with spaces at
// either end, for the same reason. The error says what is wrong and what to
// do, and repeats the value only inert and short.
func ValidateConferenceName(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("is empty; type the conference's name, e.g. Support bridge")
	case !utf8.ValidString(s):
		return errors.New("has bytes that are not text; type the name again")
	}
	if n := utf8.RuneCountInString(s); n > MaxConferenceNameLength {
		return fmt.Errorf("is %d characters long; Twilio allows at most %d", n, MaxConferenceNameLength)
	}
	if Inert(s) != s {
		return fmt.Errorf("%s has control or invisible characters; type the name again in plain text", shown(s))
	}
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%q has spaces at the start or end; remove them", shown(s))
	}
	return nil
}
