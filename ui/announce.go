package ui

import (
	"fmt"
	"slices"
	"strings"

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
// and completed by tab.
func (r *room) newAnnouncePrompt(fst FormStyles, id, title string) Prompt {
	offer := r.announce
	pr := NewPrompt(fst, id, title, "https://… TwiML or audio URL", func(s string) error {
		_, err := offer.lookup(s)
		return err
	})
	pr.offer(offer.suggestions(), inertHints(offer.hints()))
	return pr
}

// announceURL resolves a submitted announce answer and remembers it.
func (r *room) announceURL(answer string) string {
	u, err := r.announce.lookup(answer)
	if err != nil {
		return answer // validated when submitted; keep the text as typed
	}
	r.announce = r.announce.remember(u)
	return u
}

// inertHints keeps configured text from carrying terminal controls.
func inertHints(hints []string) []string {
	out := make([]string, len(hints))
	for i, h := range hints {
		out[i] = model.Inert(h)
	}
	return out
}
