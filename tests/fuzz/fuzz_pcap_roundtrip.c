/* pcap write -> read round trip: packets made from the input are written
 * by lib/capture/pcap's writer into a temporary file and read back by its
 * reader; every record must come back as pcap.h says it is written:
 *   - seconds modulo 2^32 (the format's field; inputs stay in range),
 *   - nanoseconds, or microseconds (nanoseconds / 1000 * 1000) in a
 *     microsecond file,
 *   - caplen cut to the snapshot length (0 or above PCAP_SNAPLEN: that),
 *     the bytes equal to the first caplen bytes given,
 *   - wirelen as given, or caplen when it was given below that,
 *   - the link type (its low 28 bits: the upper ones are FCS flags),
 * and the count equal, ending in a clean end of file, or, when the input
 * asks the writer for an end mark (pcap_writer_mark_end), in the mark. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/pcap.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_RECORDS = 64 };


struct rec {
	uint32_t sec;
	long nsec;
	size_t caplen, wirelen;
	size_t off;          /* its bytes in the pool */
};

static uint8_t pool[(PCAP_SNAPLEN + 64) * 2];

static void check(int ok, const char *what, int i)
{
	if (!ok) {
		fprintf(stderr, "pcap round trip: %s differs at record %d\n", what, i);
		abort();
	}
}

/* The packet's length: mostly small, at most once per input around
 * PCAP_SNAPLEN (slow, so rare). */
static size_t packet_len(struct in *in, uint8_t flags, int *big)
{
	if ((flags & 0x70) == 0x70 && !*big) {
		*big = 1;
		return PCAP_SNAPLEN - 32 + take(in, 1) % 64;
	}
	return take(in, 2) % 2048;
}

/* Fills the pool's first n bytes with the input, repeated (each copy
 * marked with its number, so long packets vary); memcpy keeps it fast. */
static void fill_pool(const uint8_t *data, size_t size, size_t n)
{
	for (size_t at = 0, k = 0; size && at < n; at += size, k++) {
		memcpy(pool + at, data, n - at < size ? n - at : size);
		pool[at] ^= (uint8_t)k;
	}
}

static int make_records(struct in *in, struct rec *r)
{
	int n = 0, big = 0;
	size_t used = 0;
	while (in->n && n < MAX_RECORDS) {
		uint8_t flags = (uint8_t)take(in, 1);
		struct rec *x = &r[n];
		x->sec = take(in, 4);
		x->nsec = (long)(take(in, 4) % 1000000000u);
		x->caplen = packet_len(in, flags, &big);
		if (used + x->caplen > sizeof pool)
			break;
		x->off = used;
		used += x->caplen;
		switch (flags & 0x03) {
		case 0: x->wirelen = x->caplen; break;
		case 1: x->wirelen = x->caplen + take(in, 2); break;
		case 2: x->wirelen = take(in, 4); break;  /* maybe below caplen */
		default: x->wirelen = x->caplen > 0 ? x->caplen - 1 : 0; break;
		}
		n++;
	}
	return n;
}

static unsigned snaplen_of(struct in *in, uint8_t head)
{
	switch (head >> 1 & 3) {
	case 0: return 0;
	case 1: return take(in, 2) % 1600;
	case 2: return PCAP_SNAPLEN;
	}
	return take(in, 4);
}

static void compare(FILE *fp, const struct rec *r, int n, int nsec, int link, unsigned snaplen,
		    int mark)
{
	struct pcap_reader rd;
	struct pcap_record got;
	size_t cut = snaplen == 0 || snaplen > PCAP_SNAPLEN ? PCAP_SNAPLEN : snaplen;
	check(pcap_reader_open(&rd, fp) == PCAP_OK, "file header", -1);
	check(rd.link == (link & 0x0fffffff), "link type", -1);
	check(rd.nsec == nsec, "time stamp precision", -1);
	check(rd.snaplen == cut, "snapshot length", -1);
	for (int i = 0; i < n; i++) {
		const struct rec *x = &r[i];
		size_t caplen = x->caplen < cut ? x->caplen : cut;
		size_t wirelen = x->wirelen < caplen ? caplen : x->wirelen;
		check(pcap_read(&rd, &got) == PCAP_OK, "count (fewer records)", i);
		check(got.sec == x->sec, "seconds", i);
		check(got.nsec == (nsec ? x->nsec : x->nsec / 1000 * 1000), "fraction", i);
		check(got.caplen == caplen, "caplen", i);
		check(got.wirelen == wirelen, "wirelen", i);
		check(caplen == 0 || memcmp(got.data, pool + x->off, caplen) == 0, "bytes", i);
	}
	check(pcap_read(&rd, &got) == (mark ? PCAP_END_MARK : PCAP_EOF), "count (more records)", n);
	pcap_reader_close(&rd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *fp;
	static struct rec r[MAX_RECORDS];
	if (!fp && !(fp = tmpfile()))
		abort();
	struct in in = { data, size };
	uint8_t head = (uint8_t)take(&in, 1);
	int nsec = head & 1;
	int link = head & 0x08 ? (int)(take(&in, 4) & 0x7fffffff) : (int)(head >> 4);
	unsigned snaplen = snaplen_of(&in, head);
	int mark = (int)(take(&in, 1) & 1);
	int n = make_records(&in, r);
	fill_pool(data, size, n ? r[n - 1].off + r[n - 1].caplen : 0);

	int fd = fileno(fp);
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	struct pcap_writer w;
	if (pcap_writer_open(&w, fd, link, nsec, snaplen) < 0)
		abort();
	if (mark)
		pcap_writer_mark_end(&w);
	for (int i = 0; i < n; i++)
		if (pcap_write(&w, r[i].sec, r[i].nsec, pool + r[i].off, r[i].caplen,
			       r[i].wirelen) < 0)
			abort();
	if (pcap_writer_close(&w) < 0)
		abort();
	/* read through a stream of its own: one left before its end (at a
	 * mark) would hand back the last file's buffered bytes after a rewind */
	FILE *rd = lseek(fd, 0, SEEK_SET) == 0 ? fdopen(dup(fd), "rb") : NULL;
	if (!rd)
		abort();
	compare(rd, r, n, nsec, link, snaplen, mark);
	fclose(rd);
	return 0;
}
