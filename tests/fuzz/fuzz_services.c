/* libFuzzer: services(5) text through the parser and the lookups. */
#include <stddef.h>
#include <stdint.h>

#include "services.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svc_db db = { 0 };
	const struct svc_entry *hit[8];

	svc_parse(&db, (const char *)data, size);
	svc_add_builtin(&db);
	svc_by_port(&db, 80, 0, hit, 8);
	svc_by_name(&db, "http", SVC_TCP, hit, 8);
	svc_free(&db);
	return 0;
}
