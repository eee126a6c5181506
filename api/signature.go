package api

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
)

// Signature is Twilio's X-Twilio-Signature for a request to fullURL carrying
// the form params: base64 of HMAC-SHA1, keyed with the auth token, over the
// URL followed by each parameter's name and value, parameters in byte order
// of their names (a name given several values contributes each, in order).
// The simulator signs its callbacks with it and the webhook receiver checks
// Twilio's with it: one definition, so the two cannot drift apart.
func Signature(authToken, fullURL string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(fullURL))
	for _, k := range keys {
		for _, v := range params[k] {
			mac.Write([]byte(k))
			mac.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
