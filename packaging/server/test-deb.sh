#!/usr/bin/env bash
# The clinic server's Debian package, checked as a clinic uses it: the test command's step "server .deb".
#
#   packaging/server/test-deb.sh [BINARY]     (default target/debug/homeplay-server; ui/dist must be built)
#
# Builds the package (build-deb.sh) from BINARY, checks its metadata and contents, unpacks it into a temporary
# folder (dpkg-deb -x: exactly the files dpkg would put in /), checks its systemd units with systemd-analyze,
# runs its maintainer scripts against stand-ins that record what they were asked, and then walks through
# docs/operations.md: each block marked `<!-- deb-test: NAME -->` there is run (shell) or set in the settings
# file (TOML) as it is written, with
#   - /etc/homeplay, /var/lib/homeplay, /usr/share/homeplay-server, /usr/bin/homeplay-server and /etc/prometheus
#     moved into the temporary folder (the package's own files and units too: the only other rewrite),
#   - `runuser -u homeplay --` left out (the test runs as whoever runs it),
#   - `systemctl` starting the unpacked binary as the unit says (its ExecStart=, Environment=, ExecReload=),
#   - every address the settings listen on turned into 127.0.0.1:0 (the port the server then prints), and
#     curl's URLs (127.0.0.1:8080, clinic.example, clinic.example:9464) sent there.
# Each check prints `check NAME ... ok`; the last line is the test command's
# `test result: ok. N passed; 0 failed; 0 ignored (server .deb)`, or FAILED at the first check that fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
binary=$(realpath "${1:-$repo/target/debug/homeplay-server}")
doc=$repo/docs/operations.md

work=$(mktemp -d)
root=$work/root                  # the unpacked package, standing for /
cwd=$work/cwd                    # where the walk-through's commands run (the certificate files are made here)
mkdir -p "$cwd" "$work/etc/prometheus"
passed=0
current=setup
finished=
server_pid=
server_log=$work/no-server.log
starts=0
listen=            # the server's address, host:port
scheme=
metrics=           # the metrics listener's address, when on
redirect=          # the redirect port's address, when on
prometheus_pid=
password='a long clinic password, 2026'

finish() {
  local status=$?
  if [ -n "$prometheus_pid" ]; then
    kill "$prometheus_pid" 2>/dev/null || true
    wait "$prometheus_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -z "$finished" ]; then
    echo "check $current ... FAILED (exit $status)"
    if [ -s "$server_log" ]; then
      echo "--- the server's log ($server_log):"
      tail -n 40 "$server_log"
    fi
    echo "test result: FAILED. $passed passed; 1 failed; 0 ignored (server .deb)"
    rm -rf "$work"
    exit 1
  fi
  rm -rf "$work"
}
trap finish EXIT

check() {
  current=$1
  printf '\n--- check %s\n' "$current"
}
ok() {
  passed=$((passed + 1))
  echo "check $current ... ok"
}
fail() {
  echo "$current: $*" >&2
  exit 1
}

# The package's paths, moved into the temporary folder.
at_root() {
  sed -e "s#/etc/homeplay#$root/etc/homeplay#g" \
    -e "s#/var/lib/homeplay#$root/var/lib/homeplay#g" \
    -e "s#/usr/share/homeplay-server#$root/usr/share/homeplay-server#g" \
    -e "s#/usr/bin/homeplay-server#$root/usr/bin/homeplay-server#g" \
    -e "s#/etc/prometheus#$work/etc/prometheus#g"
}

