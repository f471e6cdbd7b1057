/* lib/names/services: the services(5) parser, the one rule that merges
 * the built-in table, lookups and ranges. */
#include <stdlib.h>

#include "names/services.h"
#include "unit.h"

/* Entries that came from the text or file, not from the built-ins. */
static size_t from_file(const struct svc_db *db)
{
	size_t i, n = 0;

	for (i = 0; i < db->n; i++)
		n += !db->v[i].builtin;
	return n;
}

static const char sample[] =
	"# comment line\n"
	"\n"
	"http\t\t80/tcp\t\twww www-http\t# WorldWideWeb HTTP\n"
	"domain\t\t53/udp\n"
	"redis 6379/tcp\n"
	"bad-no-port\n"
	"bad 99999/tcp\n"
	"bad2 80/xyz\n"
	"bad3 /tcp\n"
	"sctpthing 9/sctp alias1\n"
	"   \t  \n"
	"noeol 7/udp";

/* services(5) text: entries, aliases, malformed lines, protocols. */
static void test_parse_text(void)
{
	struct svc_db db = { 0 };
	const struct svc_entry *hits[8];
	size_t n;

	svc_parse(&db, sample, sizeof sample - 1);
	CHECK_INT(from_file(&db), 5);
	CHECK_INT(db.malformed, 4);
	n = svc_by_port(&db, 80, SVC_TCP, hits, 8);
	CHECK_INT(n, 1);
	CHECK_STR(hits[0]->name, "http");
	CHECK_INT(hits[0]->naliases, 2);
	CHECK_STR(hits[0]->aliases[1], "www-http");
	CHECK_INT(svc_by_name(&db, "WWW", 0, hits, 8), 1);
	CHECK_INT(hits[0]->port, 80);
	CHECK_INT(svc_by_name(&db, "noeol", SVC_UDP, hits, 8), 1);
	CHECK_INT(svc_by_name(&db, "noeol", SVC_TCP, hits, 8), 0);
	CHECK_INT(svc_by_port(&db, 9, 0, hits, 8), 1);
	CHECK_INT(hits[0]->proto, SVC_SCTP);

	/* built-ins fill what the text lacks; the text wins where both name a port */
	CHECK_INT(svc_by_name(&db, "mysql", SVC_TCP, hits, 8), 1);
	CHECK_INT(hits[0]->port, 3306);
	CHECK(hits[0]->builtin);
	CHECK_INT(svc_by_name(&db, "tomcat", 0, hits, 8), 1);
	CHECK_INT(hits[0]->port, 8080);
	CHECK_INT(svc_by_port(&db, 80, SVC_TCP, hits, 8), 1);
	CHECK(!hits[0]->builtin);
	CHECK_INT(svc_by_port(&db, 6379, SVC_TCP, hits, 8), 1);
	CHECK(!hits[0]->builtin);
	CHECK_INT(svc_by_name(&db, "postgresql", 0, hits, 8), 1);
	CHECK_INT(svc_by_name(&db, "mongodb", 0, hits, 8), 1);
	CHECK_INT(svc_by_name(&db, "elasticsearch", 0, hits, 8), 1);
	CHECK_INT(svc_by_name(&db, "kafka", 0, hits, 8), 1);
	CHECK_INT(svc_by_name(&db, "rdp", 0, hits, 8), 1);
	CHECK_INT(hits[0]->port, 3389);
	svc_free(&db);
}

