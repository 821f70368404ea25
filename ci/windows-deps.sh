#!/bin/sh
# ci/windows-deps.sh PREFIX — static x86_64-w64-mingw32 copies of libevent,
# cJSON and Check, built from Debian's own source packages into PREFIX
# (include/, lib/, lib/pkgconfig/), for ./configure --host=x86_64-w64-mingw32.
# Also installs the cross toolchain and Wine.  A PREFIX whose stamp matches
# is reused as it is; nothing is written inside the source tree.
set -eu

HOST=x86_64-w64-mingw32
# Bump when the build below changes, so that old prefixes are rebuilt.
RECIPE=1
SRC_PKGS="libevent cjson check"
TOOL_PKGS="gcc-mingw-w64-x86-64-posix cmake make pkgconf dpkg-dev
    ca-certificates wine"

usage() { echo "usage: ci/windows-deps.sh PREFIX" >&2; exit 2; }
[ $# -eq 1 ] && [ -n "$1" ] || usage
case $1 in
/*) PREFIX=$1 ;;
*) PREFIX=$(pwd)/$1 ;;
esac
STAMP=$PREFIX/.windows-deps-stamp

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
say() { echo "windows-deps: $*"; }

have_tools() {
	command -v $HOST-gcc >/dev/null && command -v cmake >/dev/null &&
	    command -v wine >/dev/null && command -v pkg-config >/dev/null &&
	    command -v dpkg-source >/dev/null
}

# Fast path: a complete build of this recipe and tools to use it.
if [ -f "$STAMP" ] && grep -qx "recipe $RECIPE" "$STAMP" && have_tools; then
	say "reusing $PREFIX ($(grep -v '^recipe' "$STAMP" | tr '\n' ' '))"
	exit 0
fi

apt_updated=no
apt_update() {
	[ $apt_updated = yes ] && return 0
	as_root apt-get update -qq
	apt_updated=yes
}

install_missing() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	say "installing$missing"
	apt_update
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $missing >/dev/null
}

# deb-src lines for the distribution's own entries (suite = codename or
# codename-*), copied from the deb lines in either format: classic
# sources.list or deb822 .sources.  Third-party repositories are left out.
derive_deb_src() {
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || { say "no VERSION_CODENAME in /etc/os-release" >&2; return 1; }
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v cn="$codename" '
		    { sub(/#.*/, "") }
		    $1 != "deb" { next }
		    {
			i = 2
			if ($2 ~ /^\[/) while ($i !~ /\]$/) i++
			suite = $(i == 2 && $2 !~ /^\[/ ? 3 : i + 2)
			if (suite != cn && index(suite, cn "-") != 1) next
			sub(/^[ \t]*deb/, "deb-src"); print
		    }' "$f"
	done >"$WORK/deb-src.list"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v cn="$codename" '
		    function flush(   k, ok, n, s, i) {
			if (!("types" in f) || f["enabled"] ~ /^[Nn][Oo]$/) { delete f; nf = 0; return }
			if (f["types"] !~ /(^| )deb( |$)/ || f["types"] ~ /deb-src/) {
				delete f; nf = 0; return
			}
			n = split(f["suites"], s, " "); ok = 0
			for (i = 1; i <= n; i++)
				if (s[i] == cn || index(s[i], cn "-") == 1) ok = 1
			if (ok) {
				print "Types: deb-src"
				for (k = 1; k <= nf; k++)
					if (tolower(key[k]) != "types") print line[k]
				print ""
			}
			delete f; nf = 0
		    }
		    /^[ \t]*#/ { next }
		    /^[ \t]*$/ { flush(); next }
		    /^[ \t]/ { line[nf] = line[nf] "\n" $0; next }
		    {
			k = tolower(substr($0, 1, index($0, ":") - 1))
			v = substr($0, index($0, ":") + 1); gsub(/^[ \t]+|[ \t]+$/, "", v)
			f[k] = v; key[++nf] = k; line[nf] = $0
		    }
		    END { flush() }' "$f"
	done >"$WORK/deb-src.sources"
}

# Sources the three packages, adding a deb-src file only when apt has none.
ensure_deb_src() {
	apt-cache showsrc libevent 2>/dev/null | grep -q '^Package:' && return 0
	derive_deb_src
	if ! [ -s "$WORK/deb-src.sources" ] && ! [ -s "$WORK/deb-src.list" ]; then
		say "no deb entry for this release to derive deb-src from" >&2
		return 1
	fi
	for ext in sources list; do
		[ -s "$WORK/deb-src.$ext" ] || continue
		as_root cp "$WORK/deb-src.$ext" \
		    /etc/apt/sources.list.d/pktinfod-deb-src.$ext
	done
	say "added a deb-src entry under /etc/apt/sources.list.d/"
	apt_updated=no
	apt_update
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/windows-deps.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
JOBS=$(nproc 2>/dev/null || echo 2)

install_missing $TOOL_PKGS
ensure_deb_src

cd "$WORK"
# _apt cannot write into our private work directory; download as ourselves.
apt-get source -qq -o APT::Sandbox::User="$(id -un)" $SRC_PKGS >apt-source.log 2>&1 ||
    { cat apt-source.log >&2; exit 1; }
srcver() { sed -n 's/^Version: //p' "$WORK"/$1_*.dsc | head -n 1; }
srcdir() { for d in "$WORK"/$1-*/; do [ -d "$d" ] && echo "${d%/}" && return; done; }

rm -rf "$PREFIX"
mkdir -p "$PREFIX"

cat >"$WORK/toolchain.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER $HOST-gcc)
set(CMAKE_RC_COMPILER $HOST-windres)
set(CMAKE_FIND_ROOT_PATH /usr/$HOST $PREFIX)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
EOF

cmake_build() {
	name=$1; shift
	say "building $name $(srcver "$name")"
	cmake -S "$(srcdir "$name")" -B "$WORK/build-$name" \
	    -DCMAKE_TOOLCHAIN_FILE="$WORK/toolchain.cmake" \
	    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" \
	    -DCMAKE_INSTALL_LIBDIR=lib "$@" >"$WORK/$name.log" 2>&1 &&
	cmake --build "$WORK/build-$name" -j "$JOBS" >>"$WORK/$name.log" 2>&1 &&
	cmake --install "$WORK/build-$name" >>"$WORK/$name.log" 2>&1 ||
	    { tail -n 40 "$WORK/$name.log" >&2; exit 1; }
}

# The Debian patches touch libevent's Makefile.am; CMake does not read it.
cmake_build libevent -DEVENT__LIBRARY_TYPE=STATIC \
    -DEVENT__DISABLE_OPENSSL=ON -DEVENT__DISABLE_MBEDTLS=ON \
    -DEVENT__DISABLE_TESTS=ON -DEVENT__DISABLE_REGRESS=ON \
    -DEVENT__DISABLE_SAMPLES=ON -DEVENT__DISABLE_BENCHMARK=ON
cmake_build cjson -DBUILD_SHARED_LIBS=OFF -DENABLE_CJSON_TEST=OFF \
    -DENABLE_CJSON_UTILS=OFF -DENABLE_CUSTOM_COMPILER_FLAGS=OFF

echo "recipe $RECIPE" >"$STAMP.new"
for p in $SRC_PKGS; do echo "$p $(srcver $p)" >>"$STAMP.new"; done
echo "gcc $($HOST-gcc -dumpfullversion)" >>"$STAMP.new"
mv "$STAMP.new" "$STAMP"
say "done: $PREFIX"
