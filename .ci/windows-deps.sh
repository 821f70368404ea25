#!/bin/sh
# .ci/windows-deps.sh PREFIX — static x86_64-w64-mingw32 copies of libevent,
# cJSON and Check, built from Debian's own source packages into PREFIX
# (include/, lib/, lib/pkgconfig/), for ./configure --host=x86_64-w64-mingw32
# with PKG_CONFIG_LIBDIR=PREFIX/lib/pkgconfig.  Also installs the cross
# compiler and Wine.  A PREFIX holding a finished build of this recipe is
# reused as it is; nothing is written inside the source tree.
set -eu

HOST=x86_64-w64-mingw32
# Bump when the build below changes, so that older prefixes are rebuilt.
RECIPE=2
SRC_PKGS="libevent cjson check"
# The posix flavour of the cross gcc comes with winpthreads, which Check
# needs; dpkg-dev unpacks source packages; Wine runs what is built.
TOOL_PKGS="gcc-mingw-w64-x86-64-posix cmake ninja-build make pkg-config
    dpkg-dev wine"

usage() { echo "usage: .ci/windows-deps.sh PREFIX" >&2; exit 2; }
if [ $# -ne 1 ] || [ -z "$1" ]; then usage; fi
case $1 in
/*) PREFIX=$1 ;;
*) PREFIX=$(pwd)/$1 ;;
esac
STAMP=$PREFIX/.windows-deps-stamp
PARTIAL=$PREFIX/.windows-deps-partial
START=$(date +%s)

# One run at a time per PREFIX: the CI of another checkout on this machine
# may be building the same prefix (the rm -rf below would pull it from
# under that build).  Wait for it, then reuse what it made.
mkdir -p "$(dirname "$PREFIX")"
exec 9>"$PREFIX.lock"
if ! flock -w 1800 9; then
	echo "windows-deps: $PREFIX.lock is still held after 30 minutes" >&2
	exit 1
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
say() { echo "windows-deps: $*"; }

have_tools() {
	for t in $HOST-gcc wine pkg-config; do
		command -v "$t" >/dev/null || return 1
	done
}

if [ -f "$STAMP" ] && grep -qx "recipe $RECIPE" "$STAMP" && have_tools; then
	say "reusing $PREFIX: $(sed 1d "$STAMP" | tr '\n' ' ')"
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
	    --no-install-recommends $missing >"$WORK/apt-install.log" 2>&1 ||
	    { cat "$WORK/apt-install.log" >&2; exit 1; }
}

# deb-src twins of the distribution's own deb entries (suite = codename or
# codename-*), in whichever format they are written: one-line entries in
# sources.list and *.list, deb822 stanzas in *.sources.  Third-party
# repositories rarely publish sources, so they are left out.
derive_deb_src() {
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || return 1
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v cn="$codename" '
		    { sub(/#.*/, "") }
		    $1 != "deb" { next }
		    {
			i = 2		# [options] may span fields
			if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			suite = $(i + 1)
			if (suite !~ "^" cn "([-/]|$)") next
			sub(/^[ \t]*deb/, "deb-src"); print
		    }' "$f"
	done >"$WORK/deb-src.list"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v cn="$codename" '
		    function flush(   k, n, s, i, ok) {
			ok = f["types"] ~ /(^|[ \t])deb([ \t]|$)/ &&
			    f["types"] !~ /deb-src/ && f["enabled"] !~ /^[Nn][Oo]$/
			n = split(f["suites"], s, " ")
			for (i = 1; ok && i <= n; i++)
				if (s[i] ~ "^" cn "([-/]|$)") break
			if (ok && i <= n) {
				print "Types: deb-src"
				for (k = 1; k <= nf; k++)
					if (key[k] != "types") print line[k]
				print ""
			}
			split("", f); nf = 0
		    }
		    /^[ \t]*#/ { next }
		    /^[ \t]*$/ { flush(); next }
		    /^[ \t]/ { line[nf] = line[nf] "\n" $0; next }
		    {
			k = tolower(substr($0, 1, index($0, ":") - 1))
			v = substr($0, index($0, ":") + 1)
			gsub(/^[ \t]+|[ \t]+$/, "", v)
			f[k] = v; key[++nf] = k; line[nf] = $0
		    }
		    END { flush() }' "$f"
	done >"$WORK/deb-src.sources"
}

