#!/usr/bin/env bash
# Runs homeplay: builds the clinic server, fills ./homeplay-data with the demo clinic the first time, and serves
# the API and dashboard on http://127.0.0.1:8080 (HOMEPLAY_BIND to change it) until Ctrl-C. With a display
# ($DISPLAY or $WAYLAND_DISPLAY) it also builds the family desktop app and opens it, paired with the demo clinic
# as Leo's family (its data in ./homeplay-data/family); Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust (stable) with rustup first" >&2
  exit 1
fi

data=./homeplay-data
family="$PWD/homeplay-data/family"
bind="${HOMEPLAY_BIND:-127.0.0.1:8080}"
with_app=
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then with_app=1; fi
if [ -n "$with_app" ]; then
  # The family app builds against WebKitGTK (Tauri 2): the same packages scripts/test.sh installs.
  need_apt=()
  for pkg in libwebkit2gtk-4.1-dev build-essential libssl-dev libayatana-appindicator3-dev librsvg2-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
  done
  if [ ${#need_apt[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
  elif [ ${#need_apt[@]} -gt 0 ]; then
    echo "The family app needs: sudo apt-get install ${need_apt[*]}; serving without it for now." >&2
    with_app=
  fi
fi
# The debug build shares its compiled dependencies with scripts/test.sh, so it is quick after the tests, and
# it is fast enough for a demo.
echo "Building the clinic server (the first build takes a few minutes)…"
cargo build --locked -p homeplay-server
server=target/debug/homeplay-server

echo "Building the clinic dashboard (ui/)…"
if ! command -v npm >/dev/null; then
  echo "npm is missing: install Node.js 20+ and npm (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi
(cd ui && npm ci --no-audit --no-fund --silent && npm run build --silent)
if [ -n "$with_app" ]; then
  echo "Building the family app (its screens, then the app around them; the first build takes a few minutes)…"
  (cd ui && npx vite build --config family/vite.config.ts --logLevel warn)
  if ! cargo build --locked -p homeplay-app; then
    echo "The family app did not build (Debian needs libwebkit2gtk-4.1-dev and friends: see scripts/test.sh)." >&2
    exit 1
  fi
fi
# Always this folder's SQLite file, whatever database the shell's environment may point at.
run() { env -u DATABASE_URL -u HOMEPLAY_CONFIG -u HOMEPLAY_DATA_DIR "$server" --data-dir "$data" "$@"; }

if [ -f "$data/homeplay.db" ]; then
  echo "Using the existing database in $data (delete that folder to start again with fresh demo data)."
else
  RUST_LOG=warn run demo
fi

# The family web app for phones is served by the same server at /family/. A phone reaches this machine only when
# the server listens beyond loopback (HOMEPLAY_BIND=0.0.0.0:8080), at this machine's address on the network.
port="${bind##*:}"
case "${bind%:*}" in
  0.0.0.0 | '[::]' | '::') here="127.0.0.1:$port"; lan=$(hostname -I 2>/dev/null | awk '{print $1}') ;;
  *) here="$bind"; lan= ;;
esac
phone_link=
if code=$(RUST_LOG=warn run pairing-code --child Leo --therapist maya@demo.homeplay 2>/dev/null); then
  phone_host="${lan:+$lan:$port}"
  phone_link="http://${phone_host:-$here}/family/#pair=$code"
fi

cat <<EOF

homeplay's clinic server is starting on http://$bind (Ctrl-C stops it).

  Clinic dashboard:  http://$here/
  Family phone app:  http://$here/family/  (the dashboard's "Pairing code" shows each family's link and QR code)
  API:               http://$here/api/v1  (OpenAPI document at http://$here/api/openapi.json)
EOF
if [ -n "$phone_link" ]; then
  cat <<EOF

Pair a phone or a browser tab as the demo child Leo's family (the link works once):
  $phone_link
EOF
fi
if [ -n "$lan" ]; then
  cat <<EOF

Phones on this network reach the server at http://$lan:$port/ (the dashboard's links use the address you opened
it with: open the dashboard at http://$lan:$port/ for links a phone can follow).
EOF
else
  cat <<EOF

From a phone on the same network: start with HOMEPLAY_BIND=0.0.0.0:8080 scripts/run.sh, and use this machine's
network address instead of 127.0.0.1.
EOF
fi
cat <<EOF

A phone installs the app and keeps working offline only over HTTPS (plain http works on localhost alone): for real
phones, put the server behind a TLS proxy with a certificate the phones trust.

Sign in as maya@demo.homeplay (OT, clinic admin) or sam@demo.homeplay (PT), password homeplay-demo.
Or use the API directly:

  curl -c cookies.txt -H 'content-type: application/json' \\
       -d '{"email":"maya@demo.homeplay","password":"homeplay-demo"}' http://$bind/api/v1/auth/login
  curl -b cookies.txt http://$bind/api/v1/overview
  curl -b cookies.txt http://$bind/api/v1/children/CHILD_ID/adherence

EOF
serve=(env -u DATABASE_URL -u HOMEPLAY_CONFIG -u HOMEPLAY_DATA_DIR -u HOMEPLAY_UI_DIR "$server" --data-dir "$data" serve
  --bind "$bind" --ui-dir ui/dist)
if [ -z "$with_app" ]; then
  exec "${serve[@]}"
fi

# With a display: the server in the background, then the app. Background jobs of a script ignore Ctrl-C, so
# the script passes it on to both.
server_pid=
app_pid=
stop() {
  trap - EXIT INT TERM
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM
"${serve[@]}" &
server_pid=$!

# GET /healthz over bash's own /dev/tcp: no curl needed.
healthy() {
  local line
  { exec 3<>"/dev/tcp/${bind%:*}/${bind##*:}"; } 2>/dev/null || return 1
  printf 'GET /healthz HTTP/1.0\r\nHost: %s\r\n\r\n' "$bind" >&3
  IFS= read -r -t 5 line <&3 || line=
  exec 3<&- 3>&-
  [[ $line == "HTTP/"*" 200"* ]]
}
for _ in $(seq 300); do
  healthy && break
  kill -0 "$server_pid" 2>/dev/null || { echo "the clinic server stopped (is $bind taken?)" >&2; exit 1; }
  sleep 0.1
done
healthy || { echo "the clinic server did not answer on http://$bind/healthz within 30 s" >&2; exit 1; }

# Whether the family's data folder is already paired: the device keeps its pairing in its SQLite settings.
paired() {
  local db="$family/homeplay-device.db" q="SELECT count(*) FROM settings WHERE key = 'device_id'" n
  [ -f "$db" ] || return 1
  if command -v sqlite3 >/dev/null; then
    n=$(sqlite3 "$db" "$q" 2>/dev/null) || n=0
  elif command -v python3 >/dev/null; then
    n=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
      "$db" "$q" 2>/dev/null) || n=0
  else
    n=1 # Cannot look inside: the app shows its pairing screen if it is not paired after all.
  fi
  [ "${n:-0}" -gt 0 ]
}
mkdir -p "$family"
pairing=()
if paired; then
  echo "The family app in $family is already paired."
elif code=$(RUST_LOG=warn run pairing-code --child Leo --therapist maya@demo.homeplay); then
  pairing=(HOMEPLAY_PAIR_URL="http://$bind" HOMEPLAY_PAIR_CODE="$code" HOMEPLAY_CAREGIVER="Mum"
    HOMEPLAY_DEVICE_NAME="This computer")
  echo "The family app pairs itself with the demo clinic as Leo's family."
else
  echo "No pairing code for the demo child Leo (is this the demo clinic?): the app opens on its pairing screen." >&2
fi
env HOMEPLAY_DATA_DIR="$family" "${pairing[@]}" target/debug/homeplay-app &
app_pid=$!
echo "The family app is open (its data in $family). Ctrl-C stops the app and the server."
wait "$server_pid"
