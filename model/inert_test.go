package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestInert(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ascii", "agent-7", "agent-7"},
		{"empty", "", ""},
		{"accents", "Zoë Saldaña, Ångström", "Zoë Saldaña, Ångström"},
		{"cjk", "客服 田中さん 상담원", "客服 田中さん 상담원"},
		{"emoji", "🎧 support 👍🏽 ☎️", "🎧 support 👍🏽 ☎️"},
		{"combining accent", "e\u0301", "e\u0301"},
		{"england flag keeps its tags", "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
			"\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"},
		{"stray tag characters", "a\U000E0041b", "a<U+E0041>b"},
		{"csi colour", "\x1b[31mred\x1b[0m", "␛[31mred␛[0m"},
		{"csi clear screen", "\x1b[2J\x1b[H", "␛[2J␛[H"},
		{"osc window title with BEL", "\x1b]0;pwned\x07", "␛]0;pwned␇"},
		{"osc 52 clipboard with ST", "\x1b]52;c;cm0gLXJmIH4=\x1b\\", "␛]52;c;cm0gLXJmIH4=␛\\"},
		{"osc 8 hyperlink", "\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\", "␛]8;;http://evil␛\\x␛]8;;␛\\"},
		{"dcs", "\x1bP1$qm\x1b\\", "␛P1$qm␛\\"},
		{"apc", "\x1b_Gf=100;AAAA\x1b\\", "␛_Gf=100;AAAA␛\\"},
		{"nul tab newline cr", "a\x00b\tc\nd\re", "a␀b␉c␊d␍e"},
		{"backspace overwrite", "admin\b\b\b\b\bguest", "admin␈␈␈␈␈guest"},
		{"del", "a\x7fb", "a␡b"},
		{"c1 csi as a rune", "a\u009b31mb", "a<U+009B>31mb"},
		{"c1 nel and osc", "\u0085\u009d", "<U+0085><U+009D>"},
		{"c1 csi as a raw byte", "a\x9b31m", `a\x9B31m`},
		{"invalid utf8", "ok\xff\xfe", `ok\xFF\xFE`},
		{"truncated utf8", "caf\xc3", `caf\xC3`},
		{"overlong encoding", "\xc0\xaf", `\xC0\xAF`},
		{"surrogate half", "\xed\xa0\x80", `\xED\xA0\x80`},
		{"rlo override", "agent-\u202e7-tnega", "agent-<U+202E>7-tnega"},
		{"lre rle pdf lro", "\u202a\u202b\u202c\u202d", "<U+202A><U+202B><U+202C><U+202D>"},
		{"isolates", "\u2066a\u2067b\u2068c\u2069", "<U+2066>a<U+2067>b<U+2068>c<U+2069>"},
		{"lrm rlm alm", "\u200e\u200f\u061c", "<U+200E><U+200F><U+061C>"},
		{"zero width", "a\u200bb\u200cc\u200dd\u2060e\ufefff", "a<U+200B>b<U+200C>c<U+200D>d<U+2060>e<U+FEFF>f"},
		{"soft hyphen", "adm\u00adin", "adm<U+00AD>in"},
		{"line separators", "a\u2028b\u2029c", "a<U+2028>b<U+2029>c"},
		{"replacement char itself is text", "\ufffd", "\ufffd"},
		{"stand-ins are plain text", "␛[31m <U+202E> \\x1b", "␛[31m <U+202E> \\x1b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Inert(tt.in)
			if got != tt.want {
				t.Errorf("Inert(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Inert(got); again != got {
				t.Errorf("Inert not idempotent: Inert(%q) = %q", got, again)
			}
		})
	}
}

func TestInertN(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "agent-7", 7, "agent-7"},
		{"fits with room", "agent-7", 100, "agent-7"},
		{"cut", "agent-7", 5, "agen…"},
		{"cut cjk by rune", "客服田中さん", 4, "客服田…"},
		{"max one", "agent", 1, "…"},
		{"max zero", "agent", 0, ""},
		{"negative max", "agent", -3, ""},
		{"escape fits exactly", "a\u202e", 9, "a<U+202E>"},
		{"escape not split", "ab\u202ecd", 8, "ab…"},
		{"control picture counts one", "\x1b[31m", 5, "␛[31m"},
		{"escaped and cut", "\x1b[31mred", 6, "␛[31m…"},
		{"invalid byte not split", "ab\xffcd", 5, "ab…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := InertN(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("InertN(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); tt.max >= 0 && n > tt.max {
				t.Errorf("InertN(%q, %d) has %d runes", tt.in, tt.max, n)
			}
			if again := InertN(got, tt.max); again != got {
				t.Errorf("InertN not idempotent: %q -> %q", got, again)
			}
		})
	}
}

