package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"

	"confconsole/api"
)

// Signature is Twilio's X-Twilio-Signature for a request to fullURL carrying
// the form params (api.Signature).
func Signature(authToken, fullURL string, params url.Values) string {
	return api.Signature(authToken, fullURL, params)
}

// ValidSignature reports whether signature is Twilio's signature of a request
// to fullURL with params. As Twilio's helper libraries do, it accepts the
// signature computed over the URL as given and over the same URL with the
// scheme's default port added or removed (:443 for https, :80 for http),
// since proxies disagree on whether to show it. Every comparison is constant
// time.
func ValidSignature(authToken, fullURL string, params url.Values, signature string) bool {
	if signature == "" || authToken == "" {
		return false
	}
	got := []byte(signature)
	ok := false
	for _, u := range portVariants(fullURL) {
		// No early return: the work done does not depend on which variant matched.
		if hmac.Equal(got, []byte(Signature(authToken, u, params))) {
			ok = true
		}
	}
	return ok
}

// portVariants returns rawURL and, when its scheme has a default port, the
// same URL with that port written out or left out, whichever rawURL is not.
func portVariants(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return []string{rawURL}
	}
	def := map[string]string{"https": "443", "http": "80"}[strings.ToLower(u.Scheme)]
	if def == "" {
		return []string{rawURL}
	}
	// Work on the original text so the path and query keep their exact bytes.
	i := strings.Index(rawURL, "://")
	if i < 0 {
		return []string{rawURL}
	}
	start := i + 3
	end := len(rawURL)
	if j := strings.IndexAny(rawURL[start:], "/?#"); j >= 0 {
		end = start + j
	}
	authority := rawURL[start:end]
	userinfo := ""
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		userinfo, authority = authority[:at+1], authority[at+1:]
	}
	host, port := authority, ""
	if c := strings.LastIndex(authority, ":"); c >= 0 && !strings.Contains(authority[c:], "]") {
		host, port = authority[:c], authority[c+1:]
	}
	var other string
	switch port {
	case "":
		other = host + ":" + def
	case def:
		other = host
	default:
		return []string{rawURL}
	}
	return []string{rawURL, rawURL[:start] + userinfo + other + rawURL[end:]}
}

// bodyHashMatches checks the bodySHA256 query parameter Twilio adds when it
// signs a request whose body is not a form (JSON): the signature then covers
// the URL alone, and the body is bound to it by this hash. A URL without the
// parameter has nothing to check.
func bodyHashMatches(u *url.URL, body []byte) bool {
	want := u.Query().Get("bodySHA256")
	if want == "" {
		return true
	}
	sum := sha256.Sum256(body)
	return hmac.Equal([]byte(strings.ToLower(want)), []byte(hex.EncodeToString(sum[:])))
}
