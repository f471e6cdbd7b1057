/* pcap files (the classic libpcap format, microsecond or nanosecond
 * stamps, either byte order): a buffered writer and a reader. */
#ifndef NETTOOL_PCAP_H
#define NETTOOL_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sys/uio.h>

enum { PCAP_SNAPLEN = 262144 };

enum pcap_err {
	PCAP_OK = 0,
	PCAP_EOF,       /* clean end of file */
	PCAP_IO,        /* read or write failed: errno says why */
	PCAP_BAD_MAGIC, /* not a pcap file */
	PCAP_BAD_RECORD,/* a record longer than the snapshot length */
	PCAP_TRUNCATED, /* the file ends inside a record */
	PCAP_END_MARK,  /* pcap_writer_mark_end's mark: the file is being rewritten */
};

/* Records wait in a gather list and leave in one writev(2): a record
 * whose bytes the caller holds still until pcap_flush (a frame in the
 * capture ring) is pointed at, not copied; any other is copied into the
 * writer's buffer. Nothing waits unbounded: a full list or buffer is
 * written at once. */
enum { PCAP_IOV = 1024, PCAP_COPY_BYTES = 1 << 20 };

struct pcap_writer {
	int fd, nsec;
	uint32_t snaplen;     /* what the header says: no record is longer */
	int err;              /* errno of the first failed write, else 0 */
	int niov, nhdr;
	size_t queued;        /* bytes in the list */
	size_t copied;        /* bytes used of copy */
	unsigned char *copy;  /* PCAP_COPY_BYTES */
	struct iovec *iov;    /* PCAP_IOV */
	struct pcap_rec_header *hdr; /* PCAP_IOV / 2 */
	int mark_end;         /* see pcap_writer_mark_end */
};

/* Writes the file header to fd; nsec chooses nanosecond stamps; snaplen
 * 0 (or more than PCAP_SNAPLEN) means the largest, PCAP_SNAPLEN. Every
 * record written is cut to the snapshot length the header announces, as
 * a reader (libpcap) cuts it. */
int pcap_writer_open(struct pcap_writer *w, int fd, int link, int nsec, unsigned snaplen);
/* From now on every write ends in a record header no reader accepts (a
 * capture length of 2^32 - 1), which the next write replaces: for a file
 * rewritten in place, where what was there before follows what has been
 * written, so a reader stops at the mark instead of reading on into the
 * old records. */
void pcap_writer_mark_end(struct pcap_writer *w);
/* One record; data is copied. 0, or -1 once a write has failed. sec is
 * kept modulo 2^32 (the format's field), nsec to the microsecond unless
 * nsec was chosen; caplen is cut to the snapshot length; a wirelen below
 * the bytes kept is raised to them. */
int pcap_write(struct pcap_writer *w, int64_t sec, long nsec,
	       const uint8_t *data, size_t caplen, size_t wirelen);
/* The same, but data is only pointed at: the caller keeps it unchanged
 * until the next pcap_flush or pcap_writer_close. */
int pcap_write_held(struct pcap_writer *w, int64_t sec, long nsec,
		    const uint8_t *data, size_t caplen, size_t wirelen);
/* Writes what waits (every byte, in order). 0, or -1 (errno in w->err). */
int pcap_flush(struct pcap_writer *w);
/* The bytes a record of caplen takes in w's file. */
size_t pcap_record_size(const struct pcap_writer *w, size_t caplen);
/* Flushes and frees; returns -1 if any write failed (errno in w->err). */
int pcap_writer_close(struct pcap_writer *w);

struct pcap_reader {
	FILE *fp;
	int swapped, nsec;
	uint32_t snaplen;
	int link;
	uint8_t *buf;
};

struct pcap_record {
	int64_t sec;
	long nsec;
	size_t caplen, wirelen;
	const uint8_t *data; /* valid until the next read */
};

enum pcap_err pcap_reader_open(struct pcap_reader *r, FILE *fp);
enum pcap_err pcap_read(struct pcap_reader *r, struct pcap_record *rec);
void pcap_reader_close(struct pcap_reader *r);
const char *pcap_strerror(enum pcap_err e);

#endif
