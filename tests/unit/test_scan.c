/* lib/net/scan: the PORTS list and target parsers (no network). */
#include <stdlib.h>
#include <string.h>

#include "names/services.h"
#include "net/scan.h"
#include "unit.h"

static const char services[] =
	"ssh 22/tcp\n"
	"domain 53/tcp\n"
	"domain 53/udp\n"
	"http 80/tcp www\n"
	"redis 6379/tcp\n"
	"syslog 514/udp\n";

static struct svc_db db;

/* Parses s; returns the error code (SCAN_OK on success). */
static enum scan_err ports(const char *s, int proto, struct scan_ports *p)
{
	struct scan_error e;

	memset(p, 0, sizeof *p);
	if (scan_parse_ports(s, &db, proto, p, &e) < 0)
		return e.code;
	return SCAN_OK;
}

static int has(const struct scan_ports *p, int port)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->v[i] == port)
			return 1;
	return 0;
}

static void test_ports(void)
{
	struct scan_ports p;
	struct scan_error e;
	size_t i;

	CHECK_INT(ports("22,80,8000-8002,redis", SVC_TCP, &p), SCAN_OK);
	CHECK_INT(p.n, 6);
	CHECK_INT(p.v[0], 22);
	CHECK_INT(p.v[2], 6379);
	CHECK_INT(p.v[3], 8000);
	CHECK_INT(p.v[5], 8002);
	scan_ports_free(&p);
	/* sorted, duplicates once, aliases and names case-insensitive */
	CHECK_INT(ports("80,www,HTTP,22,22", SVC_TCP, &p), SCAN_OK);
	CHECK_INT(p.n, 2);
	CHECK_INT(p.v[0], 22);
	CHECK_INT(p.v[1], 80);
	scan_ports_free(&p);
	CHECK_INT(ports("-", SVC_TCP, &p), SCAN_OK);
	CHECK_INT(p.n, 65535);
	CHECK_INT(p.v[65534], 65535);
	scan_ports_free(&p);
	CHECK_INT(ports("65530-", SVC_TCP, &p), SCAN_OK);
	CHECK_INT(p.n, 6);
	scan_ports_free(&p);
	CHECK_INT(ports("-3", SVC_TCP, &p), SCAN_OK);
	CHECK_INT(p.n, 3);
	CHECK_INT(p.v[0], 1);
	scan_ports_free(&p);
	CHECK_INT(ports("65535", SVC_TCP, &p), SCAN_OK);
	scan_ports_free(&p);
	CHECK_INT(ports("syslog", SVC_UDP, &p), SCAN_OK);
	CHECK_INT(p.v[0], 514);
	scan_ports_free(&p);

	CHECK_INT(ports("0", SVC_TCP, &p), SCAN_PORT_RANGE);
	CHECK_INT(ports("65536", SVC_TCP, &p), SCAN_PORT_RANGE);
	CHECK_INT(ports("1-99999999999999999999", SVC_TCP, &p), SCAN_PORT_RANGE);
	CHECK_INT(ports("100-50", SVC_TCP, &p), SCAN_EMPTY_RANGE);
	CHECK_INT(ports("1-2-3", SVC_TCP, &p), SCAN_BAD_PORT);
	CHECK_INT(ports("nosuchservice", SVC_TCP, &p), SCAN_UNKNOWN_SERVICE);
	CHECK_INT(ports("syslog", SVC_TCP, &p), SCAN_UNKNOWN_SERVICE);
	CHECK_INT(ports("", SVC_TCP, &p), SCAN_EMPTY);
	CHECK_INT(ports("22,,80", SVC_TCP, &p), SCAN_EMPTY);
	CHECK_INT(ports("22,", SVC_TCP, &p), SCAN_EMPTY);
	/* the error names the bad item */
	CHECK(scan_parse_ports("22,100-50,80", &db, SVC_TCP, &p, &e) < 0);
	CHECK_INT(e.pos, 3);
	CHECK_INT(e.len, 6);
	CHECK(scan_parse_ports("ssh,nope", &db, SVC_TCP, &p, &e) < 0);
	CHECK_INT(e.pos, 4);
	CHECK_INT(e.len, 4);

	/* the file's UDP ports and the built-in table's, sorted, once each */
	scan_ports_from_db(&db, SVC_UDP, &p);
	CHECK(has(&p, 53) && has(&p, 514));
	CHECK(!has(&p, 6379) && !has(&p, 22));
	for (i = 1; i < p.n; i++)
		CHECK(p.v[i] > p.v[i - 1]);
	scan_ports_free(&p);
}

static enum scan_err target(const char *s, int family, int force,
			    struct scan_target *t)
{
	struct scan_error e;

	memset(t, 0, sizeof *t);
	if (scan_parse_target(s, strlen(s), family, force, t, &e) < 0)
		return e.code;
	return SCAN_OK;
}

static const char *first(const struct scan_target *t, uint64_t off, char *buf)
{
	struct ip a;

	scan_ip_add(&t->first, off, &a);
	return addr_format(&a, buf);
}

