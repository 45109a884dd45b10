#!/usr/bin/env bash
# A bounded fuzz of the clinic server's HTTP API, driven by its own OpenAPI document: schemathesis sends
# generated requests (valid and invalid) to every operation, twice (as a signed-in clinic admin, with the
# session cookie and X-CSRF-Token, and as a paired device, with its bearer token), and checks that no
# answer is a server error and that every answer matches its documented schema.
#
# Runs the debug server binary (`cargo build -p homeplay-server` first) on a fresh SQLite database in a
# temporary directory, on loopback. The only network use is installing the pinned schemathesis from PyPI
# into target/fuzz-venv, once. Ends with one `test result:` line for scripts/test.sh's closing count.
#
# Knobs (environment): HOMEPLAY_SERVER_BIN (default target/debug/homeplay-server), HOMEPLAY_FUZZ_EXAMPLES
# (test cases per operation and phase, default 25), HOMEPLAY_FUZZ_SEED (default fixed, so that a run is
# reproducible; set it to another number to explore), HOMEPLAY_FUZZ_WORKERS (default 1: Hypothesis describes
# strategies with the `ast` module, and Debian's Python 3.11 before 3.11.8 is not thread-safe there
# (CPython gh-106905, "AST constructor recursion depth mismatch"), so two workers failed a run at random).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

bin=${HOMEPLAY_SERVER_BIN:-$root/target/debug/homeplay-server}
venv=$root/target/fuzz-venv
examples=${HOMEPLAY_FUZZ_EXAMPLES:-25}
seed=${HOMEPLAY_FUZZ_SEED:-20261204}
workers=${HOMEPLAY_FUZZ_WORKERS:-1}

summary() { echo "test result: $1. $2 passed; $3 failed; 0 ignored (api fuzz)"; }
give_up() {
  echo "api fuzz: $*" >&2
  summary FAILED 0 1
  exit 1
}

[ -x "$bin" ] || give_up "no server binary at $bin (run \`cargo build -p homeplay-server\` first)"

# --- schemathesis, pinned, in its own venv -------------------------------------------------------------
want=$(sed -n 's/^schemathesis==//p' tests/fuzz/requirements.txt)
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qxF "schemathesis, version $want"; then
  echo "api fuzz: installing schemathesis $want into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || give_up "python3 -m venv failed (on Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r tests/fuzz/requirements.txt -c tests/fuzz/constraints.txt || give_up "pip install failed"
fi

# --- a server of its own --------------------------------------------------------------------------------
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Rate limits high enough that generated sign-ins and pairings reach the handlers rather than all be 429.
cat >"$tmp/config.toml" <<'TOML'
[limits]
login_per_account = 1000000
login_per_ip = 1000000
pair_per_ip = 1000000
TOML
db="sqlite://$tmp/hp.db"
server() { "$bin" --database "$db" --config "$tmp/config.toml" "$@"; }

clinic=$(server create-clinic --name "Fuzz Clinic" --time-zone Europe/London 2>>"$tmp/cli.log" | tail -n 1) \
  || give_up "create-clinic failed: $(cat "$tmp/cli.log")"
email=fuzz-admin@example.invalid
password="fuzz-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
HOMEPLAY_PASSWORD=$password server create-therapist --clinic "$clinic" --email "$email" --name "Fuzz Admin" \
  --discipline ot --admin >>"$tmp/cli.log" 2>&1 || give_up "create-therapist failed: $(cat "$tmp/cli.log")"

"$bin" --database "$db" --config "$tmp/config.toml" serve --bind 127.0.0.1:0 2>"$tmp/server.log" &
server_pid=$!
base=
for _ in $(seq 1 300); do
  base=$(sed -n 's/.*homeplay-server listening on \(http:\/\/[^ ]*\).*/\1/p' "$tmp/server.log" | head -n 1)
  [ -n "$base" ] && break
  kill -0 "$server_pid" 2>/dev/null || give_up "the server exited: $(tail -n 20 "$tmp/server.log")"
  sleep 0.1
done
[ -n "$base" ] || give_up "the server did not say where it listens: $(tail -n 20 "$tmp/server.log")"

# --- credentials: a dashboard session and a paired device ---------------------------------------------
api() { # METHOD PATH [JSON]: the answer's body; fails unless 2xx
  local args=(-sS --max-time 30 --fail-with-body -X "$1" -b "$tmp/jar" -c "$tmp/jar" -H "X-CSRF-Token: ${csrf:-}")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data "$3")
  curl "${args[@]}" "$base$2"
}
csrf=
login=$(api POST /api/v1/auth/login "{\"email\":\"$email\",\"password\":\"$password\"}") \
  || give_up "sign-in failed: $login"
