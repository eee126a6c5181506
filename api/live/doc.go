// Package live is the live state of one Twilio account, shared by every
// screen that shows it: the local console's, and each session's once the
// console is served over SSH. It sits between the screens and the client
// (screens -> live -> api -> model) and knows nothing of Bubble Tea.
//
// # One watcher per resource, many readers
//
// As in k9s, each resource is watched once however many screens look at it.
// A Hub holds one feed per conference being watched and one for the list of
// in-progress conferences. A screen that opens calls WatchRoom or
// WatchConferences; the first watcher of a feed starts its poller, and the
// poller stops Options.Grace after the last watcher has left (a screen
// reopened within the grace period finds it warm). Ten watchers of one room
// cost one request per poll interval, not ten. Polls never overlap, and a
// failing feed backs off as the console always has.
//
// # Snapshots, not listeners
//
// k9s calls its listeners on the refresh goroutine, so one slow view stalls
// the refresh for everyone. Here a feed never calls into a screen: each poll
// builds one immutable snapshot (RoomSnapshot, ConferenceList), shared by
// all watchers, and offers it to each Subscription's one-slot channel. When a
// watcher has not taken the previous snapshot, the new one replaces it:
// latest wins. A watcher that stops reading (a session on a stalled
// network) costs nothing but its slot, and the poller and the other
// watchers go on. A Bubble Tea screen turns the channel into messages with
// a command that receives once and is issued again after each message.
//
// A room snapshot carries the roster in display order (model.Merge), the
// actions pending, the poll status (last success, last error, next poll),
// and the room's event feed: the changes model.Diff finds between polls and
// the operators' actions, each saying who did what.
//
// # Actions
//
// Screens submit actions to the Hub (Submit) on behalf of an Operator, whom
// the SSH server identifies by key (LocalOperator locally). Actions on one
// participant are applied one at a time across all sessions: while alice's
// mute of customer-7 is pending, bob's hold of customer-7 is refused at once
// with a BusyError naming alice and her action. Each action is sent once
// (the client repeats a write only after a 429, which Twilio did not
// process); its outcome becomes an event every watcher sees ("alice muted
// customer-7"), and the room is polled at once to show the result. The
// action stays pending until a poll shows it done (or ConfirmPolls polls have
// not, which the feed then says), so no one acts twice on a row the screens
// have not caught up with.
//
// # One gate per account
//
// Every request goes through the account's Gate. It bounds the requests in
// flight, lets waiting actions go before waiting polls, and when Twilio
// answers 429 it holds every request to the account back until the
// Retry-After has passed, so one throttled poll slows the whole team down
// instead of each session finding the limit on its own. The Hub's requests
// queue at the gate; give the client the gate's Transport as well, so the
// client's own retries, and any caller outside the Hub, obey the same pause
// and the first 429 of any attempt stops everyone at once.
//
// # Bulk actions and undo
//
// StartBatch applies one kind of action (mute, unmute, hold, resume,
// remove, announce) to a set of participants: each goes through Submit's
// rules, so a participant with an action pending from anyone is counted
// busy, one already in the target state is skipped, one who left is
// counted as left, and none is sent two requests. A few requests of the
// batch are in flight at once (Options.BatchConcurrency), all queued at
// the account's Gate, so two operators' batches share one queue. Progress
// and the final summary ride in the room's snapshots; Cancel stops what
// has not been sent. Undo sends the inverse of an operator's last
// reversible action or batch within UndoWindow, and says plainly when
// there is none or it cannot be undone.
//
// Every call that waits takes a context.Context; Close stops every poller
// and waits for them and for the actions in flight, leaving no goroutine
// behind.
package live