/* A file: the same rule as text, the built-in names joining its entries. */
static void test_load_file(void)
{
	struct svc_db db = { 0 };
	const struct svc_entry *hit[8];

	CHECK_INT(svc_load(&db, "tests/fixtures/services"), 0);
	CHECK_INT(from_file(&db), 11);
	CHECK_INT(db.malformed, 5);
	CHECK_INT(svc_by_port(&db, 53, 0, hit, 8), 2);
	CHECK_INT(svc_by_port(&db, 53, SVC_UDP, hit, 8), 1);
	CHECK_INT(hit[0]->proto, SVC_UDP);
	CHECK_INT(svc_by_name(&db, "krb5", 0, hit, 8), 1);
	CHECK_INT(hit[0]->port, 88);
	CHECK_INT(hit[0]->naliases, 3);
	CHECK_INT(svc_by_name(&db, "WWW", SVC_TCP, hit, 8), 1);
	CHECK_STR(hit[0]->name, "http");
	CHECK_INT(svc_by_name(&db, "spaced", 0, hit, 8), 1);
	CHECK_INT(hit[0]->port, 9999);
	CHECK_INT(svc_by_name(&db, "sctp-echo", 0, hit, 8), 1);
	CHECK_INT(hit[0]->proto, SVC_SCTP);

	/* The file lacks redis: the built-in entry answers. */
	CHECK_INT(svc_by_name(&db, "redis", SVC_TCP, hit, 8), 1);
	CHECK_INT(hit[0]->port, 6379);
	CHECK_INT(hit[0]->builtin, 1);
	/* The file wins for 8080; the built-in names become its aliases. */
	CHECK_INT(svc_by_port(&db, 8080, SVC_TCP, hit, 8), 1);
	CHECK_STR(hit[0]->name, "myapp");
	CHECK_INT(hit[0]->builtin, 0);
	CHECK_INT(svc_by_name(&db, "tomcat", 0, hit, 8), 1);
	CHECK_INT(hit[0]->port, 8080);
	CHECK_INT(svc_by_name(&db, "rdp", 0, hit, 8), 1);
	CHECK_STR(hit[0]->name, "ms-wbt-server");
	svc_free(&db);
}

/* No file: an error, and the built-ins alone answer. */
static void test_builtin_alone(void)
{
	static const char *const required[] = {
		"ftp", "ssh", "telnet", "smtp", "domain", "http", "pop3", "imap", "https",
		"submission", "imaps", "pop3s", "mysql", "postgresql", "redis", "http-alt",
		"tomcat", "mongodb", "elasticsearch", "memcached", "kafka", "amqp", "mqtt",
		"ldap", "rdp", "vnc", "ntp", "snmp", "syslog", "dhcp", "tftp",
	};
	struct svc_db db = { 0 };
	const struct svc_entry *hit[4];
	size_t i;

	CHECK_INT(svc_load(&db, "/nonexistent/services"), -1);
	for (i = 0; i < sizeof required / sizeof required[0]; i++) {
		size_t n = svc_by_name(&db, required[i], 0, hit, 4);
		if (n == 0)
			fprintf(stderr, "built-in table lacks %s\n", required[i]);
		CHECK(n > 0);
	}
	svc_free(&db);
}

static void test_text_edge_cases(void)
{
	static const char text[] = "a 1/tcp\r\nb 2/udp x y z 1 2 3 4 5 6 7 8 9 10\n#c 3/tcp\nd 65535/tcp";
	struct svc_db db = { 0 };
	const struct svc_entry *hit[2];

	svc_parse(&db, text, sizeof text - 1);
	CHECK_INT(from_file(&db), 3);
	CHECK_INT(svc_by_port(&db, 2, 0, hit, 2), 1);
	CHECK_INT(hit[0]->naliases, SVC_MAX_ALIASES);
	CHECK_INT(svc_by_port(&db, 65535, SVC_TCP, hit, 2), 1);
	svc_free(&db);
}

static void test_ranges(void)
{
	int lo, hi;

	CHECK_STR(svc_iana_range(0), "well-known");
	CHECK_STR(svc_iana_range(1023), "well-known");
	CHECK_STR(svc_iana_range(1024), "registered");
	CHECK_STR(svc_iana_range(49151), "registered");
	CHECK_STR(svc_iana_range(49152), "dynamic");
	CHECK_STR(svc_iana_range(65535), "dynamic");
	CHECK_INT(svc_ephemeral_range("tests/fixtures/proc/sys/net/ipv4/ip_local_port_range", &lo, &hi), 0);
	CHECK_INT(lo, 32768);
	CHECK_INT(hi, 60999);
	CHECK_INT(svc_ephemeral_range("tests/fixtures/kernel/sys/net/ipv4/ip_local_port_range", &lo, &hi), 0);
	CHECK_INT(lo, 32768);
	CHECK_INT(hi, 60999);
	CHECK_INT(svc_ephemeral_range("tests/fixtures/services", &lo, &hi), -1);
	CHECK_INT(svc_proto_from_name("UDP"), SVC_UDP);
	CHECK_INT(svc_proto_from_name("icmp"), 0);
}

int main(void)
{
	test_parse_text();
	test_load_file();
	test_builtin_alone();
	test_text_edge_cases();
	test_ranges();
	return unit_report();
}
