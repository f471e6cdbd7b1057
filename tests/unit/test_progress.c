/* lib/core/progress: when a line is due, and its text. */
#include "core/progress.h"
#include "unit.h"

static const char *bytes(unsigned long long n)
{
	static char buf[32];
	progress_bytes(n, buf, sizeof buf);
	return buf;
}

static void test_bytes(void)
{
	CHECK_STR(bytes(0), "0 B");
	CHECK_STR(bytes(1023), "1023 B");
	CHECK_STR(bytes(1024), "1.0 KiB");
	CHECK_STR(bytes(1536), "1.5 KiB");
	CHECK_STR(bytes(64ULL << 20), "64.0 MiB");
	CHECK_STR(bytes(3ULL << 30), "3.0 GiB");
	CHECK_STR(bytes(~0ULL), "16.0 EiB");
}

static void test_due(void)
{
	struct progress p;

	progress_start(&p, 1000);
	CHECK_INT(progress_add(&p, 10, 1000), 0);
	CHECK_INT(progress_add(&p, 10, 1000 + PROGRESS_EVERY_MS - 1), 0);
	CHECK_INT(progress_add(&p, 10, 1000 + PROGRESS_EVERY_MS), 1);
	CHECK_INT(progress_add(&p, 10, 1000 + PROGRESS_EVERY_MS + 1), 0);
	CHECK_INT(progress_add(&p, 10, 1000 + 2 * PROGRESS_EVERY_MS), 1);
	CHECK_INT(p.bytes, 50);
}

static void test_line(void)
{
	struct progress p;
	char buf[80];

	progress_start(&p, 0);
	progress_add(&p, 12ULL << 20, 4000);
	CHECK_INT(progress_line(&p, 4000, buf, sizeof buf), strlen(buf));
	CHECK_STR(buf, "12.0 MiB  3.0 MiB/s  0:04");
	progress_line(&p, 3723000, buf, sizeof buf);
	CHECK_STR(buf, "12.0 MiB  3.3 KiB/s  1:02:03");
	progress_summary(&p, 4000, buf, sizeof buf);
	CHECK_STR(buf, "12582912 bytes (12.0 MiB) in 4.0 s, 3.0 MiB/s");
	progress_start(&p, 50);
	progress_summary(&p, 50, buf, sizeof buf);
	CHECK_STR(buf, "0 bytes (0 B) in 0.0 s, 0 B/s");
	CHECK_INT(progress_line(&p, 50, buf, 8), 7);
	CHECK_STR(buf, "0 B  0 ");
}

int main(void)
{
	test_bytes();
	test_due();
	test_line();
	return unit_report();
}