# A block of docs/operations.md: the fenced block after `<!-- deb-test: NAME -->`.
block() {
  local text
  text=$(awk -v marker="<!-- deb-test: $1 -->" '
    $0 == marker { armed = 1; next }
    armed && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$doc")
  [ -n "$text" ] || fail "docs/operations.md has no block marked deb-test: $1"
  printf '%s\n' "$text"
}

# Runs a shell block of the walk-through in this shell (so that its systemctl reaches this server), in $cwd.
run_block() {
  local text
  text=$(block "$1" | at_root)
  printf '%s\n' "$text" | sed 's/^/+ /'
  pushd "$cwd" >/dev/null
  eval "$text"
  echo
  popd >/dev/null
}

# Sets a TOML block of the walk-through in the settings file, key by key, where the packaged file has the key
# (commented out or not); a table header is uncommented. The file is $work/config.toml: the admin's copy,
# written to the package's path with its listening addresses on free ports when the server starts.
set_config() {
  local line key text
  text=$(block "$1" | at_root)
  [ $# -lt 2 ] || text=${text//$2/$3}
  printf '%s\n' "$text" | sed 's/^/= /'
  while IFS= read -r line; do
    case $line in
      '' | '#'*) ;;
      '['*']')
        if ! grep -qxF "$line" "$work/config.toml"; then
          grep -qxF "# $line" "$work/config.toml" || fail "the packaged settings have no $line"
          awk -v l="$line" '$0 == "# " l { print l; next } { print }' "$work/config.toml" >"$work/config.new"
          mv "$work/config.new" "$work/config.toml"
        fi
        ;;
      *' = '*)
        key=${line%% = *}
        grep -Eq "^(# )?$key = " "$work/config.toml" || fail "the packaged settings have no $key"
        awk -v key="$key" -v l="$line" '
          !done && $0 ~ ("^(# )?" key " = ") { print l; done = 1; next } { print }' "$work/config.toml" >"$work/config.new"
        mv "$work/config.new" "$work/config.toml"
        ;;
      *) fail "not a TOML line the test knows: $line" ;;
    esac
  done <<<"$text"
}

# The value of a unit's setting (every line of it), paths moved.
unit_value() {
  sed -n "s/^$2=//p" "$root/lib/systemd/system/$1" | at_root
}

write_runtime_config() {
  sed -E 's/^(bind|redirect_http_bind|metrics_bind) = "[^"]*"/\1 = "127.0.0.1:0"/' "$work/config.toml" \
    >"$root/etc/homeplay/config.toml"
}

# Starts the server as systemd would: the unit's ExecStart= in its WorkingDirectory= with its Environment=.
server_start() {
  local exec env dir
  read -ra exec <<<"$(unit_value homeplay-server.service ExecStart)"
  mapfile -t env < <(unit_value homeplay-server.service Environment)
  dir=$(unit_value homeplay-server.service WorkingDirectory)
  write_runtime_config
  starts=$((starts + 1))
  server_log=$work/server-$starts.log
  pushd "$dir" >/dev/null
  env "${env[@]}" RUST_LOG=info "${exec[@]}" </dev/null >/dev/null 2>"$server_log" &
  server_pid=$!
  popd >/dev/null
  local waited=0
  until grep -qs "^homeplay-server listening on " "$server_log"; do
    kill -0 "$server_pid" 2>/dev/null || { wait "$server_pid" || true; fail "the server stopped: $(cat "$server_log")"; }
    [ $waited -lt 600 ] || fail "the server did not start in 60 s"
    sleep 0.1
    waited=$((waited + 1))
  done
  local url
  url=$(sed -n 's/^homeplay-server listening on //p' "$server_log")
  scheme=${url%%://*}
  listen=${url#*://}
  metrics=$(sed -n 's#^homeplay-server metrics on http://\(.*\)/metrics$#\1#p' "$server_log")
  redirect=$(sed -n 's#^homeplay-server redirecting http://\(.*\) to https$#\1#p' "$server_log")
  echo "(the server: pid $server_pid, $url${metrics:+, metrics on $metrics}${redirect:+, redirecting $redirect})"
}

# SIGTERM, as systemctl stop: the server finishes its requests and exits 0.
server_stop() {
  kill -TERM "$server_pid"
  local waited=0
  while kill -0 "$server_pid" 2>/dev/null; do
    [ $waited -lt 300 ] || fail "the server did not stop in 30 s"
    sleep 0.1
    waited=$((waited + 1))
  done
  wait "$server_pid" || fail "the server exited with $? on SIGTERM"
  server_pid=
}

wait_for_log() {
  local waited=0
  until grep -q "$1" "$server_log"; do
    kill -0 "$server_pid" 2>/dev/null || fail "the server stopped before logging '$1'"
    [ $waited -lt 300 ] || fail "no line with '$1' in the server's log"
    sleep 0.1
    waited=$((waited + 1))
  done
}

# The walk-through's systemctl, for the units of the package.
systemctl() {
  case "$1 ${2%.service}" in
    "status homeplay-server")
      kill -0 "$server_pid" 2>/dev/null || fail "homeplay-server is not running"
      echo "homeplay-server.service: active (running), main pid $server_pid"
      ;;
    "start homeplay-server") server_start ;;
    "stop homeplay-server") server_stop ;;
    "restart homeplay-server")
      server_stop
      server_start
      ;;
    "reload homeplay-server")
      local reload
      reload=$(unit_value homeplay-server.service ExecReload)
      eval "${reload//\$MAINPID/$server_pid}"
      ;;
    "list-timers homeplay-server-backup.timer")
      command systemd-analyze calendar "$(unit_value homeplay-server-backup.timer OnCalendar)"
      ;;
    "start homeplay-server-backup")
      local exec env
      read -ra exec <<<"$(unit_value homeplay-server-backup.service ExecStart)"
      mapfile -t env < <(unit_value homeplay-server-backup.service Environment)
      (cd "$(unit_value homeplay-server-backup.service WorkingDirectory)" && env "${env[@]}" "${exec[@]}")
      ;;
    *) fail "the test's systemctl does not know: systemctl $*" ;;
  esac
}

