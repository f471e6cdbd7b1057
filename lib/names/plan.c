#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "names/plan.h"

/* ---- 128-bit arithmetic ------------------------------------------------ */

static struct u128 u_add(struct u128 a, struct u128 b)
{
	struct u128 r = { a.hi + b.hi, a.lo + b.lo };

	if (r.lo < a.lo)
		r.hi++;
	return r;
}

static struct u128 u_sub(struct u128 a, struct u128 b)
{
	struct u128 r = { a.hi - b.hi, a.lo - b.lo };

	if (a.lo < b.lo)
		r.hi--;
	return r;
}

static int u_cmp(struct u128 a, struct u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static int u_eq(struct u128 a, struct u128 b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

/* 2^k - 1 for 0 <= k <= 128. */
static struct u128 u_low_mask(int k)
{
	struct u128 r = { 0, 0 };

	if (k >= 128)
		return (struct u128){ UINT64_MAX, UINT64_MAX };
	if (k >= 64) {
		r.lo = UINT64_MAX;
		r.hi = k == 64 ? 0 : (UINT64_C(1) << (k - 64)) - 1;
	} else if (k > 0) {
		r.lo = (UINT64_C(1) << k) - 1;
	}
	return r;
}

static struct u128 u_inc(struct u128 a)
{
	return u_add(a, (struct u128){ 0, 1 });
}

/* Trailing zero bits; 128 for zero. */
static int u_ctz(struct u128 a)
{
	if (a.lo)
		return __builtin_ctzll(a.lo);
	if (a.hi)
		return 64 + __builtin_ctzll(a.hi);
	return 128;
}

/* floor(log2(a)) for a != 0. */
static int u_log2(struct u128 a)
{
	if (a.hi)
		return 127 - __builtin_clzll(a.hi);
	return 63 - __builtin_clzll(a.lo);
}

/* ---- values and networks ------------------------------------------------ */

int plan_bits(int version)
{
	return version == 4 ? 32 : 128;
}

struct u128 plan_value(const struct ip *ip)
{
	struct u128 v = { 0, 0 };
	int i;

	if (ip->version == 4) {
		v.lo = (uint64_t)ip->b[0] << 24 | (uint64_t)ip->b[1] << 16 |
		       (uint64_t)ip->b[2] << 8 | ip->b[3];
		return v;
	}
	for (i = 0; i < 8; i++) {
		v.hi = v.hi << 8 | ip->b[i];
		v.lo = v.lo << 8 | ip->b[8 + i];
	}
	return v;
}

void plan_ip(struct u128 v, int version, struct ip *out)
{
	int i;

	memset(out, 0, sizeof *out);
	out->version = version;
	if (version == 4) {
		for (i = 0; i < 4; i++)
			out->b[i] = (uint8_t)(v.lo >> (24 - 8 * i));
		return;
	}
	for (i = 0; i < 8; i++) {
		out->b[i] = (uint8_t)(v.hi >> (56 - 8 * i));
		out->b[8 + i] = (uint8_t)(v.lo >> (56 - 8 * i));
	}
}

static struct u128 host_mask(const struct plan_net *n)
{
	return u_low_mask(plan_bits(n->version) - n->prefix);
}

void plan_net_range(const struct plan_net *n, struct plan_range *out)
{
	struct u128 m = host_mask(n);

	out->version = n->version;
	out->first = n->base;
	out->last = (struct u128){ n->base.hi | m.hi, n->base.lo | m.lo };
}

void plan_net_count(const struct plan_net *n, char *buf)
{
	addr_pow2_decimal(plan_bits(n->version) - n->prefix, buf);
}

char *plan_format_net(const struct plan_net *n, char *buf)
{
	struct ip ip;
	size_t len;

	plan_ip(n->base, n->version, &ip);
	addr_format(&ip, buf);
	len = strlen(buf);
	snprintf(buf + len, PLAN_STRLEN - len, "/%d", n->prefix);
	return buf;
}

/* ---- parsing ------------------------------------------------------------- */

int plan_parse_net(const char *s, size_t n, struct plan_net *out,
		   struct addr_error *err)
{
	struct ip_prefix p;
	struct u128 m;

	if (addr_parse_prefix(s, n, &p, err) < 0)
		return -1;
	out->version = p.ip.version;
	out->prefix = p.prefix < 0 ? plan_bits(p.ip.version) : p.prefix;
	out->base = plan_value(&p.ip);
	m = host_mask(out);
	out->base.hi &= ~m.hi;
	out->base.lo &= ~m.lo;
	return 0;
}

int plan_make_range(const struct ip *start, const struct ip *end,
		    struct plan_range *out, struct addr_error *err)
{
	enum addr_err code = ADDR_OK;

	out->version = start->version;
	out->first = plan_value(start);
	out->last = plan_value(end);
	if (start->version != end->version)
		code = ADDR_RANGE_FAMILY;
	else if (u_cmp(out->first, out->last) > 0)
		code = ADDR_RANGE_ORDER;
	if (code == ADDR_OK)
		return 0;
	if (err)
		*err = (struct addr_error){ code, 0, 0 };
	return -1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void trim_blanks(const char **s, size_t *n)
{
	while (*n && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

/* The address of a START-END item at s[off..off+n), errors placed there. */
static int parse_end(const char *s, size_t off, size_t n, struct ip *out,
		     struct addr_error *err)
{
	const char *p = s + off;
	size_t len = n;

	trim_blanks(&p, &len);
	if (addr_parse(p, len, out, err) == 0)
		return 0;
	if (err)
		err->pos += (size_t)(p - s);
	return -1;
}

int plan_parse_item(const char *s, size_t n, struct plan_range *out,
		    struct addr_error *err)
{
	const char *dash = memchr(s, '-', n);
	struct ip a, b;
	struct plan_net net;
	size_t off;

	if (!dash) {
		if (plan_parse_net(s, n, &net, err) < 0)
			return -1;
		plan_net_range(&net, out);
		return 0;
	}
	off = (size_t)(dash - s) + 1;
	if (parse_end(s, 0, off - 1, &a, err) < 0 ||
	    parse_end(s, off, n - off, &b, err) < 0)
		return -1;
	if (plan_make_range(&a, &b, out, err) < 0) {
		if (err) {
			err->pos = off;
			err->len = n - off;
		}
		return -1;
	}
	return 0;
}

int plan_parse_list_line(const char *s, size_t n, int comments,
			 struct plan_range *out, struct addr_error *err,
			 size_t *off, size_t *len)
{
	const char *hash = comments ? memchr(s, '#', n) : NULL;
	const char *p = s;

	if (hash)
		n = (size_t)(hash - s);
	if (n && s[n - 1] == '\r')
		n--;
	trim_blanks(&p, &n);
	*off = (size_t)(p - s);
	*len = n;
	if (n == 0 && comments)
		return 0;
	return plan_parse_item(p, n, out, err) < 0 ? -1 : 1;
}

int plan_parse_prefix_len(const char *s, int version)
{
	int v = 0, max = version == 4 ? 32 : 128;
	size_t i, n;

	if (*s == '/')
		s++;
	n = strlen(s);
	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* ---- splitting ----------------------------------------------------------- */

int plan_split_begin(struct plan_split *it, const struct plan_net *net, int prefix)
{
	if (prefix < net->prefix || prefix > plan_bits(net->version))
		return -1;
	it->next = *net;
	it->next.prefix = prefix;
	it->left = u_low_mask(prefix - net->prefix);
	it->done = 0;
	return 0;
}

int plan_split_next(struct plan_split *it, struct plan_net *out)
{
	if (it->done)
		return 0;
	*out = it->next;
	if (it->left.hi == 0 && it->left.lo == 0) {
		it->done = 1;
	} else {
		it->left = u_sub(it->left, (struct u128){ 0, 1 });
		it->next.base = u_inc(u_add(it->next.base, host_mask(&it->next)));
	}
	return 1;
}

int plan_subnets_prefix(const struct plan_net *net, uint64_t count)
{
	int k = count <= 1 ? 0 : 64 - __builtin_clzll(count - 1);
	int prefix = net->prefix + k;

	return prefix <= plan_bits(net->version) ? prefix : -1;
}

/* ---- deaggregation ------------------------------------------------------- */

void plan_deagg_begin(struct plan_deagg *it, const struct plan_range *r)
{
	it->rest = *r;
	it->done = 0;
}

/* The largest block starting at first, aligned on its size, that ends at
 * or before last: the greedy step that gives the fewest CIDRs. */
int plan_deagg_next(struct plan_deagg *it, struct plan_net *out)
{
	int bits = plan_bits(it->rest.version), k, fits;
	struct u128 span, end;

	if (it->done)
		return 0;
	span = u_sub(it->rest.last, it->rest.first);
	k = u_ctz(it->rest.first);
	if (k > bits)
		k = bits;
	fits = u_eq(span, u_low_mask(bits)) ? bits : u_log2(u_inc(span));
	if (fits < k)
		k = fits;
	out->version = it->rest.version;
	out->prefix = bits - k;
	out->base = it->rest.first;
	end = u_add(it->rest.first, u_low_mask(k));
	if (u_eq(end, it->rest.last))
		it->done = 1;
	else
		it->rest.first = u_inc(end);
	return 1;
}

/* ---- sets ---------------------------------------------------------------- */

void plan_set_init(struct plan_set *s)
{
	memset(s, 0, sizeof *s);
}

void plan_set_add(struct plan_set *s, const struct plan_range *r)
{
	if (r->version == 4) {
		s->add4 = xgrow(s->add4, &s->cap4, s->n4 + 1, sizeof *s->add4);
		s->add4[s->n4++] = r->first.lo << 32 | r->last.lo;
		return;
	}
	s->v6 = xgrow(s->v6, &s->cap6, s->n6 + 1, sizeof *s->v6);
	s->v6[s->n6].first = r->first;
	s->v6[s->n6++].last = r->last;
}

static int cmp4(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Below this many ranges a comparison sort and a plain binary search beat
 * the radix sort's and the index's fixed 64 Ki-entry tables. */
#define SMALL_SET 4096

/* LSD radix sort on the start address (the high 32 bits), two 16-bit
 * digits: linear, and the sweep that follows needs nothing else. */
static void sort4(uint64_t *v, size_t n)
{
	uint64_t *tmp = xmalloc((n ? n : 1) * sizeof *tmp), *src = v, *dst = tmp;
	size_t *count = xmalloc(65536 * sizeof *count);
	int shift;

	for (shift = 32; shift <= 48; shift += 16) {
		size_t i, sum = 0;

		memset(count, 0, 65536 * sizeof *count);
		for (i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xffff]++;
		for (i = 0; i < 65536; i++) {
			size_t c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
		src = dst;
		dst = dst == tmp ? v : tmp;
	}
	/* two passes: the sorted data is back in v */
	free(count);
	free(tmp);
}

static void sweep4(struct plan_set *s)
{
	size_t i, m = 0, t;

	s->first4 = xmalloc((s->n4 ? s->n4 : 1) * sizeof *s->first4);
	s->last4 = xmalloc((s->n4 ? s->n4 : 1) * sizeof *s->last4);
	for (i = 0; i < s->n4; i++) {
		uint32_t f = (uint32_t)(s->add4[i] >> 32), l = (uint32_t)s->add4[i];

		if (m > 0 && (uint64_t)f <= (uint64_t)s->last4[m - 1] + 1) {
			if (l > s->last4[m - 1])
				s->last4[m - 1] = l;
		} else {
			s->first4[m] = f;
			s->last4[m++] = l;
		}
	}
	s->n4 = m;
	free(s->add4);
	s->add4 = NULL;
	if (m < SMALL_SET)
		return;
	s->index4 = xmalloc(65537 * sizeof *s->index4);
	for (i = 0, t = 0; t < 65536; t++) {
		while (i < m && s->last4[i] < (uint32_t)(t << 16))
			i++;
		s->index4[t] = (uint32_t)i;
	}
	s->index4[65536] = (uint32_t)m;
}

static int cmp6(const void *a, const void *b)
{
	return u_cmp(((const struct plan_range6 *)a)->first,
		     ((const struct plan_range6 *)b)->first);
}

static void sweep6(struct plan_set *s)
{
	size_t i, m = 0;

	if (s->n6 == 0)
		return; /* qsort on no array at all is undefined */
	qsort(s->v6, s->n6, sizeof *s->v6, cmp6);
	for (i = 0; i < s->n6; i++) {
		struct plan_range6 r = s->v6[i];
		struct u128 *last = m ? &s->v6[m - 1].last : NULL;

		if (last && (u_cmp(r.first, *last) <= 0 ||
			     u_eq(r.first, u_inc(*last)))) {
			if (u_cmp(r.last, *last) > 0)
				*last = r.last;
		} else {
			s->v6[m++] = r;
		}
	}
	s->n6 = m;
}

void plan_set_finish(struct plan_set *s)
{
	if (s->n4 < SMALL_SET) {
		if (s->n4)
			qsort(s->add4, s->n4, sizeof *s->add4, cmp4);
	} else {
		sort4(s->add4, s->n4);
	}
	sweep4(s);
	sweep6(s);
}

int plan_set_has4(const struct plan_set *s, uint32_t a)
{
	uint32_t lo = 0, hi = (uint32_t)s->n4;

	if (s->index4) {
		lo = s->index4[a >> 16];
		hi = s->index4[(a >> 16) + 1];
	}

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->last4[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n4 && s->first4[lo] <= a;
}

int plan_set_has(const struct plan_set *s, const struct ip *ip)
{
	struct u128 v = plan_value(ip);
	size_t lo = 0, hi = s->n6;

	if (ip->version == 4)
		return plan_set_has4(s, (uint32_t)v.lo);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u_cmp(s->v6[mid].last, v) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n6 && u_cmp(s->v6[lo].first, v) <= 0;
}

size_t plan_set_count(const struct plan_set *s)
{
	return s->n4 + s->n6;
}

void plan_set_range(const struct plan_set *s, size_t i, struct plan_range *out)
{
	if (i < s->n4) {
		out->version = 4;
		out->first = (struct u128){ 0, s->first4[i] };
		out->last = (struct u128){ 0, s->last4[i] };
		return;
	}
	out->version = 6;
	out->first = s->v6[i - s->n4].first;
	out->last = s->v6[i - s->n4].last;
}

void plan_set_free(struct plan_set *s)
{
	free(s->first4);
	free(s->last4);
	free(s->add4);
	free(s->v6);
	free(s->index4);
	memset(s, 0, sizeof *s);
}

/* ---- the address at the start of a line ---------------------------------- */

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

int plan_line_address(const char *s, size_t n, uint32_t *v4, struct ip *ip)
{
	size_t i = 0, j, k, len;

	while (i < n && is_blank(s[i]))
		i++;
	len = addr_scan_ipv4(s + i, n - i, v4);
	if (len && (i + len == n || (!is_alnum(s[i + len]) && s[i + len] != '.')))
		return 4;
	for (j = i; j < n && (is_alnum(s[j]) || s[j] == '.'); j++)
		;
	if (j == n || s[j] != ':')
		return 0;
	for (k = j; k < n && (is_alnum(s[k]) || s[k] == '.' || s[k] == ':'); k++)
		;
	if (memchr(s + i, ':', k - i) && addr_parse(s + i, k - i, ip, NULL) == 0)
		return 6;
	return 0;
}

/* ---- reverse DNS ------------------------------------------------------------ */

int plan_reverse_prefix(const struct plan_net *net)
{
	int p = net->prefix, step = net->version == 4 ? 8 : 4;

	if (p % step == 0 || (net->version == 4 && p > 24))
		return p;
	return (p / step + 1) * step;
}

char *plan_reverse_name(const struct plan_net *net, char *buf)
{
	struct ip ip;
	char *p = buf;
	int i;

	plan_ip(net->base, net->version, &ip);
	if (net->version == 6) {
		for (i = net->prefix / 4 - 1; i >= 0; i--)
			p += sprintf(p, "%x.", (ip.b[i / 2] >> (i % 2 ? 0 : 4)) & 15);
		strcpy(p, "ip6.arpa");
		return buf;
	}
	i = net->prefix / 8 - 1;
	if (net->prefix % 8) /* RFC 2317: "64/26" below the /24 */
		p += sprintf(p, "%u/%d.", ip.b[3], net->prefix);
	for (; i >= 0; i--)
		p += sprintf(p, "%u.", ip.b[i]);
	strcpy(p, "in-addr.arpa");
	return buf;
}
