#!/bin/sh
# Replays the fuzz seed corpus (tests/fuzz/corpus/NAME/) through each fuzz
# harness, built here without libFuzzer: every seed must meet the
# harness's properties.  `make fuzz` (tests/fuzz/fuzz.sh) runs the same
# harnesses under libFuzzer with ASan and UBSan to look for new inputs.
. "$(dirname "$0")/lib.sh"

for name in proto cmsg addr; do
	t_check "fuzz_$name: every seed in tests/fuzz/corpus/$name meets its properties" \
	    "$top_builddir/tests/fuzz/fuzz_$name" "$top_srcdir/tests/fuzz/corpus/$name"
done
t_done