# The walk-through's curl: its URLs sent to where the server really listens; clinic.example trusted through
# the test's certificate only.
curl() {
  local args=() a
  for a in "$@"; do
    case $a in
      http://127.0.0.1:8080*)
        [ "$scheme" = http ] || fail "the server does not serve plain HTTP now"
        args+=("http://$listen${a#http://127.0.0.1:8080}")
        ;;
      https://clinic.example/* | https://clinic.example)
        [ "$scheme" = https ] || fail "the server does not serve HTTPS now"
        args+=(--resolve "clinic.example:${listen##*:}:127.0.0.1" --cacert "$work/trusted.pem")
        args+=("https://clinic.example:${listen##*:}${a#https://clinic.example}")
        ;;
      http://clinic.example:9464*)
        [ -n "$metrics" ] || fail "the server serves no metrics now"
        args+=("http://$metrics${a#http://clinic.example:9464}")
        ;;
      *://*) fail "the test's curl does not know where $a is" ;;
      *) args+=("$a") ;;
    esac
  done
  command curl --max-time 20 "${args[@]}"
}

runuser() {
  [ "$1 $2 $3" = "-u homeplay --" ] || fail "the test's runuser knows only -u homeplay --: runuser $*"
  shift 3
  "$@"
}

# install(1) without -o/-g: the test's user is not homeplay.
install() {
  local args=() skip=
  for a in "$@"; do
    if [ -n "$skip" ]; then
      skip=
    elif [ "$a" = -o ] || [ "$a" = -g ]; then
      skip=1
    else
      args+=("$a")
    fi
  done
  command install "${args[@]}"
}

make_certificate() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=clinic.example \
    -addext subjectAltName=DNS:clinic.example -keyout "$cwd/privkey.pem" -out "$cwd/fullchain.pem" 2>/dev/null
}

