/* lib/pcap: write, read back, both byte orders, broken files. */
#include <stdlib.h>
#include <unistd.h>

#include "capture/pcap.h"
#include "unit.h"

static FILE *file_of(const void *data, size_t n)
{
	FILE *fp = tmpfile();
	if (!fp)
		return NULL;
	fwrite(data, 1, n, fp);
	rewind(fp);
	return fp;
}

static void test_round_trip(int nsec)
{
	FILE *fp = tmpfile();
	CHECK(fp != NULL);
	if (!fp)
		return;
	struct pcap_writer w;
	CHECK_INT(pcap_writer_open(&w, fileno(fp), 1, nsec, 0), 0);
	CHECK_INT(pcap_write(&w, 1700000000, 123456789, (const uint8_t *)"abcdef", 6, 60), 0);
	CHECK_INT(pcap_write(&w, 1700000001, 5000, (const uint8_t *)"xy", 2, 2), 0);
	CHECK_INT(pcap_writer_close(&w), 0);
	rewind(fp);
	struct pcap_reader r;
	struct pcap_record rec;
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_OK);
	CHECK_INT(r.link, 1);
	CHECK_INT(r.nsec, nsec);
	CHECK_INT(pcap_read(&r, &rec), PCAP_OK);
	CHECK_INT(rec.sec, 1700000000);
	CHECK_INT(rec.nsec, nsec ? 123456789 : 123456000);
	CHECK_INT(rec.caplen, 6);
	CHECK_INT(rec.wirelen, 60);
	CHECK(memcmp(rec.data, "abcdef", 6) == 0);
	CHECK_INT(pcap_read(&r, &rec), PCAP_OK);
	CHECK_INT(rec.nsec, 5000);
	CHECK_INT(pcap_read(&r, &rec), PCAP_EOF);
	pcap_reader_close(&r);
	fclose(fp);
}

static void test_big_endian_file(void)
{
	static const uint8_t be[] = {
		0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0xff, 0xff, 0, 0, 0, 113,
		0, 0, 0, 9, 0, 0, 0, 7, 0, 0, 0, 3, 0, 0, 0, 3, 'a', 'b', 'c',
	};
	FILE *fp = file_of(be, sizeof be);
	struct pcap_reader r;
	struct pcap_record rec;
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_OK);
	CHECK_INT(r.swapped, 1);
	CHECK_INT(r.link, 113);
	CHECK_INT(pcap_read(&r, &rec), PCAP_OK);
	CHECK_INT(rec.sec, 9);
	CHECK_INT(rec.nsec, 7000);
	CHECK_INT(rec.caplen, 3);
	pcap_reader_close(&r);
	fclose(fp);
}

static void test_broken(void)
{
	struct pcap_reader r;
	struct pcap_record rec;
	FILE *fp = file_of("hello, this is not a pcap file", 30);
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_BAD_MAGIC);
	pcap_reader_close(&r);
	fclose(fp);
	fp = file_of("\xd4\xc3", 2);
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_BAD_MAGIC);
	pcap_reader_close(&r);
	fclose(fp);

	uint8_t f[24 + 16 + 4] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
	f[20] = 1;
	uint32_t hdr[4] = { 1, 2, 100, 100 }; /* says 100 bytes, has 4 */
	memcpy(f + 24, hdr, 16);
	fp = file_of(f, sizeof f);
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_OK);
	CHECK_INT(pcap_read(&r, &rec), PCAP_TRUNCATED);
	pcap_reader_close(&r);
	fclose(fp);

	hdr[2] = 0x7fffffff; /* a record far beyond any snapshot length */
	memcpy(f + 24, hdr, 16);
	fp = file_of(f, sizeof f);
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_OK);
	CHECK_INT(pcap_read(&r, &rec), PCAP_BAD_RECORD);
	pcap_reader_close(&r);
	fclose(fp);

	/* a record longer than the header's snapshot length: cut to it, and
	 * the next one read whole, as libpcap reads them */
	uint8_t g[24 + 16 + 100 + 16 + 4] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
	g[16] = 64;
	g[20] = 101;
	uint32_t long_rec[4] = { 7, 0, 100, 100 }, next_rec[4] = { 8, 0, 4, 4 };
	memcpy(g + 24, long_rec, 16);
	g[24 + 16 + 99] = 0xee;
	memcpy(g + 24 + 16 + 100, next_rec, 16);
	memcpy(g + 24 + 16 + 100 + 16, "abcd", 4);
	fp = file_of(g, sizeof g);
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_OK);
	CHECK_INT(pcap_read(&r, &rec), PCAP_OK);
	CHECK_INT(rec.caplen, 64);
	CHECK_INT(rec.wirelen, 100);
	CHECK_INT(pcap_read(&r, &rec), PCAP_OK);
	CHECK_INT(rec.sec, 8);
	CHECK(rec.caplen == 4 && memcmp(rec.data, "abcd", 4) == 0);
	CHECK_INT(pcap_read(&r, &rec), PCAP_EOF);
	pcap_reader_close(&r);
	fclose(fp);

	fp = file_of(f, 24 + 7); /* ends inside a record header */
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_OK);
	CHECK_INT(pcap_read(&r, &rec), PCAP_TRUNCATED);
	pcap_reader_close(&r);
	fclose(fp);
	CHECK_STR(pcap_strerror(PCAP_BAD_MAGIC), "not a pcap file (bad magic number)");
}

