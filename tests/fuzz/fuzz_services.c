/* libFuzzer target: the services(5) parser and lookups on what it built. */
#include <stdint.h>
#include <string.h>

#include "names/services.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svc_db db = { 0 };
	const struct svc_entry *hits[8];
	size_t i;

	svc_parse(&db, (const char *)data, size);
	for (i = 0; i < db.n; i++) {
		if (db.v[i].port < 0 || db.v[i].port > 65535 || !db.v[i].name)
			__builtin_trap();
		(void)svc_by_name(&db, db.v[i].name, 0, hits, 8);
	}
	(void)svc_by_port(&db, 80, 0, hits, 8);
	svc_free(&db);
	return 0;
}