static void test_targets(void)
{
	struct scan_target t;
	char buf[ADDR_STRLEN];

	CHECK_INT(target("10.1.2.3", 0, 0, &t), SCAN_OK);
	CHECK_INT(t.count, 1);
	CHECK_STR(first(&t, 0, buf), "10.1.2.3");
	CHECK_STR(t.name, "10.1.2.3");
	scan_target_free(&t);
	/* a /28 is 14 hosts: no network, no broadcast address */
	CHECK_INT(target("10.9.0.7/28", 0, 0, &t), SCAN_OK);
	CHECK_INT(t.count, 14);
	CHECK_STR(first(&t, 0, buf), "10.9.0.1");
	CHECK_STR(first(&t, 13, buf), "10.9.0.14");
	scan_target_free(&t);
	CHECK_INT(target("10.9.0.0/31", 0, 0, &t), SCAN_OK);
	CHECK_INT(t.count, 2);
	CHECK_STR(first(&t, 0, buf), "10.9.0.0");
	scan_target_free(&t);
	CHECK_INT(target("10.9.0.5/32", 0, 0, &t), SCAN_OK);
	CHECK_INT(t.count, 1);
	scan_target_free(&t);
	CHECK_INT(target("192.168.0.0/16", 0, 0, &t), SCAN_OK);
	CHECK_INT(t.count, 65534);
	CHECK_STR(first(&t, 255, buf), "192.168.1.0"); /* carries */
	scan_target_free(&t);
	CHECK_INT(target("10.0.0.0/255.255.255.0", 0, 0, &t), SCAN_OK);
	CHECK_INT(t.count, 254);
	scan_target_free(&t);
	CHECK_INT(target("2001:db8::/120", 0, 0, &t), SCAN_OK);
	CHECK_INT(t.count, 256);
	CHECK_STR(first(&t, 255, buf), "2001:db8::ff");
	scan_target_free(&t);
	CHECK_INT(target("2001:db8::/112", 6, 0, &t), SCAN_OK);
	CHECK_INT(t.count, 65536);
	scan_target_free(&t);

	CHECK_INT(target("10.0.0.0/15", 0, 0, &t), SCAN_TOO_WIDE);
	CHECK_INT(target("0.0.0.0/0", 0, 0, &t), SCAN_TOO_WIDE);
	CHECK_INT(target("2001:db8::/111", 0, 0, &t), SCAN_TOO_WIDE);
	CHECK_INT(target("10.0.0.0/8", 0, 1, &t), SCAN_OK);
	CHECK_INT(t.count, 16777214);
	scan_target_free(&t);
	CHECK_INT(target("2001:db8::/32", 0, 1, &t), SCAN_OK);
	CHECK(t.count == UINT64_MAX);
	scan_target_free(&t);

	CHECK_INT(target("256.1.1.1", 0, 0, &t), SCAN_BAD_ADDRESS);
	CHECK_INT(target("1.2.3", 0, 0, &t), SCAN_BAD_ADDRESS);
	CHECK_INT(target("10.0.0.0/33", 0, 0, &t), SCAN_BAD_ADDRESS);
	CHECK_INT(target("1::2::3", 0, 0, &t), SCAN_BAD_ADDRESS);
	CHECK_INT(target("10.0.0.1", 6, 0, &t), SCAN_BAD_ADDRESS);
	CHECK_INT(target("::1", 4, 0, &t), SCAN_BAD_ADDRESS);
	CHECK_INT(target("", 0, 0, &t), SCAN_EMPTY);
	CHECK_INT(target("example.org", 0, 0, &t), SCAN_NOT_LITERAL);
	CHECK_INT(target("localhost", 0, 0, &t), SCAN_NOT_LITERAL);
}

static void test_names(void)
{
	CHECK_STR(scan_state_name(SCAN_OPEN), "open");
	CHECK_STR(scan_state_name(SCAN_OPEN_FILTERED), "open|filtered");
	CHECK(strstr(scan_strerror(SCAN_TOO_WIDE), "--force") != NULL);
}

/* The round-trip estimate that decides when a probe is parked. */
static void test_rtt(void)
{
	struct scan_rtt r;
	int i;

	memset(&r, 0, sizeof r);
	/* No sample: the cap (the probe's own timeout), never earlier. */
	CHECK_INT((int)scan_rtt_timeout(&r, 2000, 1000000), 1000000);
	/* First sample R: srtt R, rttvar R/2, so R + 2R. */
	scan_rtt_sample(&r, 40000);
	CHECK_INT((int)r.srtt_us, 40000);
	CHECK_INT((int)r.rttvar_us, 20000);
	CHECK_INT((int)scan_rtt_timeout(&r, 2000, 1000000), 120000);
	/* A steady round trip: rttvar shrinks, srtt stays. */
	for (i = 0; i < 100; i++)
		scan_rtt_sample(&r, 40000);
	CHECK_INT((int)r.srtt_us, 40000);
	CHECK(r.rttvar_us < 100);
	CHECK(scan_rtt_timeout(&r, 2000, 1000000) < 40500);
	/* One slow answer moves srtt an eighth and rttvar a quarter. */
	scan_rtt_sample(&r, 120000);
	CHECK_INT((int)r.srtt_us, 50000);
	CHECK(r.rttvar_us >= 20000 && r.rttvar_us <= 20100);
	/* The floor (local answers in microseconds) and the cap. */
	memset(&r, 0, sizeof r);
	scan_rtt_sample(&r, 5);
	CHECK_INT((int)scan_rtt_timeout(&r, 2000, 1000000), 2000);
	scan_rtt_sample(&r, 5000000);
	CHECK_INT((int)scan_rtt_timeout(&r, 2000, 1000000), 1000000);
	/* A clock step backwards counts as no time at all. */
	memset(&r, 0, sizeof r);
	scan_rtt_sample(&r, -7);
	CHECK_INT((int)r.srtt_us, 0);
}

int main(void)
{
	svc_parse(&db, services, sizeof services - 1);
	test_ports();
	test_targets();
	test_names();
	test_rtt();
	svc_free(&db);
	return unit_report();
}
