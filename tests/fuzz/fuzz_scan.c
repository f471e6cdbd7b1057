/* libFuzzer target: scan's PORTS list and target parsers. The first
 * byte picks the protocol and the flags; the rest is the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names/services.h"
#include "net/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char services[] =
	"ssh 22/tcp\nhttp 80/tcp www\ndomain 53/udp\nredis 6379/tcp\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct svc_db db;
	static int loaded;
	struct scan_ports p;
	struct scan_target t;
	struct scan_error e;
	char *s;
	size_t i;

	if (size < 1)
		return 0;
	if (!loaded) {
		svc_parse(&db, services, sizeof services - 1);
		loaded = 1;
	}
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (scan_parse_ports(s, &db, data[0] & 1 ? SVC_UDP : SVC_TCP, &p, &e) == 0) {
		for (i = 1; i < p.n; i++)
			if (p.v[i] <= p.v[i - 1] || p.v[i - 1] == 0)
				__builtin_trap(); /* sorted, unique, no port 0 */
		scan_ports_free(&p);
	} else if (e.pos > size - 1 || e.len > size - 1 - e.pos) {
		__builtin_trap(); /* the bad part lies inside the input */
	}
	if (scan_parse_target((const char *)data + 1, size - 1, (data[0] >> 1) & 1 ? 4 : 0,
			      (data[0] >> 2) & 1, &t, &e) == 0) {
		struct ip last;
		if (t.count == 0)
			__builtin_trap();
		scan_ip_add(&t.first, t.count - 1, &last);
		scan_target_free(&t);
	} else if (e.pos > size - 1 || e.len > size - 1 - e.pos) {
		__builtin_trap();
	}
	free(s);
	return 0;
}