// A clean label is returned as is: the table calls Inert for every cell on
// every frame, so the common case must not allocate.
func TestInertCleanDoesNotAllocate(t *testing.T) {
	for _, s := range []string{"agent-7", "客服 田中さん 👍🏽", strings.Repeat("x", 10000)} {
		if n := testing.AllocsPerRun(100, func() { _ = Inert(s) }); n != 0 {
			t.Errorf("Inert(%.20q...) allocates %v times, want 0", s, n)
		}
		if n := testing.AllocsPerRun(100, func() { _ = InertN(s, 20000) }); n != 0 {
			t.Errorf("InertN(%.20q..., 20000) allocates %v times, want 0", s, n)
		}
	}
}

// InertN reads no more of its input than the cap needs: the bytes it builds
// do not depend on how long the input is beyond the cap.
func TestInertNBoundedByCap(t *testing.T) {
	short := strings.Repeat("\x1b", 200)
	long := strings.Repeat("\x1b", 1_000_000)
	measure := func(s string) float64 {
		return testing.AllocsPerRun(20, func() { _ = InertN(s, 64) })
	}
	if a, b := measure(short), measure(long); a != b {
		t.Errorf("InertN allocations depend on input length: %v for 200 bytes, %v for 1e6", a, b)
	}
	got := InertN(long, 64)
	if n := utf8.RuneCountInString(got); n > 64 {
		t.Errorf("InertN(1e6 ESC, 64) has %d runes", n)
	}
}

// forbidden reports the first rune of s a terminal could interpret or a
// reader could not see.
func forbidden(s string) (rune, bool) {
	var prev rune
	for _, r := range s {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
			r == 0x200e, r == 0x200f, r == 0x061c,
			r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff,
			r == 0x2028, r == 0x2029:
			return r, true
		case r >= 0xE0020 && r <= 0xE007F:
			if prev != blackFlag && !(prev >= 0xE0020 && prev <= 0xE007F) {
				return r, true
			}
		}
		prev = r
	}
	return 0, false
}

func FuzzInert(f *testing.F) {
	for _, s := range []string{
		"agent-7", "\x1b]52;c;AAAA\x07", "\x1b[2J", "\u202eabc", "\xff\xfe", "客服👍🏽",
		"\U0001F3F4\U000E0067\U000E007F", "a\u200db", "\u009b", "\x1bP\x1b\\",
	} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		out := Inert(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Inert(%q) = %q is not valid UTF-8", s, out)
		}
		if r, bad := forbidden(out); bad {
			t.Fatalf("Inert(%q) = %q still holds %U", s, out, r)
		}
		if strings.ContainsRune(out, utf8.RuneError) && !strings.ContainsRune(s, utf8.RuneError) {
			t.Fatalf("Inert(%q) = %q made up a replacement character", s, out)
		}
		if again := Inert(out); again != out {
			t.Fatalf("Inert not idempotent on %q: %q then %q", s, out, again)
		}
		if utf8.ValidString(s) {
			if _, bad := forbidden(s); !bad && out != s && !strings.ContainsFunc(s, func(r rune) bool { return needsEscape(r, 0) }) {
				t.Fatalf("Inert changed harmless %q into %q", s, out)
			}
		}
		max = max%200 + 1
		if max < 1 {
			max = -max + 1
		}
		cut := InertN(s, max)
		if n := utf8.RuneCountInString(cut); n > max {
			t.Fatalf("InertN(%q, %d) = %q has %d runes", s, max, cut, n)
		}
		if r, bad := forbidden(cut); bad || !utf8.ValidString(cut) {
			t.Fatalf("InertN(%q, %d) = %q is not inert (%U)", s, max, cut, r)
		}
		if !strings.HasSuffix(cut, Ellipsis) && cut != out {
			t.Fatalf("InertN(%q, %d) = %q, neither whole (%q) nor cut", s, max, cut, out)
		}
		if strings.HasSuffix(cut, Ellipsis) && cut != out && !strings.HasPrefix(out, strings.TrimSuffix(cut, Ellipsis)) {
			t.Fatalf("InertN(%q, %d) = %q is not a prefix of %q", s, max, cut, out)
		}
	})
}

func BenchmarkInert(b *testing.B) {
	cases := []struct {
		name string
		s    string
	}{
		{"clean-16", "agent-7 (night)"},
		{"clean-10k", strings.Repeat("agent ", 10000/6)},
		{"hostile-10k", strings.Repeat("\x1b]52;c;\u202e\u200b\xff", 10000/16)},
		{"hostile-1M", strings.Repeat("\x1b]52;c;\u202e\u200b\xff", 1_000_000/16)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.s)))
			for b.Loop() {
				_ = Inert(c.s)
			}
		})
		b.Run(c.name+"-cap64", func(b *testing.B) {
			for b.Loop() {
				_ = InertN(c.s, 64)
			}
		})
	}
}
