/* shim_malloc: LD_PRELOAD'ed into pktinfod by
 * tests/integration/t_alloc.sh, counts the calls that take memory from the
 * heap (malloc, calloc, realloc, aligned forms) and writes the count to
 * $ALLOC_COUNT_FILE when the process ends. */
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

void *malloc(size_t);
void *calloc(size_t, size_t);
void *realloc(void *, size_t);
int posix_memalign(void **, size_t, size_t);
void *aligned_alloc(size_t, size_t);

static unsigned long count;

void *
malloc(size_t n)
{
	__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	return __libc_realloc(p, n);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	*out = __libc_memalign(align, n);
	return *out == NULL ? 12 : 0;
}

void *
aligned_alloc(size_t align, size_t n)
{
	__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	return __libc_memalign(align, n);
}

__attribute__((destructor)) static void
report(void)
{
	const char *path = getenv("ALLOC_COUNT_FILE");
	FILE *f;

	if (path == NULL || (f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "%lu\n", __atomic_load_n(&count, __ATOMIC_RELAXED));
	fclose(f);
}
