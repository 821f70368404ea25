/* fuzz.h: what the fuzz harnesses share.  Each harness defines
 * LLVMFuzzerTestOneInput and stops the process with FUZZ_CHECK when a
 * property of the code under test does not hold: under libFuzzer
 * (tests/fuzz/fuzz.sh) the input is then saved as a crash; under make check
 * (fuzz_replay.c over tests/fuzz/corpus/NAME/) the test fails. */
#ifndef PKTINFOD_FUZZ_H
#define PKTINFOD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif
