// Package api is confconsole's client for Twilio's Conference and Participant
// resources (REST API 2010-04-01). It speaks Twilio's wire names, paging and
// errors, and returns model values.
package api

import (
	"context"
	"errors"
	"net/http"

	"confconsole/model"
)

// errNotBuilt marks the operations still to be written (foundation issue).
var errNotBuilt = errors.New("not built yet")

// Config says where the client talks and as whom.
type Config struct {
	AccountSID string // AC + 32 hex; always in the path
	AuthToken  string // secret
	APIKey     string // SK + 32 hex; with APISecret, used instead of AuthToken
	APISecret  string // secret
	Region     string
	Edge       string
	BaseURL    string       // overrides region and edge, e.g. the simulator's URL
	HTTPClient *http.Client // nil means a client with sensible timeouts
}

// Client calls Twilio. It is safe for concurrent use.
type Client struct {
	cfg Config
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) { return &Client{cfg: cfg}, nil }

// ListConferences returns the account's conferences that match f, newest first
// as Twilio orders them, following every page.
func (c *Client) ListConferences(ctx context.Context, f ConferenceFilter) ([]model.Conference, error) {
	return nil, errNotBuilt
}

// FetchConference returns one conference by SID.
func (c *Client) FetchConference(ctx context.Context, sid string) (model.Conference, error) {
	return model.Conference{}, errNotBuilt
}

// UpdateConference ends a conference or announces into it.
func (c *Client) UpdateConference(ctx context.Context, sid string, u ConferenceUpdate) (model.Conference, error) {
	return model.Conference{}, errNotBuilt
}

// ListParticipants returns every participant of the conference that matches f.
func (c *Client) ListParticipants(ctx context.Context, conferenceSID string, f ParticipantFilter) ([]model.Participant, error) {
	return nil, errNotBuilt
}

// FetchParticipant returns one participant by call SID or label.
func (c *Client) FetchParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string) (model.Participant, error) {
	return model.Participant{}, errNotBuilt
}

// CreateParticipant dials p.To into the conference named by a conference SID or
// a friendly name (a friendly name with no active conference starts one).
func (c *Client) CreateParticipant(ctx context.Context, conference string, p CreateParticipant) (model.Participant, error) {
	return model.Participant{}, errNotBuilt
}

// UpdateParticipant changes a participant addressed by call SID or label.
func (c *Client) UpdateParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string, u UpdateParticipant) (model.Participant, error) {
	return model.Participant{}, errNotBuilt
}

// DeleteParticipant removes a participant from the conference (Twilio answers 204).
func (c *Client) DeleteParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string) error {
	return errNotBuilt
}

// ListRecordings returns the conference's recordings.
func (c *Client) ListRecordings(ctx context.Context, conferenceSID string) ([]model.Recording, error) {
	return nil, errNotBuilt
}

// UpdateRecording pauses, resumes or stops a recording; recordingSID may be
// CurrentRecording.
func (c *Client) UpdateRecording(ctx context.Context, conferenceSID, recordingSID string, u RecordingUpdate) (model.Recording, error) {
	return model.Recording{}, errNotBuilt
}
