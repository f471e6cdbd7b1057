/* lib/capture/savefile: -C -W rings rewritten in place (and replaced
 * when something else holds the file), the end mark while a file is
 * being rewritten, and the names of rotated files. */
#define _GNU_SOURCE /* mkdtemp */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/savefile.h"
#include "unit.h"

static char dir[] = "/tmp/nettool-savefile-XXXXXX";

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

/* Record i: 500 bytes, the number i first. */
static int write_record(struct savefile *s, int i)
{
	uint8_t data[500];
	memset(data, 'x', sizeof data);
	memcpy(data, &i, sizeof i);
	return savefile_write(s, 1000 + i, 0, data, sizeof data, sizeof data, 0, 0);
}

/* The record numbers in file name, in order, into got (up to max);
 * returns how many, with *end the reader's last word. */
static int numbers_in(const char *name, int *got, int max, enum pcap_err *end)
{
	char path[300];
	path_of(path, sizeof path, name);
	FILE *fp = fopen(path, "rb");
	struct pcap_reader r;
	struct pcap_record rec;
	int n = 0;
	*end = PCAP_IO;
	if (!fp)
		return -1;
	if ((*end = pcap_reader_open(&r, fp)) == PCAP_OK) {
		while ((*end = pcap_read(&r, &rec)) == PCAP_OK && n < max)
			memcpy(&got[n++], rec.data, sizeof *got);
		pcap_reader_close(&r);
	}
	fclose(fp);
	return n;
}

static long long size_of(const char *name)
{
	char path[300];
	struct stat st;
	path_of(path, sizeof path, name);
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* A ring of two files of 2,000 bytes (four records a file) goes round
 * four times: the last two files hold the newest records, each file
 * exactly as long as its records, and the one being rewritten stops at
 * the end mark before it is closed. */
static void test_ring_rewritten_in_place(void)
{
	char path[300];
	path_of(path, sizeof path, "ring");
	struct savefile_opts o = { path, 1, 0, 0, 2000, 0, 2 };
	struct savefile s;
	int got[64];
	enum pcap_err end;
	CHECK_INT(savefile_open(&s, &o, 0), 0);
	for (int i = 0; i < 33; i++)
		CHECK_INT(write_record(&s, i), 0);
	CHECK_INT(savefile_flush(&s), 0);
	/* ring0 is being rewritten: records 32 (new), then the mark */
	CHECK_INT(numbers_in("ring0", got, 64, &end), 1);
	CHECK_INT(got[0], 32);
	CHECK_INT(end, PCAP_END_MARK);
	CHECK_INT(savefile_close(&s), 0);
	CHECK_INT(numbers_in("ring0", got, 64, &end), 1);
	CHECK_INT(end, PCAP_EOF);
	CHECK_INT(size_of("ring0"), 24 + 516);
	CHECK_INT(numbers_in("ring1", got, 64, &end), 4);
	CHECK_INT(got[0], 28);
	CHECK_INT(got[3], 31);
	CHECK_INT(end, PCAP_EOF);
	CHECK_INT(size_of("ring1"), 24 + 4 * 516);
}

/* A ring file that is open elsewhere when the ring comes back to it is
 * replaced: the holder goes on reading the old records, unchanged. */
static void test_held_file_replaced(void)
{
	char path[300], held_path[300];
	path_of(path, sizeof path, "held");
	path_of(held_path, sizeof held_path, "held0");
	struct savefile_opts o = { path, 1, 0, 0, 2000, 0, 2 };
	struct savefile s;
	int got[64];
	enum pcap_err end;
	CHECK_INT(savefile_open(&s, &o, 0), 0);
	for (int i = 0; i < 8; i++) /* held0: 0-3, held1: 4-7 */
		CHECK_INT(write_record(&s, i), 0);
	CHECK_INT(savefile_flush(&s), 0);
	int fd = open(held_path, O_RDONLY);
	CHECK(fd >= 0);
	unsigned char before[24 + 4 * 516], after[sizeof before];
	CHECK_INT(pread(fd, before, sizeof before, 0), sizeof before);
	for (int i = 8; i < 12; i++)
		CHECK_INT(write_record(&s, i), 0);
	CHECK_INT(savefile_close(&s), 0);
	CHECK_INT(pread(fd, after, sizeof after, 0), sizeof after);
	CHECK(memcmp(before, after, sizeof before) == 0);
	close(fd);
	CHECK_INT(numbers_in("held0", got, 64, &end), 4);
	CHECK_INT(got[0], 8);
	CHECK_INT(end, PCAP_EOF);
}

static void test_names(void)
{
	char out[300];
	struct savefile_opts o = { "cap.pcap", 1, 0, 0, 1000, 0, 12 };
	CHECK_INT(savefile_name(&o, 0, 3, out, sizeof out), 0);
	CHECK_STR(out, "cap.pcap03");
	o.max_files = 0;
	CHECK_INT(savefile_name(&o, 0, 3, out, sizeof out), 0);
	CHECK_STR(out, "cap.pcap3");
	CHECK_INT(savefile_name(&o, 0, -1, out, sizeof out), 0);
	CHECK_STR(out, "cap.pcap");
}

static void remove_dir(void)
{
	static const char *names[] = { "ring0", "ring1", "ring2", "held0", "held1", "held2" };
	char path[300];
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		path_of(path, sizeof path, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_ring_rewritten_in_place();
	test_held_file_replaced();
	test_names();
	remove_dir();
	return unit_report();
}
