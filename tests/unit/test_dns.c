/* lib/capture/dns: tcpdump's one-line DNS text from crafted messages. */
#include <stdint.h>
#include <string.h>

#include "capture/dns.h"
#include "unit.h"

static size_t put_name(uint8_t *p, const char *n)
{
	size_t w = 0;
	while (*n) {
		const char *dot = strchr(n, '.');
		size_t len = dot ? (size_t)(dot - n) : strlen(n);
		p[w++] = (uint8_t)len;
		memcpy(p + w, n, len);
		w += len;
		n += len + (dot ? 1 : 0);
	}
	p[w++] = 0;
	return w;
}

static size_t header(uint8_t *p, unsigned id, unsigned flags, unsigned qd, unsigned an)
{
	uint8_t h[12] = { (uint8_t)(id >> 8), (uint8_t)id, (uint8_t)(flags >> 8), (uint8_t)flags,
			  0, (uint8_t)qd, 0, (uint8_t)an, 0, 0, 0, 0 };
	memcpy(p, h, 12);
	return 12;
}

static size_t question(uint8_t *p, const char *n, unsigned type)
{
	size_t w = put_name(p, n);
	uint8_t t[4] = { 0, (uint8_t)type, 0, 1 };
	memcpy(p + w, t, 4);
	return w + 4;
}

static size_t answer(uint8_t *p, unsigned ptr, unsigned type, const uint8_t *d, size_t n)
{
	uint8_t h[12] = { (uint8_t)(0xc0 | ptr >> 8), (uint8_t)ptr, 0, (uint8_t)type, 0, 1,
			  0, 0, 1, 44, 0, (uint8_t)n };
	memcpy(p, h, 12);
	memcpy(p + 12, d, n);
	return 12 + n;
}

static void test_query_and_answers(void)
{
	uint8_t m[512];
	char out[512];
	size_t n = header(m, 4096, 0x0100, 1, 0);
	n += question(m + n, "a.test", 1);
	CHECK_INT(dns_describe(m, n, out, sizeof out), 0);
	CHECK_STR(out, "4096+ A? a.test.");
	n = header(m, 4096, 0x8180, 1, 2);
	size_t q = question(m + n, "a.test", 1);
	n += q;
	n += answer(m + n, 12, 1, (const uint8_t *)"\xc0\x00\x02\x01", 4);
	n += answer(m + n, 12, 1, (const uint8_t *)"\xc0\x00\x02\x02", 4);
	CHECK_INT(dns_describe(m, n, out, sizeof out), 0);
	CHECK_STR(out, "4096 2/0/0 A 192.0.2.1, A 192.0.2.2");
	n = header(m, 4100, 0x8183, 1, 0);
	n += question(m + n, "nx.test", 1);
	CHECK_INT(dns_describe(m, n, out, sizeof out), 0);
	CHECK_STR(out, "4100 NXDomain 0/0/0");
	uint8_t target[32];
	size_t tn = put_name(target, "a.test");
	n = header(m, 7, 0x8180, 1, 1);
	n += question(m + n, "1.2.0.192.in-addr.arpa", 12);
	n += answer(m + n, 12, 12, target, tn);
	CHECK_INT(dns_describe(m, n, out, sizeof out), 0);
	CHECK_STR(out, "7 1/0/0 PTR a.test.");
}

static void test_malformed(void)
{
	uint8_t m[64];
	char out[256], name[DNS_NAME_MAX];
	size_t next;
	CHECK_INT(dns_describe((const uint8_t *)"\1\2\3", 3, out, sizeof out), -1);
	/* a pointer to itself ends */
	size_t n = header(m, 1, 0x8180, 1, 0);
	m[n++] = 0xc0;
	m[n++] = 12;
	CHECK_INT(dns_name(m, n, 12, name, sizeof name, &next), -1);
	CHECK_INT(dns_describe(m, n, out, sizeof out), -1);
	CHECK(strstr(out, "[|domain]") != NULL);
	/* a label past the end */
	n = header(m, 1, 0x0100, 1, 0);
	m[n++] = 40;
	CHECK_INT(dns_describe(m, n, out, sizeof out), -1);
	/* the root */
	m[12] = 0;
	CHECK_INT(dns_name(m, 13, 12, name, sizeof name, &next), 0);
	CHECK_STR(name, ".");
	CHECK_INT((int)next, 13);
}

int main(void)
{
	test_query_and_answers();
	test_malformed();
	return unit_report();
}
