#!/bin/sh
# quickstart.sh run|test|test-windows — the README's commands for a fresh
# Debian machine: install what is missing, build, then run the daemon on
# its embedded defaults (run) or the whole test suite (test; what CI runs):
# Linux, then the Windows cross build under Wine (test-windows alone).
set -eu
cd "$(dirname "$0")"

# Build and library packages (libsystemd-dev for sd_notify, libbsd-dev
# for the pid file), then what the
# tests drive (jq reads answers, strace shows the control messages,
# iproute2 builds test namespaces, tshark captures answers on the wire,
# valgrind and clang with its sanitizer runtime, libclang-rt-dev, check
# memory; curl scrapes the metrics endpoint and promtool, from prometheus,
# checks what it serves; dpkg-dev, debhelper and lintian build and check
# the Debian package, systemd's systemd-analyze its unit; bird2 is the
# BGP daemon of the anycast test, tests/integration/t_anycast.sh).
PKGS_BUILD="build-essential autoconf automake pkg-config libevent-dev libcjson-dev libbsd-dev check libsystemd-dev"
PKGS_TEST="jq strace iproute2 tshark valgrind clang libclang-rt-dev curl prometheus dpkg-dev debhelper lintian systemd bird2"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "quickstart: installing$missing"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $missing
}

# Builds happen out of tree in _build/, so that tests/sanitize.sh can
# configure a second tree beside it.
build() {
	[ -x configure ] || autoreconf -fi
	mkdir -p _build
	(cd _build && { [ -f Makefile ] || ../configure "$@"; } &&
	    make -j"$(nproc)")
}

# Static mingw builds of libevent, cJSON and Check, kept between runs; the
# script also installs the cross compiler and Wine (.ci/WINDOWS.md).
W64DEPS=${PKTINFOD_W64DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/pktinfod/w64deps}
DEPS_LOG=""
deps_pid=""

cleanup() {
	# A build that failed before the Windows part leaves the deps job.
	[ -z "$deps_pid" ] || kill "$deps_pid" 2>/dev/null || true
	WINEPREFIX="$PWD/_build-w64/tests/wineprefix" \
	    sh tests/wine-run.sh --remove 2>/dev/null || true
	[ -z "$DEPS_LOG" ] || rm -f "$DEPS_LOG"
}

# About two minutes on a fresh machine, so it runs in the background, at
# low priority, while the Linux part builds and tests.
start_windows_deps() {
	DEPS_LOG=$(mktemp "${TMPDIR:-/tmp}/pktinfod-windows-deps.XXXXXX")
	nice -n 19 sh .ci/windows-deps.sh "$W64DEPS" >"$DEPS_LOG" 2>&1 &
	deps_pid=$!
}

# The Windows part: cross-build pktinfod.exe, pktq.exe and the unit tests
# with mingw-w64, and run them under Wine; the Wine tests query the
# Windows daemon with _build's native pktq and udpq.
test_windows() {
	win_start=$(date +%s)
	if ! wait "$deps_pid"; then
		deps_pid=""
		cat "$DEPS_LOG"
		exit 1
	fi
	deps_pid=""
	cat "$DEPS_LOG"
	rm -rf _build-w64
	mkdir _build-w64
	(cd _build-w64 && ../configure -q --host=x86_64-w64-mingw32 \
	    --enable-werror PKG_CONFIG=pkg-config \
	    PKG_CONFIG_LIBDIR="$W64DEPS/lib/pkgconfig" \
	    --with-native-build="$PWD/../_build" &&
	    make -j"$(nproc)" && make -j"$(nproc)" check) ||
	    { cat _build-w64/tests/*/*.log; exit 1; }
	echo "quickstart: Windows part took $(($(date +%s) - win_start)) s" \
	    "after the Linux part"
}

trap cleanup EXIT
trap 'exit 1' INT TERM

case "${1:-}" in
run)
	install_missing $PKGS_BUILD
	build
	exec ./_build/pktinfod/pktinfod
	;;
test)
	install_missing $PKGS_BUILD $PKGS_TEST
	start_windows_deps
	autoreconf -fi
	rm -rf _build
	build --enable-werror
	(cd _build && make -j"$(nproc)" check) ||
	    { cat _build/tests/*/*.log; exit 1; }
	(cd _build && make -j"$(nproc)" distcheck \
	    DISTCHECK_CONFIGURE_FLAGS=--enable-werror)
	# Not in make check: it needs root and debian/, which the dist
	# tarball leaves out.  77 is its skip (not root, outside CI).
	sh tests/integration/t_package.sh || [ $? -eq 77 ]
	sh tests/sanitize.sh
	test_windows
	;;
test-windows)
	install_missing $PKGS_BUILD jq
	start_windows_deps
	[ -x configure ] || autoreconf -fi
	build
	(cd _build && make -j"$(nproc)" tests/tools/udpq)
	test_windows
	;;
*)
	echo "usage: quickstart.sh run|test|test-windows" >&2
	exit 2
	;;
esac