csrf=$(jq -er .csrf_token <<<"$login") || give_up "no csrf_token in the sign-in answer: $login"
# The session cookie (`hp_session`, or `__Host-hp_session` where cookies are Secure), as a Cookie header.
cookie=$(awk -F '\t' '$6 ~ /hp_session$/ { print $6 "=" $7 }' "$tmp/jar" | tail -n 1)
[ -n "$cookie" ] || give_up "the sign-in set no session cookie"
child=$(api POST /api/v1/children \
  '{"display_name":"Leo","time_zone":"Europe/London","age_years":5,"caregivers":["Mum"]}') \
  || give_up "adding a child failed: $child"
child_id=$(jq -er .child.id <<<"$child") || give_up "no child id in: $child"
code=$(api POST "/api/v1/children/$child_id/pairing-codes" '{}') || give_up "no pairing code: $code"
code=$(jq -er .code <<<"$code") || give_up "no code in: $code"
paired=$(api POST /api/v1/sync/pair "{\"protocol\":1,\"code\":\"$code\",\"device_label\":\"Fuzz\"}") \
  || give_up "pairing failed: $paired"
token=$(jq -er .token <<<"$paired") || give_up "no token in: $paired"

# --- the fuzz runs ---------------------------------------------------------------------------------------
export SCHEMATHESIS_TELEMETRY=false
passed=0
failed=0
fuzz() { # NAME [schemathesis options]: one run; adds its operations to the counts
  local name=$1
  shift
  echo "api fuzz: $name"
  local status=0
  (cd "$tmp" && "$venv/bin/schemathesis" --no-color run "$base/api/openapi.json" --url "$base" \
    --checks not_a_server_error,response_schema_conformance \
    --phases examples,coverage,fuzzing --max-examples "$examples" --seed "$seed" --workers "$workers" \
    --generation-with-security-parameters false --generation-database none \
    --suppress-health-check all --request-timeout 30 \
    --report junit --report-junit-path "$tmp/$name.xml" "$@") || status=$?
  # Each operation is one test case of the report: passed unless it has a failure or an error.
  local counts
  counts=$("$venv/bin/python" - "$tmp/$name.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    cases = list(ET.parse(sys.argv[1]).getroot().iter("testcase"))
except (OSError, ET.ParseError):
    cases = []
bad = sum(1 for c in cases if c.find("failure") is not None or c.find("error") is not None)
print(len(cases) - bad, bad)
PY
  )
  local ok=${counts% *} bad=${counts#* }
  if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
    bad=1 # schemathesis failed without a failed operation (bad schema, crash): count the run as one failure
  fi
  passed=$((passed + ok))
  failed=$((failed + bad))
}

started=$(date +%s)
# The device first: the session's run finds the device in the answers it gets and revokes it. Then the
# session, without what would end it or lock it out for the rest of its run (signing out, a new password, a
# clinic policy that requires two-factor sign-in); those last, on their own.
fuzz device -H "Authorization: Bearer $token"
session=(-H "Cookie: $cookie" -H "X-CSRF-Token: $csrf")
enders='^(logout|change_password|update_clinic_policy)$'
fuzz session "${session[@]}" --exclude-operation-id-regex "$enders"
fuzz session-enders "${session[@]}" --include-operation-id-regex "$enders"

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "api fuzz: the server died during the run" >&2
  failed=$((failed + 1))
fi
if [ "$failed" -ne 0 ]; then
  echo "api fuzz: the server's log ends with:" >&2
  tail -n 40 "$tmp/server.log" >&2
fi
echo "api fuzz: $(($(date +%s) - started))s, $examples examples per operation and phase, seed $seed"
if [ "$failed" -eq 0 ]; then
  summary ok "$passed" 0
else
  summary FAILED "$passed" "$failed"
  exit 1
fi
