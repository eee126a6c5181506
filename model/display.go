package model

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
	"github.com/rivo/uniseg"
)

// Terminals do not agree on how wide some text is. A screen library counts
// cells per grapheme cluster, so 👍🏽 (thumbs up and a skin tone) is two
// cells; tmux and every terminal built on wcwidth count per code point, so
// it draws the same text four cells wide. A row holding twelve of them is
// then 24 cells longer on screen than the layout planned: it wraps, the
// header scrolls away and the selection marker lands on the wrong row. The
// same goes for emoji joined by U+200D, variation selectors (❤️), keycaps
// (1️⃣), flags, marks that widen the letter before them, and characters too
// new for the terminal's tables.
//
// Display rewrites such text into a form whose width every terminal agrees
// on, so the width the layout measures is the width the terminal draws.

// Placeholder stands for a character whose width terminals disagree on and
// that has no agreed form.
const Placeholder = "?"

// Display returns Inert(s) in a form that every terminal draws at the width
// the layout measures:
//
//   - skin-tone modifiers, variation selectors, the combining keycap, tag
//     characters and the joiners inside emoji sequences are dropped, so
//     👍🏽 shows as 👍, ❤️ as ❤, 1️⃣ as 1 and 🧑🏻‍💻 as 🧑💻;
//   - a flag (a pair of regional indicators) shows as its two letters in
//     brackets, 🇫🇷 as [FR];
//   - a mark that would make a cluster wider per code point than per
//     cluster is dropped, keeping the letter it sits on;
//   - any other character whose width is disputed (private use,
//     unassigned, or newer than the terminals' tables) becomes Placeholder.
//
// Every cluster left has the same width counted per cluster and per code
// point. Text that needs none of this comes back as Inert would return it.
// Display(Display(s)) == Display(s).
func Display(s string) string {
	return display(s, -1)
}

// DisplayN is Display with the result capped at max runes, like InertN: a
// longer result is cut and ends in Ellipsis, and only a prefix of s is read.
// A max below 1 gives "".
func DisplayN(s string, max int) string {
	if max < 1 {
		return ""
	}
	return display(s, max)
}

func display(s string, max int) string {
	s = unglue(escapeInvalid(s), max)
	if max < 0 {
		s = Inert(s)
	} else {
		s = InertN(s, max)
	}
	// Cutting a cluster down can let its neighbours join into a new
	// cluster (two Hangul leading consonants do), so check again until
	// nothing changes; each pass only removes runes.
	for {
		next, changed := agreed(s)
		if !changed {
			return s
		}
		s = next
	}
}

// unglue drops the code points that only modify or join emoji and spells
// flags as letters. With max >= 0 it stops once it has written max+1 runes,
// enough for InertN to know it must cut.
func unglue(s string, max int) string {
	if !needsUnglue(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var base rune // the last rune written, to tell an emoji's joiner from a lone one
	written := 0
	for i := 0; i < len(s); {
		if max >= 0 && written > max {
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteByte(s[i]) // Inert shows it as \xNN
			base = 0
			written++
		case isEmojiModifier(r):
			// dropped; base stays, so a joiner after it is still an emoji's
		case r == zwj && isPictographic(base):
			// dropped: the emoji on either side show side by side
		case isRegional(r):
			b.WriteByte('[')
			b.WriteRune('A' + r - regionalA)
			written += 2
			if next, n := utf8.DecodeRuneInString(s[i+size:]); isRegional(next) {
				b.WriteRune('A' + next - regionalA)
				size += n
				written++
			}
			b.WriteByte(']')
			written++
			base = ']'
		default:
			b.WriteString(s[i : i+size])
			base = r
			written++
		}
		i += size
	}
	return b.String()
}

// needsUnglue reports whether s has anything unglue changes.
func needsUnglue(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isEmojiModifier(r) || r == zwj || isRegional(r) {
			return true
		}
		i += size
	}
	return false
}

const (
	zwj       = 0x200D
	regionalA = 0x1F1E6
)

// isEmojiModifier reports whether r only changes how the character before
// it is drawn: skin tones, variation selectors, the combining enclosing
// keycap and tag characters (which spell subdivision flags).
func isEmojiModifier(r rune) bool {
	switch {
	case r >= 0x1F3FB && r <= 0x1F3FF: // skin tones
		return true
	case r >= 0xFE00 && r <= 0xFE0F: // variation selectors, VS15 and VS16 among them
		return true
	case r >= 0xE0100 && r <= 0xE01EF: // variation selectors supplement
		return true
	case r == 0x20E3: // combining enclosing keycap
		return true
	case r >= 0xE0020 && r <= 0xE007F: // tags
		return true
	}
	return false
}

func isRegional(r rune) bool { return r >= regionalA && r <= 0x1F1FF }

// isPictographic reports whether r is a character emoji sequences join with
// U+200D: the pictographs and the older symbols that have emoji forms.
func isPictographic(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF:
		return true
	case r >= 0x2190 && r <= 0x2BFF: // arrows, technical, geometric, dingbats, misc symbols
		return true
	case r == 0xA9 || r == 0xAE || r == 0x203C || r == 0x2049 || r == 0x2122 || r == 0x2139:
		return true
	case r == 0x3030 || r == 0x303D || r == 0x3297 || r == 0x3299:
		return true
	}
	return false
}

// wcwidth counts per code point the way terminals built on wcwidth do.
var wcwidth = runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true}