# Signs the admin of step 3 in on the API at $1 (curl's extra arguments after); prints the response headers.
sign_in() {
  local base=$1
  shift
  command curl --max-time 20 -fsS -D - -o "$work/me.json" "$@" -H 'Content-Type: application/json' \
    --data "{\"email\":\"maya@riverside.example\",\"password\":\"$password\"}" "$base/api/v1/auth/login"
  grep -q '"admin"' "$work/me.json" || fail "signed in, but not as an admin: $(cat "$work/me.json")"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

version=$(cd "$repo" && cargo pkgid --offline -p homeplay-server)
version=${version##*[#@]}

check "package builds"
deb=$(bash "$here/build-deb.sh" --binary "$binary" --out "$work/out" | tail -n 1)
[ -f "$deb" ] || fail "no .deb"
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"
ok

check "package metadata"
info=$(dpkg-deb --info "$deb")
printf '%s\n' "$info"
grep -qx ' Package: homeplay-server' <<<"$info" || fail "Package"
grep -qx " Version: $version" <<<"$info" || fail "Version is not $version (server/Cargo.toml)"
grep -qx " Architecture: $(dpkg --print-architecture)" <<<"$info" || fail "Architecture"
grep -Eq '^ Depends: adduser, .*libc6 \(>= [0-9.]+\)' <<<"$info" || fail "Depends lacks adduser or libc6"
for script in postinst prerm postrm conffiles md5sums; do
  grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\*? *$script( |$)" <<<"$info" || fail "no $script"
done
mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
[ "$(cat "$work/control/conffiles")" = /etc/homeplay/config.toml ] || fail "conffiles: $(cat "$work/control/conffiles")"
for script in postinst prerm postrm; do
  sh -n "$work/control/$script" || fail "$script is not valid sh"
done
ok

check "package contents"
contents=$(dpkg-deb --contents "$deb")
for path in usr/bin/homeplay-server lib/systemd/system/homeplay-server.service \
  lib/systemd/system/homeplay-server-backup.service lib/systemd/system/homeplay-server-backup.timer \
  etc/homeplay/config.toml usr/share/doc/homeplay-server/copyright usr/share/doc/homeplay-server/changelog.gz \
  usr/share/doc/homeplay-server/operations.md usr/share/homeplay-server/ui/index.html \
  usr/share/homeplay-server/ui/family/index.html; do
  line=$(grep -E " \./$path\$" <<<"$contents") || fail "no /$path in the package"
  echo "$line"
done
grep -Eq '^-rwxr-xr-x .* \./usr/bin/homeplay-server$' <<<"$contents" || fail "the binary is not 0755"
grep -Eq '^-rw-r--r-- .* \./etc/homeplay/config.toml$' <<<"$contents" || fail "the config is not 0644 in the package"
owners=$(awk '{ print $2 }' <<<"$contents" | sort -u)
[ "$owners" = root/root ] || fail "files not owned by root: $owners"
dpkg-deb -x "$deb" "$root"
(cd "$root" && md5sum --quiet -c "$work/control/md5sums") || fail "md5sums do not match the files"
zcat "$root/usr/share/doc/homeplay-server/changelog.gz" | head -n 1 | grep -q "^homeplay-server ($version) " ||
  fail "the changelog is not for $version"
grep -q '^License: Expat$' "$root/usr/share/doc/homeplay-server/copyright" || fail "copyright"
if file "$root/usr/bin/homeplay-server" | grep -q 'with debug_info'; then fail "the binary is not stripped"; fi
ok

check "systemd-analyze verify"
# systemd 252's `verify --root=` wants a whole system in the root (sysinit.target, /bin/kill): the units are
# checked from a copy instead, with the unpacked binary's path in ExecStart= (verify wants it executable).
mkdir "$work/units"
for unit in homeplay-server.service homeplay-server-backup.service homeplay-server-backup.timer; do
  sed "s#/usr/bin/homeplay-server#$root/usr/bin/homeplay-server#g" "$root/lib/systemd/system/$unit" >"$work/units/$unit"
done
command systemd-analyze verify "$work/units/homeplay-server.service" "$work/units/homeplay-server-backup.service" \
  "$work/units/homeplay-server-backup.timer" 2>&1 | tee "$work/verify.log"
[ ! -s "$work/verify.log" ] || fail "systemd-analyze verify has something to say"
command systemd-analyze calendar "$(unit_value homeplay-server-backup.timer OnCalendar)" >/dev/null
# systemd's own rating of each service's exposure, from the unit file: at most 2.0 of 10 ("OK"). (A failing
# command in a pipeline fails the check: pipefail.)
for unit in homeplay-server.service homeplay-server-backup.service; do
  command systemd-analyze security --offline=true --threshold=20 "$work/units/$unit" | tail -n 1
done
ok

check "unit hardening"
server_lines=(
  'User=homeplay' 'Group=homeplay' 'StateDirectory=homeplay' 'StateDirectoryMode=0750' 'ConfigurationDirectory=homeplay'
  'ExecStart=/usr/bin/homeplay-server --config /etc/homeplay/config.toml serve --ui-dir /usr/share/homeplay-server/ui'
  'ExecReload=/bin/kill -HUP $MAINPID' 'Restart=on-failure' 'Environment=NO_COLOR=1'
  'CapabilityBoundingSet=CAP_NET_BIND_SERVICE' 'AmbientCapabilities=CAP_NET_BIND_SERVICE'
  'WantedBy=multi-user.target'
)
backup_lines=(
  'User=homeplay' 'Type=oneshot' 'CapabilityBoundingSet='
  'ExecStart=/usr/bin/homeplay-server --config /etc/homeplay/config.toml backup --to /var/lib/homeplay/backups --keep 14'
)
both_lines=(
  'NoNewPrivileges=true' 'ProtectSystem=strict' 'ReadWritePaths=/var/lib/homeplay' 'ProtectHome=true'
  'PrivateTmp=true' 'PrivateDevices=true' 'ProtectKernelTunables=true' 'ProtectKernelModules=true'
  'ProtectKernelLogs=true' 'ProtectControlGroups=true' 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX'
  'RestrictNamespaces=true' 'LockPersonality=true' 'MemoryDenyWriteExecute=true'
  'SystemCallFilter=@system-service' 'SystemCallArchitectures=native' 'UMask=0077' 'PrivateMounts=true'
  'ProtectProc=invisible'
)
for line in "${server_lines[@]}" "${both_lines[@]}"; do
  grep -qxF "$line" "$root/lib/systemd/system/homeplay-server.service" || fail "homeplay-server.service lacks $line"
done
for line in "${backup_lines[@]}" "${both_lines[@]}"; do
  grep -qxF "$line" "$root/lib/systemd/system/homeplay-server-backup.service" ||
    fail "homeplay-server-backup.service lacks $line"
done
grep -qxF 'Persistent=true' "$root/lib/systemd/system/homeplay-server-backup.timer" || fail "the timer is not Persistent"
ok

check "maintainer scripts"
# Stand-ins for what the scripts call, each recording its arguments; the answers come from the environment.
stubs=$work/stubs
mkdir -p "$stubs"
for tool in adduser getent install dpkg-statoverride deb-systemd-helper deb-systemd-invoke systemctl rmdir rm \
  deluser userdel chown chmod; do
  cat >"$stubs/$tool" <<'EOF'
#!/bin/sh
echo "${0##*/} $*" >>"$CALLS"
case "${0##*/} $1" in
  "getent passwd") exit "${USER_EXISTS:-2}" ;;
  "dpkg-statoverride --list") exit "${OVERRIDDEN:-1}" ;;
  "deb-systemd-helper --quiet") exit "${WAS_ENABLED:-0}" ;;
