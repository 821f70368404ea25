/* acl: prefix lists as sorted, merged, disjoint 128-bit intervals.  A
 * prefix is the interval [net, net | ~mask]; nested, duplicate and
 * adjacent ones merge, and the deny intervals are subtracted from the
 * allow ones at build time, so acl_allows is one binary search over one
 * array: prefixes as ranges searched by their endpoints (Lampson,
 * Srinivasan and Varghese, "IP lookups using multiway and multicolumn
 * search", INFOCOM 1998), O(log n) where addr_cidr_list_match is O(n).
 * Two prefixes are nested or disjoint, never half-overlapping, so the
 * merge only ever grows an interval or starts a new one. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "acl.h"

/* An address as a big-endian 128-bit integer. */
struct u128 {
	uint64_t hi, lo;
};

struct acl_range {
	struct u128 first, last;	/* inclusive */
};

struct acl {
	size_t n;
	struct acl_range r[];
};

static struct u128
u128_of(const struct in6_addr *a)
{
	struct u128 v = { 0, 0 };
	int i;

	for (i = 0; i < 8; i++) {
		v.hi = v.hi << 8 | a->s6_addr[i];
		v.lo = v.lo << 8 | a->s6_addr[8 + i];
	}
	return v;
}

static int
u128_lt(struct u128 a, struct u128 b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

static int
u128_is_max(struct u128 a)
{
	return a.hi == UINT64_MAX && a.lo == UINT64_MAX;
}

/* The caller knows a is not 0 / not the maximum. */
static struct u128
u128_dec(struct u128 a)
{
	if (a.lo-- == 0)
		a.hi--;
	return a;
}

static struct u128
u128_inc(struct u128 a)
{
	if (++a.lo == 0)
		a.hi++;
	return a;
}

/* The host bits of a len-bit prefix, for each half; a shift by 64 is
 * undefined in C, hence the cases. */
static uint64_t
host_bits(unsigned int len)
{
	if (len == 0)
		return UINT64_MAX;
	if (len >= 64)
		return 0;
	return UINT64_MAX >> len;
}

static struct acl_range
range_of(const struct addr_cidr *c)
{
	struct acl_range r;
	uint64_t hhi = host_bits(c->len);
	uint64_t hlo = host_bits(c->len > 64 ? c->len - 64 : 0);

	r.first = u128_of(&c->net);
	r.first.hi &= ~hhi;
	r.first.lo &= ~hlo;
	r.last.hi = r.first.hi | hhi;
	r.last.lo = r.first.lo | hlo;
	return r;
}

static int
range_cmp(const void *pa, const void *pb)
{
	const struct acl_range *a = pa, *b = pb;

	if (u128_lt(a->first, b->first))
		return -1;
	return u128_lt(b->first, a->first);
}

/* Sort the n ranges at r and merge those that overlap or touch, in
 * place; returns how many remain.  O(n log n). */
static size_t
merge(struct acl_range *r, size_t n)
{
	size_t i, out = 0;

	if (n == 0)
		return 0;
	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 1; i < n; i++) {
		if (u128_is_max(r[out].last) ||
		    !u128_lt(u128_inc(r[out].last), r[i].first)) {
			if (u128_lt(r[out].last, r[i].last))
				r[out].last = r[i].last;
		} else
			r[++out] = r[i];
	}
	return out + 1;
}

/* out = allow minus deny, both sorted and disjoint; out has room for
 * na + nd ranges (each deny range splits at most one allow range in two
 * within the bounds of that sum).  Returns the count.  O(na + nd). */
static size_t
subtract(struct acl_range *out, const struct acl_range *allow, size_t na,
    const struct acl_range *deny, size_t nd)
{
	struct acl_range cur;
	size_t i, j = 0, n = 0;
	int open;

	for (i = 0; i < na; i++) {
		cur = allow[i];
		open = 1;
		while (j < nd && u128_lt(deny[j].last, cur.first))
			j++;
		/* A deny range that reaches past cur may cover the next
		 * allow range too, so j stays on it. */
		for (; open && j < nd && !u128_lt(cur.last, deny[j].first);
		    j++) {
			if (u128_lt(cur.first, deny[j].first)) {
				out[n].first = cur.first;
				out[n++].last = u128_dec(deny[j].first);
			}
			if (!u128_lt(deny[j].last, cur.last)) {
				open = 0;
				break;
			}
			cur.first = u128_inc(deny[j].last);
		}
		if (open)
			out[n++] = cur;
	}
	return n;
}

static int
load(struct acl_range *r, const struct addr_cidr *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i].len > 128)
			return -1;
		r[i] = range_of(&c[i]);
	}
	return 0;
}

struct acl *
acl_new(const struct addr_cidr *allow, size_t nallow,
    const struct addr_cidr *deny, size_t ndeny)
{
	struct acl_range *tmp;
	struct acl *a;
	size_t total, na, nd;

	if (nallow > SIZE_MAX / 2 / sizeof(*tmp) ||
	    ndeny > SIZE_MAX / 2 / sizeof(*tmp)) {
		errno = ENOMEM;
		return NULL;
	}
	total = nallow + ndeny;
	/* One element at least: malloc(0) may return NULL. */
	if ((tmp = malloc((total + 1) * sizeof(*tmp))) == NULL)
		return NULL;
	if (load(tmp, allow, nallow) == -1 ||
	    load(tmp + nallow, deny, ndeny) == -1) {
		free(tmp);
		errno = EINVAL;
		return NULL;
	}
	na = merge(tmp, nallow);
	nd = merge(tmp + nallow, ndeny);
	if ((a = malloc(sizeof(*a) + (na + nd) * sizeof(a->r[0]))) == NULL) {
		free(tmp);
		return NULL;
	}
	a->n = subtract(a->r, tmp, na, tmp + nallow, nd);
	free(tmp);
	return a;
}

void
acl_free(struct acl *a)
{
	free(a);
}

int
acl_allows(const struct acl *a, const struct in6_addr *src)
{
	struct u128 v = u128_of(src);
	size_t lo = 0, hi = a->n, mid;

	/* The first range that starts after v; its predecessor is the only
	 * one that can hold v. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (u128_lt(v, a->r[mid].first))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo > 0 && !u128_lt(a->r[lo - 1].last, v);
}

size_t
acl_intervals(const struct acl *a)
{
	return a->n;
}
