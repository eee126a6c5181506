package webhook

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// announcePrefix is the path, under the webhook URL, of typed announcements.
const announcePrefix = "/announce/"

// Defaults for SayConfig's zero fields.
const (
	DefaultSayMaxChars = 1000
	DefaultSayTTL      = 10 * time.Minute
	maxWaitingSay      = 256
)

// SayConfig configures typed announcements.
type SayConfig struct {
	Voice    string        // <Say voice>, e.g. "alice" or "Polly.Joanna"; empty: Twilio's default
	Language string        // <Say language>, e.g. "en-GB"; empty: Twilio's default
	MaxChars int           // longest text accepted (default DefaultSayMaxChars)
	TTL      time.Duration // how long an unplayed announcement stays readable (default DefaultSayTTL)
}

var (
	voicePattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	languagePattern = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$`)
)

// announcements holds the texts waiting to be fetched, each by a random
// token; a text is served once and then forgotten.
type announcements struct {
	cfg     SayConfig
	now     func() time.Time
	mu      sync.Mutex
	waiting map[string]sayEntry
}

type sayEntry struct {
	text    string
	expires time.Time
}

func newAnnouncements(cfg SayConfig) (*announcements, error) {
	if cfg.Voice != "" && !voicePattern.MatchString(cfg.Voice) {
		return nil, fmt.Errorf("voice %q is not a voice name such as alice or Polly.Joanna", clip(cfg.Voice))
	}
	if cfg.Language != "" && !languagePattern.MatchString(cfg.Language) {
		return nil, fmt.Errorf("language %q is not a language tag such as en-US", clip(cfg.Language))
	}
	if cfg.MaxChars <= 0 {
		cfg.MaxChars = DefaultSayMaxChars
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultSayTTL
	}
	return &announcements{cfg: cfg, now: time.Now, waiting: make(map[string]sayEntry)}, nil
}

// Announce registers text to be spoken and returns the URL to give Twilio as
// AnnounceUrl. Only a request signed by Twilio can read it, and only once,
// within SayConfig.TTL.
func (rc *Receiver) Announce(text string) (string, error) {
	token, err := rc.say.add(text)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(rc.base.String(), "/") + announcePrefix + token, nil
}

func (a *announcements) add(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", errors.New("the announcement is empty: type what to say")
	}
	if !utf8.ValidString(text) {
		return "", errors.New("the announcement is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(text); n > a.cfg.MaxChars {
		return "", fmt.Errorf("the announcement is %d characters; the limit is %d", n, a.cfg.MaxChars)
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make announcement token: %w", err)
	}
	token := hex.EncodeToString(b[:])
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, e := range a.waiting {
		if now.After(e.expires) {
			delete(a.waiting, k)
		}
	}
	if len(a.waiting) >= maxWaitingSay {
		return "", fmt.Errorf("%d announcements are waiting to be played; try again when they have", len(a.waiting))
	}
	a.waiting[token] = sayEntry{text: text, expires: now.Add(a.cfg.TTL)}
	return token, nil
}

// take returns token's text and forgets it.
func (a *announcements) take(token string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.waiting[token]
	if !ok {
		return "", false
	}
	delete(a.waiting, token)
	if a.now().After(e.expires) {
		return "", false
	}
	return e.text, true
}

// twiML renders text as a <Say> response.
func (a *announcements) twiML(text string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Response><Say`)
	if a.cfg.Voice != "" {
		b.WriteString(` voice="`)
		xml.EscapeText(&b, []byte(a.cfg.Voice))
		b.WriteString(`"`)
	}
	if a.cfg.Language != "" {
		b.WriteString(` language="`)
		xml.EscapeText(&b, []byte(a.cfg.Language))
		b.WriteString(`"`)
	}
	b.WriteString(">")
	xml.EscapeText(&b, []byte(text))
	b.WriteString("</Say></Response>")
	return []byte(b.String())
}

// serveAnnouncement answers Twilio's (already validated) fetch of an
// announcement's TwiML.
func (rc *Receiver) serveAnnouncement(w http.ResponseWriter, r *http.Request, token string) {
	text, ok := rc.say.take(token)
	if !ok {
		rc.refuse(w, r, http.StatusNotFound, "no such announcement, or it was already played")
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Write(rc.say.twiML(text))
}