esac
exit 0
EOF
  chmod +x "$stubs/$tool"
done
# Runs a maintainer script with systemd running (1) or not (0), the stand-ins first on PATH; prints its calls.
maint() {
  local running=$1 script=$2
  shift 2
  rm -rf "$work/fake-run"
  [ "$running" = 0 ] || mkdir -p "$work/fake-run/systemd/system"
  sed "s#/run/systemd/system#$work/fake-run/systemd/system#g" "$work/control/$script" >"$work/$script"
  : >"$work/calls"
  CALLS=$work/calls PATH="$stubs:$PATH" sh "$work/$script" "$@" || fail "$script $* failed"
  cat "$work/calls"
}
expect() { grep -qxF "$1" <<<"$calls" || fail "expected the call: $1"; }
refuse() { if grep -qE "$1" <<<"$calls"; then fail "unexpected call matching $1"; fi; }
# A first install on a machine whose systemd is not running (a container): user, folder, config, units
# enabled, nothing started.
calls=$(maint 0 postinst configure)
expect 'adduser --system --group --home /var/lib/homeplay --no-create-home --comment homeplay clinic server homeplay'
expect 'install -d -o homeplay -g homeplay -m 0750 /var/lib/homeplay'
expect 'dpkg-statoverride --update --add root homeplay 0640 /etc/homeplay/config.toml'
expect 'deb-systemd-helper enable homeplay-server.service'
expect 'deb-systemd-helper enable homeplay-server-backup.timer'
refuse '^(deb-systemd-invoke|systemctl) '
# A first install under systemd: both started as well.
calls=$(maint 1 postinst configure)
expect 'systemctl --system daemon-reload'
expect 'deb-systemd-invoke start homeplay-server.service'
expect 'deb-systemd-invoke start homeplay-server-backup.timer'
# An upgrade: the user and the admin's stat override are there, the admin disabled the timer: it stays
# disabled, and the server is restarted on the new binary.
calls=$(USER_EXISTS=0 OVERRIDDEN=0 WAS_ENABLED=1 maint 1 postinst configure 0.0.9)
refuse '^adduser|^dpkg-statoverride --update|^deb-systemd-helper enable'
expect 'deb-systemd-helper update-state homeplay-server-backup.timer'
expect 'deb-systemd-invoke restart homeplay-server.service'
calls=$(maint 1 prerm remove)
expect 'deb-systemd-invoke stop homeplay-server.service'
expect 'deb-systemd-invoke stop homeplay-server-backup.timer'
calls=$(maint 1 prerm upgrade 0.2.0)
refuse '^deb-systemd-invoke'
calls=$(maint 1 postrm remove)
expect 'deb-systemd-helper mask homeplay-server.service'
calls=$(OVERRIDDEN=0 maint 0 postrm purge)
expect 'deb-systemd-helper purge homeplay-server.service'
expect 'deb-systemd-helper purge homeplay-server-backup.timer'
expect 'dpkg-statoverride --remove /etc/homeplay/config.toml'
expect 'rmdir /etc/homeplay'
# The clinic's data and its owner stay.
refuse '^(rm|deluser|userdel) '
ok

