/* fuzz_replay: run a fuzz harness over files, without libFuzzer, so that
 * make check replays the seed corpus (tests/fuzz/corpus/NAME/) with any
 * compiler.
 * usage: fuzz_NAME FILE|DIR...; exit 0 when every input passed. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX (1 << 20)

static int
replay_file(const char *path)
{
	static uint8_t buf[REPLAY_MAX];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

static int
replay(const char *path, unsigned int *count)
{
	char sub[4096];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (stat(path, &st) == -1) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	if ((d = opendir(path)) == NULL) {
		perror(path);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (replay(sub, count) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned int count = 0;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		if (replay(argv[i], &count) == -1)
			rc = 1;
	printf("%s: %u inputs replayed\n", argv[0], count);
	return rc != 0 || count == 0;
}
