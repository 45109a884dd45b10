#!/usr/bin/env bash
# Builds the Debian package of the clinic server, homeplay-server_<version>_<arch>.deb, with dpkg-deb alone (no
# cargo-deb, no debhelper): the files below are staged in a folder and packed with `dpkg-deb --build
# --root-owner-group`. The version is homeplay-server's in Cargo.toml.
#
#   packaging/server/build-deb.sh [--binary FILE] [--ui-dir DIR] [--out DIR]
#
#   --binary  the server to package; default target/release/homeplay-server (cargo build --release -p
#             homeplay-server). The test command packages the debug binary it has already built instead, to keep
#             its time down (packaging/server/test-deb.sh): the package is the same but for the binary's speed.
#   --ui-dir  the built dashboard and family web app (cd ui && npm ci && npm run build); default ui/dist.
#   --out     where the .deb goes; default target/debian. Its path is the last line printed.
#
# What it holds:
#   /usr/bin/homeplay-server                          the binary, stripped
#   /usr/share/homeplay-server/ui/                    the dashboard (and family/, the phones' app): the unit's --ui-dir
#   /lib/systemd/system/homeplay-server.service       the server, hardened (packaging/server/*.service)
#   /lib/systemd/system/homeplay-server-backup.{service,timer}   the nightly backup
#   /etc/homeplay/config.toml                         the settings, a conffile (an upgrade keeps local changes)
#   /usr/share/doc/homeplay-server/                   copyright, changelog.gz, operations.md (the walk-through)
# and the maintainer scripts: postinst makes the system user homeplay and /var/lib/homeplay (0750), makes the
# config root:homeplay 0640, enables the service and the timer (and starts them when systemd runs); prerm stops
# them; postrm forgets them, and on purge the config too, but never deletes the clinic's data.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

binary=$repo/target/release/homeplay-server
ui_dir=$repo/ui/dist
out=$repo/target/debian
while [ $# -gt 0 ]; do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --ui-dir) ui_dir=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--binary FILE] [--ui-dir DIR] [--out DIR]" >&2; exit 2 ;;
  esac
done
[ -x "$binary" ] || { echo "no server binary at $binary: cargo build --release -p homeplay-server" >&2; exit 1; }
for page in index.html family/index.html; do
  [ -f "$ui_dir/$page" ] || { echo "no $ui_dir/$page: build the dashboard first (cd ui && npm ci && npm run build)" >&2; exit 1; }
done

package=homeplay-server
pkgid=$(cd "$repo" && cargo pkgid --offline -p homeplay-server)
version=${pkgid##*[#@]}
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
doc=$root/usr/share/doc/$package

install -D -m 0755 "$binary" "$root/usr/bin/homeplay-server"
# As dh_strip does: no debug sections in the package (the debug build shrinks from ~60 MB to ~20 MB).
if command -v strip >/dev/null; then
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/homeplay-server"
fi
mkdir -p "$root/usr/share/$package"
cp -R "$ui_dir" "$root/usr/share/$package/ui"
for unit in homeplay-server.service homeplay-server-backup.service homeplay-server-backup.timer; do
  install -D -m 0644 "$here/$unit" "$root/lib/systemd/system/$unit"
done
install -D -m 0644 "$here/config.toml" "$root/etc/homeplay/config.toml"
install -D -m 0644 "$repo/docs/operations.md" "$doc/operations.md"

# copyright, machine-readable (DEP-5): the licence is the repository's LICENSE.
{
  printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n'
  printf 'Upstream-Name: homeplay\nSource: https://example.invalid/homeplay\n\n'
  printf 'Files: *\nCopyright: 2026 The homeplay contributors\nLicense: Expat\n'
  printf 'Comment: the dashboard in /usr/share/homeplay-server/ui bundles npm packages under their own\n'
  printf ' licences (MIT, ISC, Apache-2.0), listed in ui/package-lock.json of the source.\n\n'
  printf 'Files: shared/library/pictures/*\n'
  printf 'Copyright: Twemoji: Twitter, Inc and other contributors; composed into step cards by the homeplay contributors\n'
  printf 'License: CC-BY-4.0\n Creative Commons Attribution 4.0 International: https://creativecommons.org/licenses/by/4.0/\n'
  printf 'Comment: the exercise library'"'"'s step pictures, built into /usr/bin/homeplay-server.\n\n'
  printf 'License: Expat\n'
  # The licence text after its title line, each line indented and blank lines as " .".
  tail -n +3 "$repo/LICENSE" | sed -e 's/^$/./' -e 's/^/ /'
} >"$doc/copyright"
chmod 0644 "$doc/copyright"

# A native package's changelog, dated by the last commit (the same source gives the same file).
stamp=$(cd "$repo" && git log -1 --format=%ct 2>/dev/null || date +%s)
{
  printf '%s (%s) stable; urgency=medium\n\n' "$package" "$version"
  printf '  * homeplay-server %s, from the homeplay repository.\n\n' "$version"
  printf ' -- homeplay contributors <homeplay@example.invalid>  %s\n' "$(LC_ALL=C date -u -R -d "@$stamp")"
} | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# Depends: what dpkg-shlibdeps finds the binary links against (it wants a debian/control to sit beside), else
# the line it gives for a Rust binary on Debian 12.
shlibs="libc6 (>= 2.34), libgcc-s1 (>= 4.2)"
if command -v dpkg-shlibdeps >/dev/null; then
  mkdir -p "$work/shlibs/debian"
  printf 'Source: homeplay\n\nPackage: %s\nArchitecture: any\n' "$package" >"$work/shlibs/debian/control"
  found=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e "$root/usr/bin/homeplay-server" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  [ -n "$found" ] && shlibs=$found
fi

mkdir -p "$root/DEBIAN"
installed_size=$(du -sk --apparent-size "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: $package
Version: $version
Architecture: $arch
Maintainer: homeplay contributors <homeplay@example.invalid>
Installed-Size: $installed_size
Depends: adduser, $shlibs
Suggests: postgresql-client
Section: web
Priority: optional
Homepage: https://example.invalid/homeplay
Description: homeplay's clinic server
 The clinic side of homeplay, a home-program tracker for pediatric occupational
 and physical therapy: the therapists' dashboard and API, device pairing and
 sync, and the family web app for phones, on SQLite or PostgreSQL.
 .
 Runs as the systemd service homeplay-server (user homeplay, data in
 /var/lib/homeplay, settings in /etc/homeplay/config.toml), with a nightly
 backup timer. See /usr/share/doc/homeplay-server/operations.md.
EOF
printf '/etc/homeplay/config.toml\n' >"$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "$here/$script" "$root/DEBIAN/$script"
done
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
# Files 0644 and folders 0755 whatever the umask or the copied tree said (the binary and scripts stay 0755).
find "$root" -type d -exec chmod 0755 {} +
find "$root/usr/share" "$root/etc" -type f -exec chmod 0644 {} +

mkdir -p "$out"
deb=$out/${package}_${version}_${arch}.deb
SOURCE_DATE_EPOCH=$stamp dpkg-deb --build --root-owner-group -Zxz "$root" "$deb" >&2
echo "$deb"
