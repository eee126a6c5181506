package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"confconsole/api/sim"
	"confconsole/ui"
	"confconsole/ui/config"
)

var updateREADME = flag.Bool("update", false, "rewrite the generated sections of README.md")

// TestREADME fails when the README's generated tables drift from the code
// they describe: the key table from the key map, the flag table from the
// flag set.
func TestREADME(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	sections := map[string]string{
		"keys":    ui.KeyTable(defaultKeyMap()),
		"flags":   flagTable(),
		"actions": actionNames(),
	}
	updated := readme
	for name, want := range sections {
		start, end, err := section(updated, name)
		if err != nil {
			t.Fatal(err)
		}
		if got := updated[start:end]; got != want {
			if !*updateREADME {
				t.Errorf("README.md's %s table differs from the code; run `go test -run TestREADME . -update`.\nREADME:\n%s\ncode:\n%s", name, got, want)
				continue
			}
			updated = updated[:start] + want + updated[end:]
		}
	}
	if *updateREADME && updated != readme {
		if err := os.WriteFile("README.md", []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// section finds what stands between <!-- name:begin --> and <!-- name:end -->
// and returns its byte offsets.
func section(doc, name string) (start, end int, err error) {
	begin, stop := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	i := strings.Index(doc, begin)
	j := strings.Index(doc, stop)
	if i < 0 || j < i+len(begin) {
		return 0, 0, fmt.Errorf("README.md has no %q ... %q markers", begin, stop)
	}
	return i + len(begin), j, nil
}

// actionNames is the sentence that lists the names [keys] accepts,
// wrapped as the rest of the README is.
func actionNames() string {
	km := defaultKeyMap()
	var names []string
	for _, a := range config.Actions(&km) {
		names = append(names, "`"+a.Name+"`")
	}
	last := len(names) - 1
	sentence := "The action names for `[keys]` are " + strings.Join(names[:last], ", ") + " and " + names[last] + "."
	var b strings.Builder
	width := 0
	for i, w := range strings.Fields(sentence) {
		switch {
		case i == 0:
		case width+1+len(w) > 100:
			b.WriteByte('\n')
			width = 0
		default:
			b.WriteByte(' ')
			width++
		}
		b.WriteString(w)
		width += len(w)
	}
	return b.String() + "\n"
}

// flagTable renders the console's flags as a Markdown table.
func flagTable() string {
	var o options
	fs := newFlagSet(&o)
	var b strings.Builder
	b.WriteString("| flag | default | meaning |\n| --- | --- | --- |\n")
	fs.VisitAll(func(f *flag.Flag) {
		def := f.DefValue
		if def == "" || def == "false" {
			def = ""
		} else {
			def = "`" + def + "`"
		}
		_, usage := flag.UnquoteUsage(f) // without the placeholder's backquotes
		fmt.Fprintf(&b, "| `--%s` | %s | %s |\n", f.Name, def, strings.ReplaceAll(usage, "|", "\\|"))
	})
	return b.String()
}

// TestREADMECurlExample runs the README's curl example against the
// simulator, so the example a reader copies keeps working.
func TestREADMECurlExample(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	start, end, err := section(string(raw), "curl")
	if err != nil {
		t.Fatal(err)
	}
	script := strings.TrimSuffix(strings.TrimPrefix(string(raw[start:end]), "```sh\n"), "```\n")
	var lines []string
	for _, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(line, "export SIM=") {
			continue // the test sets these itself
		}
		lines = append(lines, line)
	}

	accountSID, token := sim.NewSID("AC"), sim.NewAuthToken()
	srv := sim.New()
	if err := srv.AddAccount(accountSID, token); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	cmd := exec.Command("sh", "-e", "-c", strings.Join(lines, "\n"))
	cmd.Env = append(os.Environ(), "SIM="+hs.URL, "ACCOUNT_SID="+accountSID, "AUTH_TOKEN="+token)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's curl example failed: %v\n%s", err, out)
	}
	// The answers are JSON documents one after another; the last is the
	// participant, now muted.
	var p struct {
		Label string `json:"label"`
		Muted bool   `json:"muted"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("the example printed something that is not JSON: %v\n%s", err, out)
		}
	}
	if p.Label != "agent-7" || !p.Muted {
		t.Errorf("after the example agent-7 is %+v, want muted", p)
	}
}
