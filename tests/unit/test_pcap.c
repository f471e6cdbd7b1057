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

	fp = file_of(f, 24 + 7); /* ends inside a record header */
	CHECK_INT(pcap_reader_open(&r, fp), PCAP_OK);
	CHECK_INT(pcap_read(&r, &rec), PCAP_TRUNCATED);
	pcap_reader_close(&r);
	fclose(fp);
	CHECK_STR(pcap_strerror(PCAP_BAD_MAGIC), "not a pcap file (bad magic number)");
}

/* A record longer than the header's snapshot length is cut to it (as
 * libpcap would cut it on reading), and wirelen never says less than was kept. */
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
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed != 0;
}
