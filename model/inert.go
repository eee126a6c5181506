package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Labels, friendly names and anything else that whoever created a call chose
// reach the operator's terminal. A label holding ESC ] 52 could write the
// operator's clipboard, one holding U+202E could make "agent-7" read as
// "7-tnega", and a zero-width space makes two labels that look alike differ.
// Inert turns every such character into visible text so the terminal never
// interprets it and the operator sees it was there.

// Ellipsis ends a string that InertN cut short.
const Ellipsis = "…"

// Inert returns s with every character a terminal could interpret, or that a
// reader could not see, replaced by a visible stand-in:
//
//   - C0 controls and DEL become their Control Pictures (ESC is ␛, BEL is ␇),
//     so an escape sequence (CSI, OSC, DCS, APC, ...) loses its introducer and
//     shows as plain text;
//   - C1 controls (U+0080-U+009F), bidirectional controls, zero-width
//     characters and other invisible format characters become <U+XXXX>;
//   - bytes that are not valid UTF-8 become \xNN.
//
// Everything else, including CJK, accents and emoji, is kept. Text with
// nothing to replace is returned as is, without allocating. The output is
// valid UTF-8 and Inert(Inert(s)) == Inert(s). Time is linear in len(s); use
// InertN when s may be long.
func Inert(s string) string {
	return inert(s, -1)
}

// InertN is Inert with the result capped at max runes: a longer result is cut
// and ends in Ellipsis, and the input past the cut is never read, so a label
// of a million characters costs no more than one of max. A stand-in such as
// <U+202E> is never split. A max below 1 gives "".
func InertN(s string, max int) string {
	if max < 1 {
		return ""
	}
	return inert(s, max)
}

// inert does the work of Inert (max < 0) and InertN.
func inert(s string, max int) string {
	// Fast path: nothing to replace and short enough.
	clean, runes := scanClean(s, max)
	if clean && (max < 0 || runes <= max) {
		return s
	}

	var b strings.Builder
	if max < 0 || len(s) < max {
		b.Grow(len(s) + len(s)/4 + 16) // room for a few stand-ins
	} else {
		b.Grow(max + 16) // the cut comes after at most max+1 runes of s
	}
	count := 0    // runes written
	cutAt := -1   // byte length of b when count first reached max-1
	var prev rune // the last rune kept as is, for emoji tag sequences
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0x20 && c < 0x7f && (max < 0 || count+1 <= max-1) {
			b.WriteByte(c) // printable ASCII, well inside any cap
			count++
			i++
			prev = rune(c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		invalid := r == utf8.RuneError && size <= 1
		escape := !invalid && needsEscape(r, prev)
		pieceRunes := 1
		switch {
		case invalid:
			pieceRunes = 4 // \xNN
		case escape:
			pieceRunes = standInRunes(r)
		}
		if max >= 0 {
			if cutAt < 0 && count+pieceRunes > max-1 {
				cutAt = b.Len()
			}
			if count+pieceRunes > max {
				return b.String()[:cutAt] + Ellipsis
			}
		}
		switch {
		case invalid:
			writeHexByte(&b, s[i])
			prev = 0
		case escape:
			writeStandIn(&b, r)
			prev = 0
		default:
			b.WriteString(s[i : i+size])
			prev = r
		}
		count += pieceRunes
		i += size
	}
	return b.String()
}

// scanClean reports whether s needs no replacement, and how many runes it
// has; with max >= 0 it stops counting once past max (the count is then
// max+1), so a long clean string is not read to its end.
func scanClean(s string, max int) (clean bool, runes int) {
	var prev rune
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f { // printable ASCII
			i++
			prev = rune(c)
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size <= 1) || needsEscape(r, prev) {
				return false, runes
			}
			i += size
			prev = r
		}
		runes++
		if max >= 0 && runes > max {
			return true, runes
		}
	}
	return true, runes
}

// blackFlag starts the emoji tag sequences (subdivision flags such as
// England's) whose tag characters Inert keeps.
const blackFlag = 0x1F3F4

// needsEscape reports whether r must be replaced. prev is the rune before it
// when that rune was kept as is, or 0.
func needsEscape(r, prev rune) bool {
	switch {
	case r < 0x20 || r == 0x7f: // C0 and DEL
		return true
	case r >= 0x80 && r <= 0x9f: // C1
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators break rows
		return true
	case r >= 0xE0020 && r <= 0xE007F: // tags: kept only inside a flag sequence
		return prev != blackFlag && !(prev >= 0xE0020 && prev <= 0xE007F)
	case unicode.Is(unicode.Cf, r):
		// Format characters are invisible: bidi embeddings, overrides,
		// isolates and marks, zero-width space/joiners, word joiner, BOM,
		// soft hyphen, Arabic letter mark and the like.
		return true
	case r >= 0xFFF9 && r <= 0xFFFB: // interlinear annotation (also Cf; kept explicit)
		return true
	}
	return false
}

// standInRunes is how many runes writeStandIn writes for r.
func standInRunes(r rune) int {
	switch {
	case r < 0x20 || r == 0x7f:
		return 1
	case r > 0xFFFFF:
		return 10
	case r > 0xFFFF:
		return 9
	}
	return 8
}

// writeStandIn writes the visible text for a rune that needsEscape: a
// Control Picture for C0 and DEL, <U+XXXX> (four to six hex digits) for the
// rest.
func writeStandIn(b *strings.Builder, r rune) {
	if r < 0x20 {
		b.WriteRune(0x2400 + r) // ␀ .. ␟
		return
	}
	if r == 0x7f {
		b.WriteRune(0x2421) // ␡
		return
	}
	b.WriteString("<U+")
	digits := standInRunes(r) - 4
	for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>shift)&0xf])
	}
	b.WriteByte('>')
}

const hexDigits = "0123456789ABCDEF"

// writeHexByte renders an invalid UTF-8 byte as \xNN.
func writeHexByte(b *strings.Builder, c byte) {
	b.WriteByte('\\')
	b.WriteByte('x')
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0xf])
}
