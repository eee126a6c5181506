#!/usr/bin/env bash
# Makes the README's screenshots from a real run: the built binary with --demo
# in a tmux terminal, read back with its colours (capture-pane -e), rendered to
# PNG by charmbracelet/freeze. Run from anywhere: bash screenshots/make.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work=$(mktemp -d)
sock="$work/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

command -v tmux >/dev/null || { echo "make.sh needs tmux (apt-get install tmux)" >&2; exit 1; }
freeze=$(command -v freeze || true)
if [ -z "$freeze" ]; then
  GOBIN="$work/bin" go install github.com/charmbracelet/freeze@v0.2.2
  freeze="$work/bin/freeze"
fi

(cd "$root" && go build -o "$work/confconsole" .)

t() { tmux -S "$sock" "$@"; }
wait_for() { # wait_for PATTERN: until the screen shows it (20 s at most)
  for _ in $(seq 200); do
    t capture-pane -p -t shot | grep -q -- "$1" && return 0
    sleep 0.1
  done
  echo "make.sh: the screen never showed '$1':" >&2; t capture-pane -p -t shot >&2; exit 1
}
shoot() { # shoot NAME: the pane, with colours, as screenshots/NAME.png
  t capture-pane -e -p -t shot > "$work/$1.ansi"
  "$freeze" "$work/$1.ansi" --language ansi --window --padding 20 --font.size 14 \
    --output "$here/$1.png" >/dev/null
  echo "wrote screenshots/$1.png"
}

t -f /dev/null new-session -d -s shot -x 120 -y 32 \
  -e TERM=xterm-256color -e COLORTERM=truecolor -e NO_COLOR= \
  "$work/confconsole --demo --theme dark --audit-log -"
wait_for "in-progress"
sleep 1

t send-keys -t shot Down Down Enter
wait_for "connected"
sleep 8   # let the demo's callers come and go a little
t send-keys -t shot Down
sleep 0.5
shoot participants
t send-keys -t shot e
sleep 2
shoot events
t send-keys -t shot e '?'
sleep 0.5
shoot help