check "installed"
# What postinst and systemd do at install: the data folder, then the service started with the packaged
# settings (only their paths moved, as everywhere here, and the address on a free port).
mkdir -p -m 0750 "$root/var/lib/homeplay"
at_root <"$root/etc/homeplay/config.toml" >"$work/config.toml"
diff <(at_root <"$here/config.toml") "$work/config.toml" >/dev/null || fail "the unpacked config is not packaging/server/config.toml"
# The walk-through's `homeplay-server` is the unpacked one.
PATH=$root/usr/bin:$PATH
server_start
run_block installed
grep -q 'serving the clinic dashboard at /' "$server_log" || fail "the dashboard is not served"
if grep -q $'\e' "$server_log"; then fail "colour codes in the log (NO_COLOR=1 in the unit)"; fi
[ -f "$root/var/lib/homeplay/homeplay.db" ] || fail "no database at /var/lib/homeplay/homeplay.db"
page=$(command curl -fsS "http://$listen/")
asset=$(grep -oE '/assets/[^"]+\.js' <<<"$page" | head -n 1)
[ -n "$asset" ] || fail "the dashboard's page names no script"
command curl -fsS -o /dev/null "http://$listen$asset" || fail "the dashboard's $asset"
command curl -fsS "http://$listen/family/" | grep -qi '<html' || fail "no family web app at /family/"
ok

check "first-admin"
printf '%s\n' "$password" >"$work/password"
run_block first-admin <"$work/password"
sign_in "http://$listen" >/dev/null
ok

check "https-files"
make_certificate
run_block https-files
for f in fullchain.pem privkey.pem; do
  [ "$(stat -c %a "$root/etc/homeplay/tls/$f")" = 640 ] || fail "$f is not 0640"
done
cp "$cwd/fullchain.pem" "$work/trusted.pem"
ok

check "https-config"
set_config https-config
grep -qx "tls_cert = \"$root/etc/homeplay/tls/fullchain.pem\"" "$work/config.toml" || fail "tls_cert not set"
ok