// agreed keeps the grapheme clusters of s whose width is the same per
// cluster and per code point, cuts the others down to their first
// character when that one is agreed, and replaces the rest with
// Placeholder. It never adds runes, so it keeps InertN's cap, and it
// reports whether it changed anything.
func agreed(s string) (string, bool) {
	if plainWidth(s) {
		return s, false
	}
	var b strings.Builder // written from the first change on
	state := -1
	rest := s
	changed := false
	for len(rest) > 0 {
		at := len(s) - len(rest)
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if clusterAgreed(cluster) {
			if changed {
				b.WriteString(cluster)
			}
			continue
		}
		if !changed {
			changed = true
			b.Grow(len(s))
			b.WriteString(s[:at])
		}
		r, size := utf8.DecodeRuneInString(cluster)
		switch {
		case size < len(cluster) && clusterAgreed(cluster[:size]):
			b.WriteString(cluster[:size]) // the letter without its marks
		case isMark(r):
			// a mark with no letter before it would sit on whatever the
			// screen shows left of the text: dropped
		default:
			b.WriteString(Placeholder)
		}
	}
	if !changed {
		return s, false
	}
	return b.String(), true
}

// plainWidth reports whether every rune of s is one cell wide everywhere
// and stands alone: printable ASCII and Latin-1 to IPA, where no combining
// mark can occur. Inert has already replaced the soft hyphen.
func plainWidth(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			r, _ := utf8.DecodeRuneInString(s[i:])
			if r >= 0x300 {
				return false
			}
		}
	}
	return true
}

// clusterAgreed reports whether one grapheme cluster is as wide per
// cluster (the layout's count, x/ansi's, and uniseg's, which lipgloss
// borders use) as per code point (the terminal's: go-runewidth's table, and
// the same with every non-spacing mark zero wide as in C libraries), is not
// zero wide, and holds only characters every terminal knows.
func clusterAgreed(c string) bool {
	if len(c) == 1 {
		return c[0] >= 0x20 && c[0] < 0x7f
	}
	sum, marksZero := 0, 0
	for i, r := range c {
		if !knownWidth(r) || (i == 0 && isMark(r)) {
			return false
		}
		w := wcwidth.RuneWidth(r)
		sum += w
		if !unicode.In(r, unicode.Mn, unicode.Me) {
			marksZero += w
		}
	}
	return sum > 0 && sum == marksZero && ansi.StringWidth(c) == sum && uniseg.StringWidth(c) == sum
}

func isMark(r rune) bool { return unicode.In(r, unicode.M) }

// knownWidth reports whether r is an assigned, visible character outside
// the ranges that terminals draw at another width than the libraries
// count (see disputed).
func knownWidth(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0x20 && r < 0x7f
	}
	if !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs) {
		return false // controls, format, private use, unassigned
	}
	return !unicode.Is(disputed, r)
}

// disputed holds assigned characters that the width libraries agree on but
// wcwidth terminals draw otherwise. Found by comparing every code point
// against glibc's wcwidth, which tmux uses.
var disputed = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x1160, Hi: 0x11FF, Stride: 1}, // Hangul medial vowels and final consonants: zero wide per code point
		{Lo: 0x3248, Hi: 0x324F, Stride: 1}, // circled numbers on black squares: ambiguous, drawn two wide
		{Lo: 0xD7B0, Hi: 0xD7C6, Stride: 1}, // Hangul jamo extended-B vowels
		{Lo: 0xD7CB, Hi: 0xD7FB, Stride: 1}, // Hangul jamo extended-B consonants
	},
	// Characters new in Unicode 15.0, unknown to terminals and C
	// libraries built on older tables, which draw them at no width.
	R32: []unicode.Range32{
		{Lo: 0x1123F, Hi: 0x11240, Stride: 1},
		{Lo: 0x11B00, Hi: 0x11B09, Stride: 1},
		{Lo: 0x11F00, Hi: 0x11F59, Stride: 1},
		{Lo: 0x1342F, Hi: 0x1342F, Stride: 1},
		{Lo: 0x13439, Hi: 0x13455, Stride: 1},
		{Lo: 0x1B132, Hi: 0x1B132, Stride: 1},
		{Lo: 0x1B155, Hi: 0x1B155, Stride: 1},
		{Lo: 0x1D2C0, Hi: 0x1D2D3, Stride: 1},
		{Lo: 0x1DF25, Hi: 0x1DF2A, Stride: 1},
		{Lo: 0x1E030, Hi: 0x1E08F, Stride: 1},
		{Lo: 0x1E4D0, Hi: 0x1E4F9, Stride: 1},
		{Lo: 0x1F6DC, Hi: 0x1F6DC, Stride: 1},
		{Lo: 0x1F774, Hi: 0x1F77F, Stride: 1},
		{Lo: 0x1F7D9, Hi: 0x1F7D9, Stride: 1},
		{Lo: 0x1FA75, Hi: 0x1FA77, Stride: 1},
		{Lo: 0x1FA87, Hi: 0x1FA88, Stride: 1},
		{Lo: 0x1FAAD, Hi: 0x1FAAF, Stride: 1},
		{Lo: 0x1FABB, Hi: 0x1FABF, Stride: 1},
		{Lo: 0x1FACE, Hi: 0x1FACF, Stride: 1},
		{Lo: 0x1FADA, Hi: 0x1FADB, Stride: 1},
		{Lo: 0x1FAE8, Hi: 0x1FAE8, Stride: 1},
		{Lo: 0x1FAF7, Hi: 0x1FAF8, Stride: 1},
		{Lo: 0x2B739, Hi: 0x2B739, Stride: 1},
		{Lo: 0x31350, Hi: 0x323AF, Stride: 1},
	},
}

// escapeInvalid writes each byte that is not UTF-8 as Inert does (\xNN)
// before unglue drops any rune, so the bytes on either side of a dropped
// rune can never join into a rune of their own (E2 83 + E2 83 A3 + A3
// would otherwise become U+20E3 again once the keycap between is gone).
func escapeInvalid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			writeHexByte(&b, s[i])
			i++
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}
