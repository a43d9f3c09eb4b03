#!/usr/bin/env bash
# Takes a screenshot of the real Kathode window on the demo project under Xvfb.
# Needs Debian's xvfb, xdotool and imagemagick. Usage: bash docs/screenshot.sh [OUT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshot.png}
display=:${KATHODE_SCREEN:-97}
home=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT

Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=$display XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config
export QT_QPA_PLATFORM=xcb
sleep 1
uv run main.py --annotator "${KATHODE_ANNOTATOR:-demo}" "${@:2}" >/dev/null 2>&1 &
app=$!
for _ in $(seq 1 60); do
    window=$(xdotool search --name "^Kathode" 2>/dev/null | head -n 1) && [ -n "$window" ] && break
    sleep 0.5
done
[ -n "${window:-}" ] || { echo "the Kathode window did not appear" >&2; exit 1; }
xdotool windowsize "$window" 1400 900 windowmove "$window" 0 0
xdotool windowfocus --sync "$window"
sleep "${KATHODE_SETTLE:-8}"  # suggestions arrive from the background process
# Confirm a few suggestions, as an annotator would, so both kinds of marks show.
for keys in "Tab Return" "Tab Return" "Tab Tab Return" "Tab"; do
    xdotool key --delay 150 $keys
    sleep 0.4
done
import -window root "$out"
echo "$out"
