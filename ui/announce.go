package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"confconsole/model"
)

// Announcement is a recording offered by name in the announce prompts (from
// the configuration file).
type Announcement struct {
	Name, URL string
}

// maxRecentAnnouncements is how many URLs used in this session the announce
// prompts offer again.
const maxRecentAnnouncements = 5

// announceOffer is what an announce prompt offers: the configured names
// and the URLs used last in this session, newest first.
type announceOffer struct {
	saved  []Announcement
	recent []string
}

// lookup turns a typed answer into a URL: a saved name (exactly, or
// ignoring case) stands for its URL; anything else must be a URL.
func (o announceOffer) lookup(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, a := range o.saved {
		if a.Name == s {
			return a.URL, nil
		}
	}
	for _, a := range o.saved {
		if strings.EqualFold(a.Name, s) {
			return a.URL, nil
		}
	}
	if err := RequireHTTPURL(s); err != nil {
		if len(o.saved) == 0 {
			return "", err
		}
		return "", fmt.Errorf("%w; or type a saved name: %s", err, strings.Join(o.names(), ", "))
	}
	return s, nil
}

func (o announceOffer) names() []string {
	out := make([]string, 0, len(o.saved))
	for _, a := range o.saved {
		out = append(out, a.Name)
	}
	return out
}

// suggestions are what tab completes to: saved names, then recent URLs.
func (o announceOffer) suggestions() []string {
	return append(o.names(), o.recent...)
}

// hints are the lines under the prompt's input that list the offer.
func (o announceOffer) hints() []string {
	var out []string
	if len(o.saved) > 0 {
		out = append(out, "saved: "+strings.Join(o.names(), ", "))
	}
	if len(o.recent) > 0 {
		out = append(out, "recent: "+strings.Join(o.recent, ", "))
	}
	if len(out) > 0 {
		out = append(out, "type a name or a URL; tab completes")
	}
	return out
}

// remember puts url first among the recent ones.
func (o announceOffer) remember(url string) announceOffer {
	recent := slices.DeleteFunc(slices.Clone(o.recent), func(u string) bool { return u == url })
	recent = append([]string{url}, recent...)
	if len(recent) > maxRecentAnnouncements {
		recent = recent[:maxRecentAnnouncements]
	}
	o.recent = recent
	return o
}

// newAnnouncePrompt is the announce prompt with the offer shown under it
// and completed by tab. With a webhook it also takes text to say.
func (r *room) newAnnouncePrompt(fst FormStyles, id, title string) Prompt {
	offer, wh := r.announce, r.opts.Webhook
	placeholder := "https://… TwiML or audio URL"
	if wh.typed() {
		placeholder = "https://… TwiML or audio URL, or text to say"
	}
	pr := NewPrompt(fst, id, title, placeholder, func(s string) error {
		_, _, err := offer.resolve(s, wh)
		return err
	})
	pr.offer(offer.suggestions(), inertHints(offer.hints()))
	return pr
}

// typed reports whether plain text can be announced: a webhook that
// serves it.
func (w *Webhook) typed() bool { return w != nil && w.Announce != nil }

// isURLAnswer reports whether an answer is meant as a URL: it starts with
// http:// or https:// (any case). Anything else is a saved name or text.
func isURLAnswer(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// resolve turns an answer into a URL, or, with a webhook that serves typed
// announcements, into text to say (url empty).
func (o announceOffer) resolve(s string, wh *Webhook) (url, text string, err error) {
	u, err := o.lookup(s)
	if err == nil {
		return u, "", nil
	}
	s = strings.TrimSpace(s)
	if isURLAnswer(s) {
		return "", "", err
	}
	if !wh.typed() {
		if len(o.saved) > 0 {
			return "", "", fmt.Errorf("type a saved name: %s, or a URL (https://…); to type text to say, start the console with --webhook-url", strings.Join(o.names(), ", "))
		}
		return "", "", errors.New("an announcement needs a URL (https://…); to type text to say, start the console with --webhook-url")
	}
	if s == "" {
		return "", "", errors.New("type what to say, or a URL (https://…)")
	}
	if n := utf8.RuneCountInString(s); n > maxTypedAnnouncement {
		return "", "", fmt.Errorf("the text is %d characters; say it in at most %d", n, maxTypedAnnouncement)
	}
	return "", s, nil
}

// maxTypedAnnouncement is the longest text the prompts accept to say, as
// the receiver's default limit.
const maxTypedAnnouncement = 1000

// announceURL resolves a submitted announce answer to the URL to send:
// a saved or typed URL is remembered among the recent ones; typed text is
// handed to the webhook, which returns a single-use URL (not remembered).
func (r *room) announceURL(answer string) (string, error) {
	u, text, err := r.announce.resolve(answer, r.opts.Webhook)
	if err != nil {
		return "", err
	}
	if text != "" {
		u, err = r.opts.Webhook.Announce(text)
		if err != nil {
			return "", fmt.Errorf("nothing was announced: %w", err)
		}
		return u, nil
	}
	r.announce = r.announce.remember(u)
	return u, nil
}

// inertHints keeps configured text from carrying terminal controls.
func inertHints(hints []string) []string {
	out := make([]string, len(hints))
	for i, h := range hints {
		out[i] = model.Inert(h)
	}
	return out
}
