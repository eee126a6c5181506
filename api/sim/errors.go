package sim

import (
	"fmt"
	"net/http"
	"strconv"
)

// Twilio error codes the simulator answers with. Each is documented at
// https://www.twilio.com/docs/errors/<code>.
const (
	CodeBadRequest           = 20001 // generic invalid parameter
	CodeAuthenticate         = 20003 // bad or missing credentials
	CodeMethodNotAllowed     = 20004 // wrong method, or a malformed conference SID in a participants path
	CodeNotFound             = 20404 // unknown resource, or one of another account
	CodeTooManyRequests      = 20429 // concurrency limit: not processed, safe to retry
	CodeInternalError        = 20500 // internal server error
	CodeServiceUnavailable   = 20503 // service unavailable
	CodeToMissing            = 21201 // no To
	CodeToInvalid            = 21211 // To is not a valid phone number
	CodeFromInvalid          = 21212 // From is not a valid phone number
	CodeFromMissing          = 21213 // no From
	CodeNoGeoPermission      = 21215 // no international permission for To
	CodeToBlocked            = 21216 // To is blocked for the account
	CodeToNotValid           = 21217 // To does not appear to be valid (magic number)
	CodeInvalidPageToken     = 21481 // PageToken not one we issued
	CodeConferenceNotActive  = 16001 // the conference is not active
	CodeConferenceAttributes = 16002 // bad conference attribute (callback URL, method, events, MaxParticipants)
	CodeConferenceUnknown    = 16003 // conference SID or friendly name not recognised
	CodeConferenceFull       = 16020 // MaxParticipants reached
	CodeInvalidLabel         = 16024 // label too long, shaped like a call SID, or contains '/' or %2F
	CodeLabelInUse           = 16026 // label in use by another participant of the conference
	CodeCoachedOnHold        = 16027 // the participant to coach is on hold
	CodeCoachedNotPresent    = 16028 // the participant to coach is not in the conference
)

// Wire constants of Twilio's answers.
const (
	errorDocsPrefix           = "https://www.twilio.com/docs/errors/"
	authenticateDetail        = "Your AccountSid or AuthToken was incorrect."
	authenticateMessage       = "Authenticate"
	wwwAuthenticate           = `Basic realm="Twilio API"`
	contentTypeJSON           = "application/json; charset=utf-8"
	headerRequestID           = "Twilio-Request-Id"
	headerRetryAfter          = "Retry-After"
	maxFormBytes        int64 = 1 << 20
)

// apiError is an error the simulator answers with, in Twilio's shape.
type apiError struct {
	status  int
	code    int
	message string
	detail  string // only 401 answers carry it
}

// errorBody is Twilio's error document. Field order follows Twilio's answers.
type errorBody struct {
	Code     int    `json:"code"`
	Detail   string `json:"detail,omitempty"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func (e *apiError) body() errorBody {
	return errorBody{
		Code:     e.code,
		Detail:   e.detail,
		Message:  e.message,
		MoreInfo: errorDocsPrefix + strconv.Itoa(e.code),
		Status:   e.status,
	}
}

func badRequest(code int, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: fmt.Sprintf(format, args...)}
}

func notFound(path string) *apiError {
	return &apiError{
		status:  http.StatusNotFound,
		code:    CodeNotFound,
		message: "The requested resource " + path + " was not found",
	}
}

func unauthorized() *apiError {
	return &apiError{
		status:  http.StatusUnauthorized,
		code:    CodeAuthenticate,
		message: authenticateMessage,
		detail:  authenticateDetail,
	}
}

func methodNotAllowed() *apiError {
	return &apiError{status: http.StatusMethodNotAllowed, code: CodeMethodNotAllowed, message: "Method not allowed"}
}
