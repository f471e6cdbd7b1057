/* libFuzzer target: the planning parsers (list lines, items, networks,
 * line addresses) and what takes their results: sets built from the
 * input's lines and asked about each line's address, deaggregation and
 * reverse names. */
#include <stdint.h>
#include <string.h>

#include "names/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(struct plan_set *set, const char *s, size_t n)
{
	struct plan_range r;
	struct plan_deagg it;
	struct plan_net net;
	struct addr_error e;
	char buf[PLAN_REVLEN];
	size_t off, len;
	int count = 0;

	int rc = plan_parse_list_line(s, n, 1, &r, &e, &off, &len);

	if (rc > 0) {
		plan_set_add(set, &r);
		plan_deagg_begin(&it, &r);
		while (plan_deagg_next(&it, &net) && count++ < 300)
			plan_format_net(&net, buf);
		if (count > 256)
			__builtin_trap(); /* a range is at most 2 * 128 CIDRs */
	} else if (rc < 0 && (off > n || len > n - off || e.pos > len ||
			      e.len > len - e.pos)) {
		__builtin_trap(); /* the bad part must lie inside the item */
	}
	if (plan_parse_net(s, n, &net, &e) == 0) {
		net.prefix = plan_reverse_prefix(&net);
		plan_reverse_name(&net, buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *nl;
	struct plan_set set;
	struct ip ip;
	uint32_t a;

	plan_set_init(&set);
	for (const char *p = s; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		one_line(&set, p, (size_t)(nl - p));
	}
	plan_set_finish(&set);
	for (const char *p = s; p < end; p = nl + 1) {
		struct plan_range r;
		struct addr_error e;
		size_t off, len, n;
		int v;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		n = (size_t)(nl - p);
		v = plan_line_address(p, n, &a, &ip);
		if (v == 6)
			(void)plan_set_has(&set, &ip);
		/* a line that is one IPv4 address was added: it must be found */
		if (v == 4 && plan_parse_list_line(p, n, 1, &r, &e, &off, &len) > 0 &&
		    r.version == 4 && r.first.lo == a && r.last.lo == a &&
		    !plan_set_has4(&set, a))
			__builtin_trap();
	}
	plan_set_free(&set);
	return 0;
}