/* Records pointed at (held) and copied, interleaved, more than one
 * gather list holds, and a record of the largest size: read back in
 * order, every byte. */
static void test_held_and_copied(int mark)
{
	enum { N = 3000 };
	static uint8_t frames[N][40];
	static uint8_t big[PCAP_SNAPLEN + 10];
	FILE *fp = tmpfile();
	struct pcap_writer w;
	CHECK(fp != NULL);
	if (!fp)
		return;
	CHECK_INT(pcap_writer_open(&w, fileno(fp), 1, 1, 0), 0);
	if (mark) /* the list full of held records, and the mark after them */
		pcap_writer_mark_end(&w);
	for (int i = 0; i < N; i++) {
		memset(frames[i], i & 0xff, sizeof frames[i]);
		size_t len = 1 + (size_t)i % 40;
		int rc = i % 3 ? pcap_write_held(&w, i, i, frames[i], len, 1000)
			       : pcap_write(&w, i, i, frames[i], len, 1000);
		if (rc != 0)
			CHECK_INT(rc, 0);
		if (i == N / 2) {
			memset(big, 0xab, sizeof big);
			CHECK_INT(pcap_write_held(&w, 7, 7, big, sizeof big, sizeof big), 0);
		}
	}
	CHECK_INT(pcap_writer_close(&w), 0);
	CHECK_INT(pcap_record_size(&w, sizeof big), 16 + PCAP_SNAPLEN);
	rewind(fp);
	struct pcap_reader r;
	struct pcap_record rec;
	int bad = 0;
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_OK);
	for (int i = 0; i < N; i++) {
		size_t len = 1 + (size_t)i % 40;
		if (pcap_read(&r, &rec) != PCAP_OK || rec.sec != i || rec.caplen != len ||
		    rec.nsec != i || memcmp(rec.data, frames[i], len) != 0)
			bad++;
		if (i == N / 2 && (pcap_read(&r, &rec) != PCAP_OK || rec.caplen != PCAP_SNAPLEN ||
				   rec.data[PCAP_SNAPLEN - 1] != 0xab))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(pcap_read(&r, &rec), mark ? PCAP_END_MARK : PCAP_EOF);
	pcap_reader_close(&r);
	fclose(fp);
}

/* A record longer than the header's snapshot length is cut to it (as
 * libpcap would cut it on reading), held or copied, and wirelen never
 * says less than was kept. */
static void test_snaplen_cut(void)
{
	FILE *fp = tmpfile();
	CHECK(fp != NULL);
	if (!fp)
		return;
	struct pcap_writer w;
	CHECK_INT(pcap_writer_open(&w, fileno(fp), 1, 0, 4), 0);
	CHECK_INT(pcap_record_size(&w, 6), 16 + 4);
	CHECK_INT(pcap_write(&w, 1, 0, (const uint8_t *)"abcdef", 6, 60), 0);
	CHECK_INT(pcap_write(&w, 2, 0, (const uint8_t *)"xyz", 3, 1), 0);
	CHECK_INT(pcap_write_held(&w, 3, 0, (const uint8_t *)"ghijkl", 6, 6), 0);
	CHECK_INT(pcap_writer_close(&w), 0);
	rewind(fp);
	struct pcap_reader r;
	struct pcap_record rec;
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_OK);
	CHECK_INT(r.snaplen, 4);
	CHECK_INT(pcap_read(&r, &rec), PCAP_OK);
	CHECK_INT(rec.caplen, 4);
	CHECK_INT(rec.wirelen, 60);
	CHECK(memcmp(rec.data, "abcd", 4) == 0);
	CHECK_INT(pcap_read(&r, &rec), PCAP_OK);
	CHECK_INT(rec.caplen, 3);
	CHECK_INT(rec.wirelen, 3);
	CHECK_INT(pcap_read(&r, &rec), PCAP_OK);
	CHECK_INT(rec.caplen, 4);
	CHECK_INT(rec.wirelen, 6);
	CHECK(memcmp(rec.data, "ghij", 4) == 0);
	CHECK_INT(pcap_read(&r, &rec), PCAP_EOF);
	pcap_reader_close(&r);
	fclose(fp);
}

int main(void)
{
	test_snaplen_cut();
	test_round_trip(0);
	test_round_trip(1);
	test_big_endian_file();
	test_broken();
	test_held_and_copied(0);
	test_held_and_copied(1);
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed != 0;
}
