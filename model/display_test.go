package model

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
	"github.com/rivo/uniseg"
)

// WidthCorpus is text whose width terminals disagree on, one sample of each
// kind the issue names and a few more.
var widthCorpus = []string{
	strings.Repeat("👍🏽", 12),              // skin tones
	"🧑🏻‍💻 dev", "👨‍👩‍👧‍👦", "🏳️‍🌈", "❤️‍🔥", // ZWJ sequences
	"❤️ team", "☎️ desk", "✔️", "✈︎", // VS16, VS15
	"1️⃣ first", "#️⃣", "*️⃣", // keycaps
	"🇫🇷 Paris", "🇺🇸🇬🇧", "🇺", "🇺🇸🇬", // flags, a lone indicator
	"🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", // England, tag sequence
	"राहुल शर्मा", "कि", "தமிழ்",                                    // spacing marks
	"가각", "\u1100\u1161\u11A8\u1100", // Hangul syllables and conjoining jamo
	"e\u0301 café", "\u0301lead", "ת\u05b7", // combining marks
	"\ue000 pua", "\U0001F6DC wireless", "\u2630 trigram", "\u3248", // private use, new, disputed
	"客服 田中さん", "Zoë, Ωμέγα, Жанна", "★ ✓ → ♥", // agreed text stays
	"agent-\u202e7", "a\u200db", "\x1b[31mred", // hostile text stays inert
}

func TestDisplay(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ascii", "agent-7", "agent-7"},
		{"empty", "", ""},
		{"accents and cjk stay", "Zoë 客服 상담원", "Zoë 客服 상담원"},
		{"skin tone dropped", "👍🏽👍🏽", "👍👍"},
		{"vs16 dropped", "❤️ ☎️", "❤ ☎"},
		{"vs15 dropped", "✈︎", "✈"},
		{"keycap shows the key", "1️⃣ #️⃣", "1 #"},
		{"zwj sequence shows its parts", "🧑🏻‍💻", "🧑💻"},
		{"family", "👨‍👩‍👧", "👨👩👧"},
		{"flag as letters", "🇫🇷 Paris", "[FR] Paris"},
		{"two flags", "🇺🇸🇬🇧", "[US][GB]"},
		{"lone regional indicator", "x🇺", "x[U]"},
		{"subdivision flag loses its tags", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "🏴"},
		{"zwj between letters stays visible", "a\u200db", "a<U+200D>b"},
		{"controls stay inert", "\x1b[31mred", "␛[31mred"},
		{"bidi stays inert", "agent-\u202e7", "agent-<U+202E>7"},
		{"combining accent agreed", "e\u0301", "e\u0301"},
		{"spacing mark dropped, letter kept", "कि", "क"},
		{"lone mark dropped", "\u0301x", "x"},
		{"private use", "a\ue000b", "a?b"},
		{"new in unicode 15", "\U0001F6DC", "?"},
		{"hangul conjoining jamo", "\u1100\u1161", "\u1100"},
		{"jamo that join after a cut", "\u1100\u1161\u1100", "\u1100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Display(tt.in); got != tt.want {
				t.Errorf("Display(%q) = %q (%+q), want %q", tt.in, got, got, tt.want)
			}
		})
	}
}

// TestDisplayWidthsAgree holds the promise: what the layout measures (per
// grapheme cluster, as lipgloss and x/ansi do) is what a terminal that
// counts per code point draws.
func TestDisplayWidthsAgree(t *testing.T) {
	for _, s := range widthCorpus {
		out := Display(s)
		if a, w, c, u := widths(out); a != w || w != c || c != u {
			t.Errorf("Display(%q) = %q: ansi %d, per code point %d (C library %d), uniseg %d", s, out, a, w, c, u)
		}
		if r, bad := disputedRune(out); bad {
			t.Errorf("Display(%q) = %q still holds %U", s, out, r)
		}
	}
}

// TestDisplayWidthsDisagreeWithoutIt checks that the measures would catch a
// Display that did nothing. (Flags are not here: these tables count a flag
// two cells every way, but terminals that draw each indicator wide do not.)
func TestDisplayWidthsDisagreeWithoutIt(t *testing.T) {
	for _, s := range []string{strings.Repeat("👍🏽", 12), "🧑🏻‍💻", "❤️", "1️⃣", "कि"} {
		in := Inert(s)
		if a, w, c, u := widths(in); a == w && w == c && c == u {
			t.Errorf("%q: widths agree (%d) before Display; the corpus tests nothing", s, a)
		}
	}
}

