#!/bin/sh
# fuzz.sh: run each fuzz harness (tests/fuzz/fuzz_*.c) under libFuzzer with
# AddressSanitizer and UndefinedBehaviorSanitizer for FUZZ_SECONDS seconds
# (default 20), starting from the seed corpus in tests/fuzz/corpus/NAME/.  The
# corpus in the tree is not changed; new inputs go to a scratch directory.
# A failing input is kept in $top_builddir/fuzz-crashes/ and the exit
# status is 1.  Needs clang with its sanitizer runtime (Debian: clang,
# libclang-rt-dev).  Run by `make fuzz` and by tests/sanitize.sh.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/_build}"
: "${FUZZ_SECONDS:=20}"
: "${FUZZ_CC:=clang}"

if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	echo "fuzz: $FUZZ_CC not found (Debian: apt-get install clang libclang-rt-dev)" >&2
	exit 1
fi
if [ ! -f "$top_builddir/config.h" ]; then
	echo "fuzz: no config.h in $top_builddir: run configure first" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pktinfod-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
crashes="$top_builddir/fuzz-crashes"
mkdir -p "$crashes"

lib="$top_srcdir/lib"
fuzz="$top_srcdir/tests/fuzz"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
    -DHAVE_CONFIG_H -I$top_builddir -I$lib -I$lib/posix -I$fuzz"
fails=0
for name in proto cmsg addr; do
	case $name in
	proto) mods="$lib/proto.c $lib/jscan.c $lib/jwrite.c $lib/siphash.c
	    $lib/acl.c $lib/addr.c" libs=-lcjson ;;
	cmsg) mods="$lib/posix/cmsg.c $lib/srcsel.c $lib/addr.c" libs= ;;
	addr) mods="$lib/addr.c" libs= ;;
	esac
	# shellcheck disable=SC2086
	$FUZZ_CC $flags -o "$work/fuzz_$name" "$fuzz/fuzz_$name.c" \
	    $mods $libs
	mkdir -p "$work/corpus_$name"
	cp "$fuzz/corpus/$name"/* "$work/corpus_$name/"
	if "$work/fuzz_$name" -max_total_time="$FUZZ_SECONDS" -max_len=4096 \
	    -artifact_prefix="$crashes/${name}-" -print_final_stats=1 \
	    "$work/corpus_$name" >"$work/$name.log" 2>&1; then
		echo "fuzz: ok   fuzz_$name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" | grep -o '[0-9]*$') runs in ${FUZZ_SECONDS} s, no failure"
	else
		tail -40 "$work/$name.log"
		echo "fuzz: FAIL fuzz_$name: input kept in $crashes/"
		fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ]