have_src() { apt-cache showsrc libevent 2>/dev/null | grep -q '^Package:'; }

# apt-get source needs deb-src entries; add ours only when apt has none.
ensure_deb_src() {
	have_src && return 0
	# shellcheck disable=SC2016 # $(IDENTIFIER) is apt's syntax
	if apt-get indextargets --no-release-info --format '$(IDENTIFIER)' |
	    grep -qx Sources; then
		apt_update	# configured, but not fetched yet
		return 0
	fi
	derive_deb_src || { say "no VERSION_CODENAME in /etc/os-release" >&2; exit 1; }
	if ! [ -s "$WORK/deb-src.sources" ] && ! [ -s "$WORK/deb-src.list" ]; then
		say "no deb entry of this release to derive deb-src from" >&2
		exit 1
	fi
	for ext in sources list; do
		[ -s "$WORK/deb-src.$ext" ] || continue
		as_root cp "$WORK/deb-src.$ext" \
		    /etc/apt/sources.list.d/pktinfod-deb-src.$ext
		say "added /etc/apt/sources.list.d/pktinfod-deb-src.$ext"
	done
	apt_updated=no
	apt_update
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/windows-deps.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM
JOBS=$(nproc 2>/dev/null || echo 2)

# Never delete a directory this script did not make.
if [ -d "$PREFIX" ] && [ -n "$(ls -A "$PREFIX")" ] &&
    ! [ -f "$STAMP" ] && ! [ -f "$PARTIAL" ]; then
	say "$PREFIX is not empty and was not made by this script" >&2
	exit 1
fi

install_missing $TOOL_PKGS
ensure_deb_src

cd "$WORK"
# _apt cannot read our private work directory: download as ourselves.
apt-get source -qq -o APT::Sandbox::User="$(id -un)" $SRC_PKGS \
    >apt-source.log 2>&1 || { cat apt-source.log >&2; exit 1; }

srcver() { sed -n 's/^Version: //p' "$WORK"/"$1"_*.dsc | head -n 1; }
srcdir() {
	for d in "$WORK/$1"-*/; do
		[ -d "$d" ] && { echo "${d%/}"; return 0; }
	done
	echo "windows-deps: no unpacked source of $1" >&2
	return 1
}
for p in $SRC_PKGS; do srcdir "$p" >/dev/null; done

rm -rf "$PREFIX"
mkdir -p "$PREFIX"
: >"$PARTIAL"

# Configure checks and sources include <windows.h>; its lean variant halves
# what each compile costs.  Defined empty, as the libevent sources that
# define it themselves do, so that theirs is no redefinition.
LEAN=-DWIN32_LEAN_AND_MEAN=

cat >toolchain.cmake <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER $HOST-gcc)
set(CMAKE_RC_COMPILER $HOST-windres)
set(CMAKE_FIND_ROOT_PATH /usr/$HOST)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
EOF

# fix_file FILE SED-SCRIPT: edit an installed file (.pc, header) in place.
fix_file() {
	sed "$2" "$1" >"$1.new" && mv "$1.new" "$1"
}

# The functions below run with set -e suspended (they are called in ||
# lists), so each step is chained.

# cmake_build NAME OPTION...: configure, build and install one package.
cmake_build() {
	src=$(srcdir "$1") || return 1
	bld=$WORK/build-$1
	shift
	cmake -G Ninja -S "$src" -B "$bld" \
	    -DCMAKE_TOOLCHAIN_FILE="$WORK/toolchain.cmake" \
	    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$LEAN" \
	    -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
	    "$@" && cmake --build "$bld" -j "$JOBS" && cmake --install "$bld"
}

