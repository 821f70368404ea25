/* arena: per-thread bump allocator for cJSON. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "arena.h"

/* Every block keeps max_align_t alignment, as malloc's do. */
#define ARENA_ALIGN (sizeof(max_align_t))

static _Thread_local struct arena *current;

static int
in_arena(const struct arena *a, const void *p)
{
	const unsigned char *c = p;

	return a != NULL && c >= a->base && c < a->base + a->size;
}

static void *
arena_alloc(size_t size)
{
	struct arena *a = current;
	size_t need = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	void *p;

	if (a == NULL)
		return malloc(size);
	if (need < size || need > a->size - a->used) {
		a->overflows++;
		return malloc(size);
	}
	p = a->base + a->used;
	a->used += need;
	return p;
}

/* Arena blocks are released all at once by arena_reset. */
static void
arena_release(void *p)
{
	if (!in_arena(current, p))
		free(p);
}

void
arena_install(void)
{
	cJSON_Hooks hooks = { arena_alloc, arena_release };

	cJSON_InitHooks(&hooks);
}

int
arena_init(struct arena *a, size_t size)
{
	a->base = malloc(size);
	a->size = a->base != NULL ? size : 0;
	a->used = 0;
	a->overflows = 0;
	if (a->base == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
arena_free(struct arena *a)
{
	if (current == a)
		current = NULL;
	free(a->base);
	a->base = NULL;
	a->size = 0;
}

void
arena_bind(struct arena *a)
{
	current = a;
}

void
arena_reset(struct arena *a)
{
	a->used = 0;
}
