package ui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/model"
)

// Every command below captures plain values and never reads the model, so it
// can run on Bubble Tea's goroutines while Update goes on.

// resolvedMsg answers --conference: the conference it names, or why not.
// notStarted says no conference of that name is in progress yet.
type resolvedMsg struct {
	query      string
	conf       model.Conference
	notStarted bool
	err        error
}

// isConferenceSID reports whether s looks like a conference SID rather than
// a friendly name.
func isConferenceSID(s string) bool {
	if len(s) != 34 || !strings.HasPrefix(s, "CF") {
		return false
	}
	for _, r := range s[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// resolveConference finds the conference --conference names: by SID, or the
// in-progress conference with that friendly name.
func resolveConference(svc Service, query string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		if isConferenceSID(query) {
			c, err := svc.FetchConference(ctx, query)
			if isNotFound(err) {
				return resolvedMsg{query: query, err: fmt.Errorf("no conference %s on this account; pick one from the list", query)}
			}
			if err != nil {
				return resolvedMsg{query: query, err: fmt.Errorf("open conference %s: %w", query, err)}
			}
			return resolvedMsg{query: query, conf: c}
		}
		cs, err := svc.ListConferences(ctx, api.ConferenceFilter{
			FriendlyName: query, Status: string(model.ConferenceInProgress), MaxItems: 20,
		})
		if err != nil {
			return resolvedMsg{query: query, err: fmt.Errorf("find conference %q: %w", query, err)}
		}
		if len(cs) == 0 {
			return resolvedMsg{query: query, notStarted: true}
		}
		return resolvedMsg{query: query, conf: cs[0]}
	}
}
