/* libFuzzer target: the file server's request-name parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/fileproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char name[FP_NAME_MAX + 1];
	enum fp_name_err err;
	int at_end;

	for (at_end = 0; at_end <= 1; at_end++) {
		enum fp_parse r = fp_parse_request((const char *)data, size, at_end,
						   name, &err);
		if (r == FP_DONE) {
			/* A name that passed never escapes or holds a NUL. */
			size_t n = strlen(name);
			if (n == 0 || n > FP_NAME_MAX || name[0] == '/' ||
			    strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
			    strstr(name, "/../") ||
			    (n >= 3 && strcmp(name + n - 3, "/..") == 0))
				__builtin_trap();
		}
	}
	return 0;
}
