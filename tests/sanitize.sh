#!/bin/sh
# sanitize.sh: the whole test suite again under clang's AddressSanitizer and
# UndefinedBehaviorSanitizer, the fuzz harnesses under libFuzzer for
# FUZZ_SECONDS (default 60) each, then the unit tests, the fuzz seed replays
# and two integration tests under valgrind (errors or definite leaks fail).  Run from the source top
# after _build/ exists (quickstart.sh test does both).
set -eu
top=$(pwd)

rm -rf _build-san
mkdir _build-san
(cd _build-san && CC=clang ../configure -q --enable-werror --enable-sanitizers &&
    make -j"$(nproc)" >/dev/null &&
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    make -j"$(nproc)" check ALLOC_TESTS=) ||
    { cat _build-san/tests/*/*.log; exit 1; }

# libFuzzer on the protocol, control-message and address parsers, starting
# from the seed corpus (tests/fuzz/fuzz.sh; a failing input fails the run).
FUZZ_SECONDS=${FUZZ_SECONDS:-60} top_builddir="$top/_build-san" \
    top_srcdir="$top" sh tests/fuzz/fuzz.sh

VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
fails=0
count=0
for t in _build/tests/unit/check_*; do
	[ -x "$t" ] || continue
	count=$((count + 1))
	if CK_FORK=no $VG "$t" >/dev/null; then
		echo "valgrind: ok   $t"
	else
		echo "valgrind: FAIL $t"
		fails=$((fails + 1))
	fi
done
for name in proto cmsg addr; do
	count=$((count + 1))
	if $VG "_build/tests/fuzz/fuzz_$name" "tests/fuzz/corpus/$name" >/dev/null; then
		echo "valgrind: ok   fuzz_$name (seed corpus)"
	else
		echo "valgrind: FAIL fuzz_$name (seed corpus)"
		fails=$((fails + 1))
	fi
done
for t in t_loopback t_badinput; do
	count=$((count + 1))
	if top_builddir="$top/_build" top_srcdir="$top" PKTINFOD_WRAPPER="$VG" \
	    sh "tests/integration/$t.sh"; then
		echo "valgrind: ok   $t (pktinfod under valgrind)"
	else
		echo "valgrind: FAIL $t (pktinfod under valgrind)"
		fails=$((fails + 1))
	fi
done
echo "sanitize: $((count - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
