package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Paging limits Twilio documents.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// listMeta is the envelope Twilio wraps every list page in.
type listMeta struct {
	FirstPageURI    string  `json:"first_page_uri"`
	NextPageURI     *string `json:"next_page_uri"`
	PreviousPageURI *string `json:"previous_page_uri"`
	URI             string  `json:"uri"`
	Page            int     `json:"page"`
	PageSize        int     `json:"page_size"`
	Start           int     `json:"start"`
	End             int     `json:"end"`
}

// listPage is one page of a list: the items under their key ("conferences",
// "participants", "recordings") followed by the envelope fields.
type listPage struct {
	key   string
	items jsonItems
	meta  listMeta
}

// MarshalJSON writes the item key first, as Twilio does.
func (p listPage) MarshalJSON() ([]byte, error) { return p.encodeJSON(), nil }

// encodeJSON writes the page by hand (see encode.go); writeJSON calls it
// directly so the bytes are not re-scanned by encoding/json.
func (p listPage) encodeJSON() []byte {
	b := make([]byte, 0, 1024+p.items.sizeHint())
	b = append(b, '{')
	b = appendJSONString(b, p.key)
	b = append(b, ':')
	b = p.items.appendItems(b)
	b = append(b, ',')
	return p.meta.appendJSON(b)
}

// streamChunk is how much of a streamed page is gathered before each write:
// large enough that a 250-person roster (about 150 kB) leaves in a few
// system calls rather than one per 4 kB of net/http's buffer.
const streamChunk = 64 << 10

// stream writes a page whose items are already encoded straight to w, with
// the exact Content-Length: the same bytes encodeJSON would build, gathered
// in chunk (reused scratch space) rather than in one page-sized buffer. It
// returns chunk for reuse.
func (p listPage) stream(w http.ResponseWriter, status int, items encodedItems, chunk []byte) []byte {
	head := appendJSONString(append(make([]byte, 0, 32), '{'), p.key)
	head = append(head, ':', '[')
	tail := p.meta.appendJSON(append(make([]byte, 0, 512), ']', ','))
	n := len(head) + len(tail)
	for i, it := range items {
		if i > 0 {
			n++
		}
		n += len(it)
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(status)

	buf := append(chunk[:0], head...)
	failed := false
	put := func(b []byte) {
		if failed {
			return
		}
		if len(buf)+len(b) > cap(buf) && len(buf) > 0 {
			if _, err := w.Write(buf); err != nil {
				failed = true // the client went away
				return
			}
			buf = buf[:0]
		}
		buf = append(buf, b...)
	}
	for i, it := range items {
		if i > 0 {
			put([]byte{','})
		}
		put(it)
	}
	put(tail)
	if !failed && len(buf) > 0 {
		_, _ = w.Write(buf)
	}
	return buf[:0]
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// param is one query parameter echoed in the page URIs, in a fixed order.
type param struct{ key, value string }

// listKind says how a list's SIDs appear in its page tokens: participants are
// listed by call SID (CA...) but their tokens carry CP..., as Twilio's do.
type listKind struct {
	sidPrefix   string
	tokenPrefix string
}

// paging is the PageSize / Page / PageToken of a list request.
type paging struct {
	size  int
	page  int
	token string
}

func parsePaging(q url.Values) (paging, *apiError) {
	p := paging{size: defaultPageSize}
	if v, ok := first(q, "PageSize"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			return p, badRequest(CodeBadRequest, "PageSize must be an integer from 1 to %d, got %q", maxPageSize, v)
		}
		p.size = n
	}
	if v, ok := first(q, "Page"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, badRequest(CodeBadRequest, "Page must be an integer of 0 or more, got %q", v)
		}
		p.page = n
	}
	if v, ok := first(q, "PageToken"); ok {
		p.token = v
	}
	if p.page > 0 && p.token == "" {
		// Twilio dropped absolute paging: past the first page, Page is
		// only the client's bookkeeping beside a PageToken.
		return p, badRequest(CodeBadRequest, "PageToken is required for paging.")
	}
	return p, nil
}

// paginate cuts one page out of sids (already in list order) and builds the
// envelope. Tokens are "PA" (the page after) or "PB" (the page before)
// followed by the SID of the item at the edge of the current page; they stay
// valid after that item is gone because its sort key outlives it. Callers
// hold s.mu.
func (s *Server) paginate(sids []string, pg paging, kind listKind, path string, filters []param) (lo, hi int, meta listMeta, aerr *apiError) {
	switch {
	case pg.token != "":
		dir, key, ok := s.decodeToken(pg.token, kind)
		if !ok {
			return 0, 0, meta, badRequest(CodeInvalidPageToken, "Invalid PageToken %q: follow next_page_uri or previous_page_uri as given", pg.token)
		}
		if dir == "PA" {
			lo = len(sids)
			for i, sid := range sids {
				if key.before(s.sortKeys[sid]) {
					lo = i
					break
				}
			}
			hi = min(lo+pg.size, len(sids))
		} else {
			hi = len(sids)
			for i, sid := range sids {
				if !s.sortKeys[sid].before(key) {
					hi = i
					break
				}
			}
			lo = max(hi-pg.size, 0)
		}
	default:
		lo = min(pg.page*pg.size, len(sids))
		hi = min(lo+pg.size, len(sids))
	}

	uri := func(page int, token string) string {
		var b strings.Builder
		b.WriteString(path)
		b.WriteByte('?')
		for _, f := range filters {
			b.WriteString(url.QueryEscape(f.key))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(f.value))
			b.WriteByte('&')
		}
		b.WriteString("PageSize=")
		b.WriteString(strconv.Itoa(pg.size))
		b.WriteString("&Page=")
		b.WriteString(strconv.Itoa(page))
		if token != "" {
			b.WriteString("&PageToken=")
			b.WriteString(url.QueryEscape(token))
		}
		return b.String()
	}
	meta = listMeta{
		FirstPageURI: uri(0, ""),
		URI:          uri(pg.page, pg.token),
		Page:         pg.page,
		PageSize:     pg.size,
		Start:        pg.page * pg.size,
	}
	meta.End = meta.Start
	if hi > lo {
		meta.End = meta.Start + hi - lo - 1
		if hi < len(sids) {
			next := uri(pg.page+1, "PA"+kind.token(sids[hi-1]))
			meta.NextPageURI = &next
		}
		if lo > 0 {
			prev := uri(max(pg.page-1, 0), "PB"+kind.token(sids[lo]))
			meta.PreviousPageURI = &prev
		}
	}
	return lo, hi, meta, nil
}

// token turns an item SID into the SID its page tokens carry.
func (k listKind) token(sid string) string { return k.tokenPrefix + sid[2:] }

// decodeToken checks a PageToken we issued and returns its direction and the
// sort key of the item it points past.
func (s *Server) decodeToken(tok string, kind listKind) (string, sortKey, bool) {
	if len(tok) != 36 {
		return "", sortKey{}, false
	}
	dir, body := tok[:2], tok[2:]
	if (dir != "PA" && dir != "PB") || !strings.HasPrefix(body, kind.tokenPrefix) || !isHex(body[2:]) {
		return "", sortKey{}, false
	}
	key, ok := s.sortKeys[kind.sidPrefix+body[2:]]
	return dir, key, ok
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// first returns the first value of key and whether the key was sent at all.
func first(v url.Values, key string) (string, bool) {
	vs, ok := v[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}
