/* lib/num: the one range-checked parser for numbers and ports. */
#include "core/num.h"
#include "unit.h"

int main(void)
{
	long v = 0;
	int port = 0;
	long long us = 0;

	CHECK_INT(num_parse_long("42", 0, 100, &v), NUM_OK);
	CHECK_INT(v, 42);
	CHECK_INT(num_parse_long("", 0, 100, &v), NUM_EMPTY);
	CHECK_INT(num_parse_long("101", 0, 100, &v), NUM_RANGE);
	CHECK_INT(num_parse_long("1a", 0, 100, &v), NUM_INVALID);
	CHECK_INT(num_parse_long(" 1", 0, 100, &v), NUM_INVALID);
	CHECK_INT(num_parse_long("-1", 0, 100, &v), NUM_INVALID);
	CHECK_INT(num_parse_long("-5", -10, 10, &v), NUM_OK);
	CHECK_INT(v, -5);
	CHECK_INT(num_parse_long("99999999999999999999999", 0, 100, &v), NUM_RANGE);
	CHECK_INT(num_parse_long("99999999999999999999999x", 0, 100, &v), NUM_INVALID);
	CHECK_INT(num_parse_long("0x10", 0, 100, &v), NUM_INVALID);

	CHECK_INT(num_parse_port("65535", 1, &port), NUM_OK);
	CHECK_INT(port, 65535);
	CHECK_INT(num_parse_port("65536", 1, &port), NUM_RANGE);
	CHECK_INT(num_parse_port("70000", 1, &port), NUM_RANGE);
	CHECK_INT(num_parse_port("0", 1, &port), NUM_RANGE);
	CHECK_INT(num_parse_port("0", 0, &port), NUM_OK);
	CHECK_INT(num_parse_port("-1", 0, &port), NUM_RANGE);
	CHECK_INT(num_parse_port("1a", 0, &port), NUM_INVALID);
	CHECK_INT(num_parse_port("abc", 0, &port), NUM_INVALID);

	CHECK_INT(num_parse_seconds("0.2", 0, 10, &us), NUM_OK);
	CHECK_INT(us, 200000);
	CHECK_INT(num_parse_seconds(".5", 0, 10, &us), NUM_OK);
	CHECK_INT(us, 500000);
	CHECK_INT(num_parse_seconds("3", 0, 10, &us), NUM_OK);
	CHECK_INT(us, 3000000);
	CHECK_INT(num_parse_seconds("0.000001", 0, 10, &us), NUM_OK);
	CHECK_INT(us, 1);
	CHECK_INT(num_parse_seconds("11", 0, 10, &us), NUM_RANGE);
	CHECK_INT(num_parse_seconds(".", 0, 10, &us), NUM_INVALID);
	CHECK_INT(num_parse_seconds("1e3", 0, 10, &us), NUM_INVALID);
	CHECK_INT(num_parse_seconds("", 0, 10, &us), NUM_EMPTY);
	return unit_report();
}
