#!/usr/bin/env bash
# Runs every test of homeplay on a fresh Debian 12 machine: installs what the tests need (idempotently),
# then checks formatting, lints, and runs every suite. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says how long the run has taken so far, so a slow step shows in the log (SECONDS is bash's clock).
step() { printf '\n==> [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

step "toolchain"
# A fresh clone builds once: incremental caches would only take disk (gigabytes) that the .deb step needs.
export CARGO_INCREMENTAL=0
if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust (stable) with rustup first" >&2
  exit 1
fi
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^${component}" || rustup component add "$component"
done
need_apt=()
command -v node >/dev/null && command -v npm >/dev/null || need_apt+=(nodejs npm)
# libdbus for the device's OS-keyring token store (feature os-keyring).
dpkg -s libdbus-1-dev >/dev/null 2>&1 || need_apt+=(libdbus-1-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
# The bench's failover scenario puts HAProxy in front of two server instances (a child process, not a service).
command -v haproxy >/dev/null || need_apt+=(haproxy)
# The clinic server's .deb (packaging/server/test-deb.sh): systemd-analyze checks its units, openssl makes a
# certificate, curl asks, and Debian's Prometheus scrapes the unpacked server (a child process, not a service).
command -v systemd-analyze >/dev/null || need_apt+=(systemd)
for tool in openssl curl prometheus; do command -v "$tool" >/dev/null || need_apt+=("$tool"); done
# Tauri 2 (the family app, src-tauri/): WebKitGTK and friends to build it; Xvfb, WebKitWebDriver and ImageMagick to run it headless.
for pkg in libwebkit2gtk-4.1-dev build-essential libssl-dev libayatana-appindicator3-dev librsvg2-dev file xvfb xauth dbus-x11 webkit2gtk-driver imagemagick x11-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

step "PostgreSQL (tests create and drop their own databases on this server)"
# Debian 12's PostgreSQL 15, local only: peer auth on the socket, a password for TCP on 127.0.0.1.
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql
fi
# The backup suite drives pg_dump and pg_restore (tests/tests/backup.rs); Debian's postgresql brings them, but a
# machine with only the server's packages may lack them.
if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-client
fi
if ! pg_lsclusters -h | grep -q online; then
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  pg_ctlcluster $cluster start
fi
pg_port=$(pg_lsclusters -h | awk '$4=="online" {print $3; exit}')
su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
export HOMEPLAY_TEST_POSTGRES_URL="postgres://postgres:postgres@127.0.0.1:${pg_port}/postgres"

step "step-card pictures are current"
(cd tools/step-cards && npm ci --no-audit --no-fund --silent && node compose.mjs --check)

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p homeplay-device --features os-keyring --all-targets --locked -- -D warnings

step "cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --all-targets --locked 2>&1 | tee "$log"
# The OS-keyring token store (with no keyring on a headless machine, it must fall back to the private file).
cargo test -p homeplay-device --features os-keyring --lib --locked token:: 2>&1 | tee -a "$log"

step "API fuzz: schemathesis (PyPI, pinned, in target/fuzz-venv) on every operation, as a session and as a device"
# Bounded and seeded: no 5xx, and every response valid against its own schema (tests/fuzz/run.sh).
cargo build --locked -p homeplay-server
python3 -c 'import venv, ensurepip' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv; }
bash tests/fuzz/run.sh 2>&1 | tee -a "$log"

step "clinic dashboard (ui/): types, lint, unit tests, build, end to end in Debian's chromium"
# Headless Chromium from Debian (never a downloaded browser), with fonts for the screenshots (DejaVu has Arabic;
# WenQuanYi Micro Hei, 1.6 MB, draws the Chinese family's screens, phone and desktop, instead of empty boxes).
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
for font in fonts-dejavu-core fonts-noto-color-emoji fonts-wqy-microhei; do dpkg -s "$font" >/dev/null 2>&1 || need_apt+=("$font"); done
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi
# The E2E suite runs the debug server binary the cargo tests just built, and a family device engine on the
# command line (tests/src/bin/family_device.rs) for the therapist's Monday story.
cargo build --locked -p homeplay-server
cargo build --locked -p homeplay-tests --bin family_device
(
  cd ui
  npm ci --no-audit --no-fund
  npm run check
  npm run lint
  npm test
  npm run build
  HOMEPLAY_SERVER_BIN="$PWD/../target/debug/homeplay-server" CHROMIUM=/usr/bin/chromium npm run e2e
)

step "family web app on phones (ui/phone/, served at /family/): end to end in Debian's chromium in phone emulation"
# `npm run build` above built it into ui/dist/family. Pairing by the QR link, offline reload and relaunch from the
# service worker, a second phone and the desktop device engine (family_device, built above) on one occurrence,
# installability, the new-version prompt, bad storage and phone sizes; one test per part of the story.
(
  cd ui
  # The web engine on its own first: against the real server binary (node + fake-indexeddb, and once in chromium's
  # real IndexedDB), beside the desktop device engine on one occurrence.
  HOMEPLAY_SERVER_BIN="$PWD/../target/debug/homeplay-server" CHROMIUM=/usr/bin/chromium npm run test:engine
  HOMEPLAY_SERVER_BIN="$PWD/../target/debug/homeplay-server" CHROMIUM=/usr/bin/chromium npm run e2e:phone
) 2>&1 | tee -a "$log"
# The phone benchmark, tiny (a smoke run: it completes and reports; no timing is asserted anywhere).
HOMEPLAY_SERVER_BIN="$PWD/target/debug/homeplay-server" cargo run --locked -q -p homeplay-bench -- phone --quick

step "clinic server .deb: built from the debug server, unpacked, docs/operations.md walked through against it"
# packaging/server/test-deb.sh: the package's metadata and files, its units (systemd-analyze verify and security),
# its maintainer scripts against stand-ins, then every block of docs/operations.md marked deb-test, run against
# the unpacked package with the dashboard built above (ui/dist). The debug binary the suites used, not a release
# build: the package is the same but for the binary's speed, and the run is minutes shorter. One test result line.
server_deb_ok=
if bash packaging/server/test-deb.sh target/debug/homeplay-server 2>&1 | tee -a "$log"; then
  server_deb_ok=1
fi

step "family app (src-tauri/ + ui/family/): screens build, then the app builds embedding them"
# Unit tests of the family screens run with the dashboard's (npm test above); the bindings, command and sync-event
# tests ran with cargo test. Here: the real screens are built and the app binary is built around them.
(cd ui && npx vite build --config family/vite.config.ts)
cargo build --locked -p homeplay-app
# The real app end to end: tauri-driver (crates.io, cached in ~/.cargo/bin) + Debian's WebKitWebDriver, in a
# private Xvfb display and D-Bus session, against the real server. Screenshots land in artifacts/.
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --version "^2"
xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" dbus-run-session -- \
  cargo test --locked -p homeplay-app --test e2e -- --ignored --test-threads=1 2>&1 | tee -a "$log"

step "family app .deb: the Tauri bundler (npm @tauri-apps/cli, installed by npm ci above) on the debug build"
# The screens in src-tauri/dist were built above, so no beforeBuildCommand. The .deb counts as one check. Debug, as
# the server's .deb above: what is checked is the bundle (the binary and the .desktop file in their places), the
# same in either profile, and a cold release build of the Tauri stack took ten of the run's minutes. The bench's
# `app` scenario bundles the release .deb it measures itself.
deb_dir=target/debug/bundle/deb
rm -f "$deb_dir"/*.deb
deb=
deb_ok=
if (cd src-tauri && ../ui/node_modules/.bin/tauri build --debug --ci --bundles deb -- --locked); then
  deb=$(find "$deb_dir" -maxdepth 1 -name '*.deb' | head -n 1)
fi
if [ -n "$deb" ] && dpkg-deb --info "$deb" && contents=$(dpkg-deb --contents "$deb") \
  && grep -Eq ' (\./)?usr/bin/homeplay(-app)?$' <<<"$contents" \
  && grep -Eq ' (\./)?usr/share/applications/[^/]+\.desktop$' <<<"$contents"; then
  grep -E ' (\./)?usr/(bin|share/applications)/' <<<"$contents"
  echo "the family app's .deb: $deb ($(du -h "$deb" | cut -f1))"
  deb_ok=1
  echo "test result: ok. 1 passed; 0 failed; 0 ignored (the family app's .deb)" | tee -a "$log"
else
  echo "the family app's .deb is missing, or lacks the binary or the .desktop file: ${deb:-no .deb built}" >&2
  echo "test result: FAILED. 0 passed; 1 failed; 0 ignored (the family app's .deb)" | tee -a "$log"
fi

# One closing line for the whole run, summed over every suite.
awk '/^test result:/ { p += $4; f += $6 } END { printf "\ntests: %d passed, %d failed\n", p, f }' "$log"
printf 'test command took %dm%02ds\n' $((SECONDS / 60)) $((SECONDS % 60))
[ -n "$deb_ok" ] && [ -n "$server_deb_ok" ]
