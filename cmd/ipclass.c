/* ipclass: IPv4 class and address-range classification. */
#include "cmd.h"

const char ipclass_usage[] =
"usage: nettool ipclass [--json] [--filter CATEGORY] [ADDR[/PREFIX] [NETMASK]]...\n";

int cmd_ipclass(int argc, char **argv)
{
	(void)argc; (void)argv;
	return EXIT_USAGE;
}
