#!/usr/bin/env bash
# Runs homeplay: builds the clinic server, fills ./homeplay-data with the demo clinic the first time, and serves
# the API on http://127.0.0.1:8080 (HOMEPLAY_BIND to change it) until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust (stable) with rustup first" >&2
  exit 1
fi

data=./homeplay-data
bind="${HOMEPLAY_BIND:-127.0.0.1:8080}"
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
# Always this folder's SQLite file, whatever database the shell's environment may point at.
run() { env -u DATABASE_URL -u HOMEPLAY_CONFIG -u HOMEPLAY_DATA_DIR "$server" --data-dir "$data" "$@"; }

if [ -f "$data/homeplay.db" ]; then
  echo "Using the existing database in $data (delete that folder to start again with fresh demo data)."
else
  RUST_LOG=warn run demo
fi

cat <<EOF

homeplay's clinic server is starting on http://$bind (Ctrl-C stops it).

  Clinic dashboard:  http://$bind/
  API:               http://$bind/api/v1  (OpenAPI document at http://$bind/api/openapi.json)

Sign in as maya@demo.homeplay (OT, clinic admin) or sam@demo.homeplay (PT), password homeplay-demo.
Or use the API directly:

  curl -c cookies.txt -H 'content-type: application/json' \\
       -d '{"email":"maya@demo.homeplay","password":"homeplay-demo"}' http://$bind/api/v1/auth/login
  curl -b cookies.txt http://$bind/api/v1/overview
  curl -b cookies.txt http://$bind/api/v1/children/CHILD_ID/adherence

EOF
exec env -u DATABASE_URL -u HOMEPLAY_CONFIG -u HOMEPLAY_DATA_DIR -u HOMEPLAY_UI_DIR "$server" --data-dir "$data" serve --bind "$bind" \
  --ui-dir ui/dist
