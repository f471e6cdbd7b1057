/* The /proc/net/dev line parser on any text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "system/ifaces.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), name[32];
	struct if_counters c;
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	ifaces_parse_dev_line(line, name, sizeof name, &c);
	free(line);
	return 0;
}
