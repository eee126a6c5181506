// Package audit keeps the console's audit trail: a JSON Lines file with one
// record before and one after every action the console sends to Twilio
// (mute, hold, coach, announce, remove, add, end conference, recording
// changes), plus an in-memory copy of this session's records for the
// console's log view.
//
// # How the console calls it
//
// main opens the log once from the --audit-log flag:
//
//	path := flagValue // "-" disables the file
//	if path == "" {
//		path, err = audit.DefaultPath(os.Getenv)
//	}
//	trail, err := audit.Open(path) // "-" gives audit.Disabled()
//
// An Open error is not fatal to the console's use as a viewer, but it must be
// shown: start with audit.Disabled() and say "audit log not written: <err>".
//
// Every action then goes through the same three steps, in the command that
// sends it (never in Update, which must not block on a disk write):
//
//	id, err := trail.Intent(ctx, audit.Entry{
//		Action: audit.ActionMute, AccountSID: ..., ConferenceSID: ...,
//		ConferenceName: ..., CallSID: ..., Label: ...,
//		Params: map[string]string{"Muted": "true"}, // the form fields sent
//	})
//	// err != nil: the intent did not reach the disk; show it, the id is
//	// still valid. Whether to send anyway is the console's choice; the
//	// record is never silently lost because Err() keeps the failure.
//	p, sendErr := client.UpdateParticipant(ctx, ...)
//	err = trail.Result(ctx, id, audit.Entry{
//		Outcome:   audit.OutcomeOf(sendErr), // or from *api.Error
//		ErrorCode: ..., Error: ..., RequestID: ..., Attempts: ...,
//	})
//
// Result copies the conference, participant and action fields from the
// matching intent when they are left empty, so the caller only describes what
// happened. The operator, SSH user and host are filled by the Log on every
// record; callers cannot set them.
//
// The console shows Err() wherever it shows the connection state: once a
// record could not be written the Log keeps saying so for the rest of the
// session, because the file is missing that record for good. The log view
// (a key in the console) lists Session(); each Entry's Summary is safe to
// print in a terminal as is.
//
// # What is in the file
//
// Each record is one line, written with a single write call on a file opened
// with O_APPEND and then synced, so concurrent writers (several console
// sessions on one file) never interleave or overwrite each other's lines.
// A record is whole or absent: when a full disk lets only part of one reach
// the file, that part is cut off again, so the next record starts on a line
// of its own and every line still parses.
// Lines are produced by encoding/json; on top of JSON's own escaping, DEL, C1
// controls and Unicode format characters (bidi overrides and the like) are
// written as \u escapes, so `cat` or `tail -f` of the file cannot drive the
// terminal or reorder what it shows. Parameters whose names end in Password,
// Secret or Token are replaced by "[redacted]", as are passwords inside URLs,
// and those secret values are also scrubbed from every other text field.
package audit