check "https-check"
run_block https-check
headers=$(curl -fsS -D - -o /dev/null https://clinic.example/)
grep -qi '^strict-transport-security: max-age=31536000' <<<"$headers" || fail "no HSTS: $headers"
[ -n "$redirect" ] || fail "no redirect port"
headers=$(command curl -sS -D - -o /dev/null -H 'Host: clinic.example' "http://$redirect/family/?x=1")
grep -q '^HTTP/1.1 308' <<<"$headers" || fail "the plain port does not redirect: $headers"
grep -qi "^location: https://clinic.example:${listen##*:}/family/?x=1" <<<"$headers" || fail "redirect: $headers"
ok

check "https-renew"
make_certificate
run_block https-renew
wait_for_log 'TLS certificate reloaded'
cp "$cwd/fullchain.pem" "$work/trusted.pem"
curl -fsS https://clinic.example/readyz >/dev/null || fail "the renewed certificate is not served"
ok

check "proxy-config"
# Step 4b instead of 4a: the packaged settings (loopback, no TLS), then the proxy's one change.
at_root <"$here/config.toml" >"$work/config.toml"
set_config proxy-config
systemctl restart homeplay-server
headers=$(sign_in "http://$listen")
grep -qi '^set-cookie: __Host-hp_session=[^;]*;.*Secure' <<<"$headers" || fail "the cookie is not Secure: $headers"
ok

check "reload without TLS"
systemctl reload homeplay-server
wait_for_log 'SIGHUP: no TLS certificate to reload'
curl -fsS http://127.0.0.1:8080/readyz >/dev/null
ok

check "backup"
run_block backup
made=$(find "$root/var/lib/homeplay/backups" -name 'homeplay-*.db' | wc -l)
[ "$made" = 1 ] || fail "$made backups after one"
# The timer's service once a night for 15 more nights (each a millisecond apart at least): 14 kept.
for _ in $(seq 15); do
  systemctl start homeplay-server-backup.service >/dev/null
  sleep 0.01
done
made=$(find "$root/var/lib/homeplay/backups" -name 'homeplay-*.db' | wc -l)
[ "$made" = 14 ] || fail "$made backups kept, not 14"
ok

check "restore"
run_block restore
[ -f "$root/var/lib/homeplay/before-restore/homeplay.db" ] || fail "the old database was not moved aside"
sign_in "http://$listen" >/dev/null
ok

check "metrics-config"
token=$(openssl rand -hex 24)
set_config metrics-config PASTE-THE-TOKEN "$token"
systemctl restart homeplay-server
[ -n "$metrics" ] || fail "no metrics listener"
ok

check "metrics-check"
printf '%s\n' "$token" >"$work/etc/prometheus/homeplay-token"
run_block metrics-check
status=$(command curl -sS -o /dev/null -w '%{http_code}' "http://$metrics/metrics")
[ "$status" = 401 ] || fail "metrics without the token: $status"
ok

check "prometheus-job"
# Debian's Prometheus, with the walk-through's scrape job (every second here), scrapes the server.
command -v prometheus >/dev/null || fail "prometheus is not installed (apt install prometheus)"
prometheus_port=$(free_port)
{
  printf 'global:\n  scrape_interval: 1s\n'
  block prometheus-job | at_root | sed "s#clinic.example:9464#$metrics#"
} >"$work/prometheus.yml"
cat "$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
up=
for _ in $(seq 120); do
  up=$(command curl -fsS -G --data-urlencode 'query=up{job="homeplay"}' \
    "http://127.0.0.1:$prometheus_port/api/v1/query" 2>/dev/null || true)
  grep -q '"value":\[[0-9.]*,"1"\]' <<<"$up" && break
  up=
  sleep 0.5
done
[ -n "$up" ] || fail "Prometheus does not see the server up: $(tail -n 5 "$work/prometheus.log")"
echo "$up"
kill "$prometheus_pid"
wait "$prometheus_pid" 2>/dev/null || true
prometheus_pid=
ok

check "stop"
systemctl stop homeplay-server
ok

finished=1
echo "test result: ok. $passed passed; 0 failed; 0 ignored (server .deb)"
