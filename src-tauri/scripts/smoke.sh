#!/usr/bin/env bash
# Starts the built family app in a private Xvfb display with a fresh data folder, waits for its window, saves a
# screenshot of the first-run screen and stops it. Usage: bash src-tauri/scripts/smoke.sh [binary] [out.png]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/debug/homeplay-app}
out=${2:-artifacts/family-first-run.png}
mkdir -p "$(dirname "$out")"
data=$(mktemp -d)
display=:$((90 + RANDOM % 400))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=
cleanup() {
  [ -n "$app" ] && kill -- "-$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 50); do DISPLAY=$display xwininfo -root >/dev/null 2>&1 && break; sleep 0.1; done
# Its own session, so stopping it stops the bus and the WebKit processes with it.
DISPLAY=$display HOMEPLAY_DATA_DIR=$data setsid dbus-run-session -- "$bin" &
app=$!
# The window is up when X knows a window named "homeplay"; then give the page a moment to draw.
for _ in $(seq 150); do
  if DISPLAY=$display xwininfo -root -tree 2>/dev/null | grep -q '"homeplay"'; then break; fi
  kill -0 "$app" 2>/dev/null || { echo "the app exited before showing its window" >&2; exit 1; }
  sleep 0.2
done
DISPLAY=$display xwininfo -root -tree | grep -q '"homeplay"' || { echo "no homeplay window after 30 s" >&2; exit 1; }
sleep 3
DISPLAY=$display import -window root "$out"
[ -f "$data/homeplay-device.db" ] || { echo "the app did not open its data in HOMEPLAY_DATA_DIR" >&2; exit 1; }
echo "homeplay window up; screenshot in $out"
