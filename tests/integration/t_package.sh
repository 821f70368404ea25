#!/bin/sh
# t_package.sh: the Debian package as an operator gets it.  Builds it with
# dpkg-buildpackage in a copy of the checkout (so that nothing is written
# beside it), checks what the .deb holds, installs it, runs the installed
# daemon and unit through their checks, lints the .deb and purges it
# again, also when a check fails.  Needs root and a git checkout (debian/
# is not in the dist tarball); quickstart.sh test runs it after distcheck.
# About 80 s, most of it the package's own build and unit tests.

top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
top_builddir=$top_srcdir
. "$top_srcdir/tests/integration/lib.sh"

UNIT=/lib/systemd/system/pktinfod.service
CONF=/etc/pktinfod/pktinfod.conf
MAX_EXPOSURE=2.0

t_require git dpkg dpkg-buildpackage dpkg-deb dh lintian systemd-analyze
[ "$(id -u)" -eq 0 ] || t_skip "dpkg -i needs root"
git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1 ||
    t_skip "not a git checkout (debian/ is not in the dist tarball)"
if dpkg-query -W -f='${Status}' pktinfod 2>/dev/null | grep -q installed; then
	t_skip "pktinfod is installed already; this test would replace it"
fi

installed=no
pkg_cleanup() {
	[ "$installed" = no ] || dpkg --purge pktinfod >/dev/null 2>&1
	t_cleanup
}
trap pkg_cleanup EXIT

# The files git knows, as they are in the work tree (uncommitted changes
# included, build trees and generated files not).
start=$(date +%s)
mkdir "$T_DIR/src"
(cd "$top_srcdir" && git ls-files -z --cached --others --exclude-standard |
    tr '\0' '\n' | while IFS= read -r f; do [ -e "$f" ] && echo "$f"; done |
    tar -cf - -T -) | tar -xf - -C "$T_DIR/src"

build() {
	(cd "$T_DIR/src" && dpkg-buildpackage -us -uc -b -Jauto) \
	    >"$T_DIR/build.log" 2>&1 && return 0
	tail -n 40 "$T_DIR/build.log"
	return 1
}
t_check "dpkg-buildpackage -us -uc -b builds the package" build
DEB=$(ls "$T_DIR"/pktinfod_*_"$(dpkg --print-architecture)".deb 2>/dev/null)
[ -n "$DEB" ] || { t_log "FAIL no pktinfod_*.deb in $T_DIR"; exit 1; }
t_log "built $(basename "$DEB") in $(($(date +%s) - start)) s"

dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T_DIR/files"
for f in /usr/sbin/pktinfod /usr/bin/pktq /usr/bin/pktbench \
    /usr/share/man/man8/pktinfod.8.gz /usr/share/man/man5/pktinfod.conf.5.gz \
    /usr/share/man/man1/pktq.1.gz /usr/share/man/man1/pktbench.1.gz \
    "$CONF" "$UNIT" /usr/share/doc/pktinfod/copyright; do
	t_check "the .deb holds $f" grep -qx "$f" "$T_DIR/files"
done
dpkg-deb -e "$DEB" "$T_DIR/control"
t_check "$CONF is a conffile" grep -qx "$CONF" "$T_DIR/control/conffiles"
t_check "the maintainer scripts enable the unit (dh_installsystemd)" \
    grep -q "deb-systemd-helper.*pktinfod.service" "$T_DIR/control/postinst"

# quiet LOG COMMAND...: COMMAND's output only when it fails.
quiet() {
	log=$1; shift
	"$@" >"$T_DIR/$log" 2>&1 && return 0
	cat "$T_DIR/$log"
	return 1
}

installed=yes
t_check "dpkg -i installs it" quiet dpkg-i.log dpkg -i "$DEB"
t_check "pktinfod --check-config accepts the installed $CONF" \
    sh -c "/usr/sbin/pktinfod --check-config -c $CONF >/dev/null"
t_eq "the unit's ExecStart has the installed paths" \
    "ExecStart=/usr/sbin/pktinfod -c $CONF" "$(grep '^ExecStart=' "$UNIT")"

# Docker images of Debian often drop man pages at install (path-exclude
# in dpkg.cfg.d): verify checks the Documentation= pages only when they
# were installed.
man=yes
[ -f /usr/share/man/man8/pktinfod.8.gz ] && command -v man >/dev/null ||
    man=no
verify() {
	out=$(systemd-analyze verify --man=$man "$1" 2>&1)
	status=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	[ "$status" -eq 0 ] && [ -z "$out" ]
}
t_check "systemd-analyze verify (--man=$man) is clean on $UNIT" verify "$UNIT"

# exposure UNIT: the overall score of systemd-analyze security, 99 if none.
exposure() {
	systemd-analyze security --offline=yes "$1" 2>&1 |
	    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p' |
	    grep . || echo 99
}
# le A B / gt A B: decimal comparisons.
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
gt() { ! le "$1" "$2"; }
# not COMMAND...: COMMAND fails (its output dropped).
not() { ! "$@" >/dev/null 2>&1; }
score=$(exposure "$UNIT")
t_check "systemd-analyze security scores $score <= $MAX_EXPOSURE" \
    le "$score" "$MAX_EXPOSURE"

# Negative controls: a unit without the sandbox scores high, and verify
# speaks up about a unit with an unknown key.
mkdir "$T_DIR/units"
printf '[Service]\nExecStart=/usr/sbin/pktinfod\n' \
    >"$T_DIR/units/pktinfod-bare.service"
bare=$(exposure "$T_DIR/units/pktinfod-bare.service")
t_check "control: the same daemon without the sandbox scores $bare > $MAX_EXPOSURE" \
    gt "$bare" "$MAX_EXPOSURE"
sed 's/^Type=notify$/Type=notify\nNoSuchKey=yes/' "$UNIT" \
    >"$T_DIR/units/pktinfod-bad.service"
t_check "control: verify speaks up about a unit with an unknown key" \
    not verify "$T_DIR/units/pktinfod-bad.service"

# The installed programs, not the build tree's: a daemon with the installed
# configuration on a free loopback port, asked by the installed pktq.
PKTINFOD=/usr/sbin/pktinfod
t_daemon_start pkg -c "$CONF" -l 127.0.0.1
t_check "the installed pktq gets a ping answered by the installed pktinfod" \
    sh -c "/usr/bin/pktq --compact 127.0.0.1:$PORT ping | grep -q '\"ok\":true'"
t_daemon_stop "$DAEMON_PID"
t_eq "the installed pktinfod stops cleanly on SIGTERM" 0 "$STOP_STATUS"

lintian "$DEB" >"$T_DIR/lintian" 2>&1
grep -v 'running with root privileges' "$T_DIR/lintian" | sed 's/^/lintian: /'
t_check "lintian reports no errors" sh -c "! grep -q '^E:' $T_DIR/lintian"

t_check "dpkg --purge removes it" quiet dpkg-purge.log dpkg --purge pktinfod
installed=no
t_check "the purge leaves no /etc/pktinfod" test ! -e /etc/pktinfod
t_check "the purge leaves no unit" test ! -e "$UNIT"
t_log "took $(($(date +%s) - start)) s"
t_done
