/* lib/services: the services(5) parser, built-ins and lookups. */
#include <stdlib.h>

#include "names/services.h"
#include "unit.h"

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

int main(void)
{
	struct svc_db db = { 0 };
	const struct svc_entry *hits[8];
	size_t n;
	int lo, hi;

	svc_parse(&db, sample, sizeof sample - 1);
	CHECK_INT(db.n, 5);
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

	/* built-ins fill what the file lacks; the file wins where both name a port */
	svc_add_builtin(&db);
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

	CHECK_STR(svc_iana_range(0), "well-known");
	CHECK_STR(svc_iana_range(1023), "well-known");
	CHECK_STR(svc_iana_range(1024), "registered");
	CHECK_STR(svc_iana_range(49151), "registered");
	CHECK_STR(svc_iana_range(49152), "dynamic");
	CHECK_STR(svc_iana_range(65535), "dynamic");
	CHECK(svc_ephemeral_range("tests/fixtures/proc/sys/net/ipv4/ip_local_port_range", &lo, &hi) == 0);
	CHECK_INT(lo, 32768);
	CHECK_INT(hi, 60999);
	CHECK(svc_load(&db, "/nonexistent/services") < 0);
	return unit_report();
}