// TestDisplayEveryCodePoint tries each code point alone and next to the
// characters it could join: after a letter, after an emoji, before a
// letter. Planes 4 to 13 (unassigned) and 15 and 16 (private use) hold
// nothing but one kind each, so one code point in 256 stands for them.
func TestDisplayEveryCodePoint(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if (r >= 0x40000 && r < 0xE0000 || r >= 0xF0000) && r&0xFF != 0 {
			continue
		}
		c := string(r)
		for _, s := range [...]string{c, "a" + c, "👍" + c, c + "a", "क" + c} {
			out := Display(s)
			if a, w, c, u := widths(out); a != w || w != c || c != u {
				t.Fatalf("Display(%+q) = %+q: ansi %d, per code point %d (C library %d), uniseg %d", s, out, a, w, c, u)
			}
			if r, bad := disputedRune(out); bad {
				t.Fatalf("Display(%+q) = %+q still holds %U", s, out, r)
			}
		}
	}
}

func TestDisplayN(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"agent-7", 10, "agent-7"},
		{"agent-7", 5, "agen…"},
		{strings.Repeat("👍🏽", 12), 5, "👍👍👍👍…"},
		{"🇫🇷🇩🇪", 5, "[FR]…"},
		{"a\u202eb", 5, "a…"},
		{"x", 0, ""},
		{strings.Repeat("😀", 1<<20), 3, "😀😀…"},
	}
	for _, tt := range tests {
		if got := DisplayN(tt.in, tt.max); got != tt.want {
			t.Errorf("DisplayN(%.20q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func FuzzDisplay(f *testing.F) {
	for _, s := range widthCorpus {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		out := Display(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Display(%+q) = %+q is not valid UTF-8", s, out)
		}
		if r, bad := disputedRune(out); bad {
			t.Fatalf("Display(%+q) = %+q still holds %U", s, out, r)
		}
		if r, bad := forbidden(out); bad {
			t.Fatalf("Display(%+q) = %+q is not inert: %U", s, out, r)
		}
		if a, w, c, u := widths(out); a != w || w != c || c != u {
			t.Fatalf("Display(%+q) = %+q: ansi %d, per code point %d (C library %d), uniseg %d", s, out, a, w, c, u)
		}
		if again := Display(out); again != out {
			t.Fatalf("Display not idempotent on %+q: %+q then %+q", s, out, again)
		}
		max = max%200 + 1
		if max < 1 {
			max = -max + 1
		}
		cut := DisplayN(s, max)
		if n := utf8.RuneCountInString(cut); n > max {
			t.Fatalf("DisplayN(%+q, %d) = %+q has %d runes", s, max, cut, n)
		}
		if a, w, c, u := widths(cut); a != w || w != c || c != u {
			t.Fatalf("DisplayN(%+q, %d) = %+q: ansi %d, per code point %d (C library %d), uniseg %d", s, max, cut, a, w, c, u)
		}
		if r, bad := disputedRune(cut); bad {
			t.Fatalf("DisplayN(%+q, %d) = %+q still holds %U", s, max, cut, r)
		}
	})
}

// widths measures s four ways: per grapheme cluster as the layout does
// (x/ansi); per code point as wcwidth terminals do, by go-runewidth's table
// and by the C library's rule that variation selectors and other
// non-spacing marks take no cell; and per cluster by uniseg (lipgloss's
// borders).
func widths(s string) (layout, perCodePoint, cLibrary, uni int) {
	cond := runewidth.Condition{StrictEmojiNeutral: true}
	for _, r := range s {
		w := cond.RuneWidth(r)
		perCodePoint += w
		if !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			cLibrary += w
		}
	}
	return ansi.StringWidth(s), perCodePoint, cLibrary, uniseg.StringWidth(s)
}

// disputedRune finds a code point Display promises to leave out.
func disputedRune(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case isEmojiModifier(r), isRegional(r), r == zwj:
			return r, true
		case r >= 0xFE00 && r <= 0xFE0F, r == 0x20E3, r >= 0x1F3FB && r <= 0x1F3FF:
			return r, true
		case unicode.In(r, unicode.Co, unicode.Cc, unicode.Cf, unicode.Cs):
			return r, true
		case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs):
			return r, true // unassigned
		case unicode.Is(disputed, r):
			return r, true
		}
	}
	return 0, false
}

func BenchmarkDisplay(b *testing.B) {
	cases := []struct{ name, s string }{
		{"ascii", "agent-7 support desk"},
		{"cjk", "客服 田中さん 상담원"},
		{"emoji agreed", "🎧 support ★ ✓"},
		{"skin tones", strings.Repeat("👍🏽", 12)},
		{"zwj", "🧑🏻‍💻 dev 👨‍👩‍👧‍👦"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				DisplayN(c.s, 64)
			}
		})
	}
}
