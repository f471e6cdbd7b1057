/* lib/net/exchange: the statistics of send --repeat (no network). */
#include <math.h>

#include "net/exchange.h"
#include "unit.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-4)

int main(void)
{
	float one[] = { 2.5f };
	float odd[] = { 5, 1, 4, 2, 3 };
	float even[] = { 4, 1, 3, 2 };
	float hundred[100], twenty[20];
	struct xchg_stats s;
	int i;

	xchg_stats(NULL, 0, &s);
	CHECK(s.min == 0 && s.median == 0 && s.p95 == 0 && s.max == 0);
	xchg_stats(one, 1, &s);
	CHECK(NEAR(s.min, 2.5) && NEAR(s.median, 2.5) && NEAR(s.p95, 2.5) && NEAR(s.max, 2.5));
	xchg_stats(odd, 5, &s);
	CHECK(NEAR(s.min, 1));
	CHECK(NEAR(s.median, 3));
	CHECK(NEAR(s.p95, 5));   /* rank ceil(4.75) = 5 */
	CHECK(NEAR(s.max, 5));
	xchg_stats(even, 4, &s);
	CHECK(NEAR(s.median, 2.5)); /* the mean of the middle two */
	CHECK(NEAR(s.p95, 4));
	for (i = 0; i < 100; i++)
		hundred[i] = (float)(100 - i); /* 100..1, unsorted */
	xchg_stats(hundred, 100, &s);
	CHECK(NEAR(s.min, 1));
	CHECK(NEAR(s.median, 50.5));
	CHECK(NEAR(s.p95, 95));  /* nearest rank: the 95th of 100 */
	CHECK(NEAR(s.max, 100));
	for (i = 0; i < 20; i++)
		twenty[i] = (float)(i + 1);
	xchg_stats(twenty, 20, &s);
	CHECK(NEAR(s.p95, 19));  /* rank 19 of 20 */
	CHECK_STR(xchg_end_text(XCHG_DONE), "done");
	CHECK_STR(xchg_end_text(XCHG_CONNECT), "cannot connect to");
	return unit_report();
}
