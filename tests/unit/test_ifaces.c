/* lib/ifaces: the /proc/net/dev line parser, and a read of this host. */
#include <stdlib.h>
#include <unistd.h>

#include "system/ifaces.h"
#include "unit.h"

int main(void)
{
	char name[32];
	struct if_counters c;
	CHECK_INT(ifaces_parse_dev_line("    lo: 100 2 3 4 0 0 0 0 200 5 6 7 0 0 0 0\n", name, sizeof name, &c), 0);
	CHECK_STR(name, "lo");
	CHECK_INT(c.rx_bytes, 100);
	CHECK_INT(c.rx_packets, 2);
	CHECK_INT(c.rx_errors, 3);
	CHECK_INT(c.rx_dropped, 4);
	CHECK_INT(c.tx_bytes, 200);
	CHECK_INT(c.tx_packets, 5);
	CHECK_INT(c.tx_errors, 6);
	CHECK_INT(c.tx_dropped, 7);
	CHECK_INT(ifaces_parse_dev_line("eth0:18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", name, sizeof name, &c), 0);
	CHECK_STR(name, "eth0");
	CHECK(c.rx_bytes == 18446744073709551615ull);
	CHECK_INT(ifaces_parse_dev_line("Inter-|   Receive                 |  Transmit", name, sizeof name, &c), -1);
	CHECK_INT(ifaces_parse_dev_line(" face |bytes    packets errs drop", name, sizeof name, &c), -1);
	CHECK_INT(ifaces_parse_dev_line("  x: 1 2 3", name, sizeof name, &c), -1);
	CHECK_INT(ifaces_parse_dev_line(": 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", name, sizeof name, &c), -1);
	CHECK_INT(ifaces_parse_dev_line("averyveryveryveryverylongname0123456789: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", name, sizeof name, &c), -1);
	CHECK_STR(ifaces_flag_name(0), "UP");
	CHECK_STR(ifaces_flag_name(3), "LOOPBACK");
	CHECK(ifaces_flag_name(40) == NULL);

	/* a fixture /proc/net/dev and a missing /sys give counters, no MTU */
	char path[] = "/tmp/nettool-ifaces-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	CHECK(fp != NULL);
	if (fp) {
		fputs("Inter-| x\n face | y\n    lo: 7 8 0 0 0 0 0 0 9 10 0 0 0 0 0 0\n", fp);
		fclose(fp);
		struct iface_list l;
		CHECK_INT(ifaces_read(path, "/nonexistent", &l), 0);
		int found = 0;
		for (size_t i = 0; i < l.n; i++)
			if (!strcmp(l.v[i].name, "lo")) {
				found = 1;
				CHECK_INT(l.v[i].c.rx_bytes, 7);
				CHECK_INT(l.v[i].c.tx_packets, 10);
				CHECK_INT(l.v[i].mtu, -1);
			}
		CHECK(found);
		ifaces_free(&l);
		remove(path);
	}
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed != 0;
}