# Debian's patches to libevent touch Makefile.am, so its Autotools build
# would want to rerun automake; CMake reads none of that.
build_libevent() {
	cmake_build libevent -DEVENT__LIBRARY_TYPE=STATIC \
	    -DEVENT__DISABLE_OPENSSL=ON -DEVENT__DISABLE_MBEDTLS=ON \
	    -DEVENT__DISABLE_TESTS=ON -DEVENT__DISABLE_REGRESS=ON \
	    -DEVENT__DISABLE_SAMPLES=ON -DEVENT__DISABLE_BENCHMARK=ON ||
	    return 1
	# libevent 2.1.12's CMake writes its Windows libraries as -Lws2_32
	# and leaves out iphlpapi, which it links with.
	for pc in "$PREFIX"/lib/pkgconfig/libevent*.pc; do
		fix_file "$pc" '/^Libs.private:/{
s/-L\([a-z0-9_]*\)/-l\1/g
s/$/ -liphlpapi/
}' || return 1
	done
}

# A static library: no dllexport inside it, nor in its users' view of it.
build_cjson() {
	cmake_build cjson -DBUILD_SHARED_LIBS=OFF -DENABLE_CJSON_TEST=OFF \
	    -DENABLE_CJSON_UTILS=OFF -DENABLE_CUSTOM_COMPILER_FLAGS=OFF \
	    -DENABLE_PUBLIC_SYMBOLS=OFF -DENABLE_HIDDEN_SYMBOLS=ON &&
	    fix_file "$PREFIX/lib/pkgconfig/libcjson.pc" \
	    '/^Cflags:/s/$/ -DCJSON_HIDE_SYMBOLS/'
}

# Debian's patches to Check leave its build files alone.  Only lib/ (the
# compat functions folded into libcheck), src/, check_stdint.h and check.pc
# are needed.  Without fork(), Check runs each test in-process on Windows.
build_check() {
	src=$(srcdir check) || return 1
	(cd "$src" && ./configure -q --host=$HOST --prefix="$PREFIX" \
	    --disable-shared --enable-static --disable-dependency-tracking \
	    --enable-subunit=no --disable-build-docs --disable-timeout-tests \
	    CFLAGS=-O2 CPPFLAGS="$LEAN" &&
	    make -j"$JOBS" -C lib && make -j"$JOBS" -C src &&
	    make -C src install &&
	    make install-includeHEADERS install-pcdataDATA) || return 1
	# Debian's check.pc names Debian's own libcheck_pic.a.  A static
	# libcheck needs winpthreads for its timers and locks.
	fix_file "$PREFIX/lib/pkgconfig/check.pc" \
	    '/^Libs:/s/-lcheck_pic/-lcheck -lpthread/' || return 1
	# mingw gcc reads format(printf) as msvcrt's ms_printf, which has no
	# %jd, so every ck_assert_int_* fails -Wformat -Werror; but Check
	# formats with its own C99 rpl_vsnprintf (configure's "snprintf
	# replacement"), for which gnu_printf is the true archetype.
	fix_file "$PREFIX/include/check.h" \
	    's/CK_ATTRIBUTE_FORMAT(printf,/CK_ATTRIBUTE_FORMAT(gnu_printf,/' &&
	    rm -f "$PREFIX/lib/libcheck.la"
}

# libevent's configure step is the long one: Check and cJSON build beside it.
say "building libevent $(srcver libevent), check $(srcver check)," \
    "cjson $(srcver cjson) for $HOST into $PREFIX"
build_libevent >libevent.log 2>&1 &
libevent_pid=$!
failed=""
build_check >check.log 2>&1 || failed="$failed check"
build_cjson >cjson.log 2>&1 || failed="$failed cjson"
wait $libevent_pid || failed="$failed libevent"
for p in $failed; do
	say "building $p failed; the end of its log:" >&2
	tail -n 30 "$p.log" >&2
done
[ -z "$failed" ] || exit 1

for pc in libevent libevent_core libcjson check; do
	PKG_CONFIG_LIBDIR=$PREFIX/lib/pkgconfig pkg-config --exists $pc ||
	    { say "no usable $pc.pc in $PREFIX" >&2; exit 1; }
done
{
	echo "recipe $RECIPE"
	for p in $SRC_PKGS; do echo "$p $(srcver "$p")"; done
	echo "$HOST-gcc $($HOST-gcc -dumpfullversion)"
} >"$STAMP.new"
mv "$STAMP.new" "$STAMP"
rm -f "$PARTIAL"
say "done in $(($(date +%s) - START)) s: PKG_CONFIG_LIBDIR=$PREFIX/lib/pkgconfig"
