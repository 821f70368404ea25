#!/bin/sh
# quickstart.sh run|test — the README's two commands for a fresh Debian
# machine: install what is missing, build, then run the daemon on its
# embedded defaults (run) or the whole test suite (test; what CI runs).
set -eu
cd "$(dirname "$0")"

# Build and library packages, then what the tests drive (jq reads answers,
# strace shows the control messages, iproute2 builds test namespaces,
# tshark captures answers on the wire, valgrind and clang with its
# sanitizer runtime, libclang-rt-dev, check memory).
PKGS_BUILD="build-essential autoconf automake pkg-config libevent-dev libcjson-dev check"
PKGS_TEST="jq strace iproute2 tshark valgrind clang libclang-rt-dev"

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

case "${1:-}" in
run)
	install_missing $PKGS_BUILD
	build
	exec ./_build/pktinfod
	;;
test)
	install_missing $PKGS_BUILD $PKGS_TEST
	autoreconf -fi
	rm -rf _build
	build --enable-werror
	(cd _build && make -j"$(nproc)" check) ||
	    { cat _build/tests/*.log; exit 1; }
	(cd _build && make -j"$(nproc)" distcheck \
	    DISTCHECK_CONFIGURE_FLAGS=--enable-werror)
	sh tests/sanitize.sh
	;;
*)
	echo "usage: quickstart.sh run|test" >&2
	exit 2
	;;
esac
