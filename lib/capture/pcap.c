/* pcap reader and writer; see pcap.h. Records are written in host byte
 * order with the matching magic, as libpcap does. */
#include "capture/pcap.h"

#include "core/alloc.h"
#include "core/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAGIC_USEC = 0xa1b2c3d4u, MAGIC_NSEC = 0xa1b23c4du };

struct file_header {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec_header {
	uint32_t sec, frac, caplen, wirelen;
};

enum { HELD_RECORDS = PCAP_IOV / 2 };

static const struct pcap_rec_header end_mark = { UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX };

static int put_copy(struct pcap_writer *w, const void *p, size_t n);

int pcap_writer_open(struct pcap_writer *w, int fd, int link, int nsec, unsigned snaplen)
{
	if (snaplen == 0 || snaplen > PCAP_SNAPLEN)
		snaplen = PCAP_SNAPLEN;
	struct file_header h = { nsec ? MAGIC_NSEC : MAGIC_USEC, 2, 4, 0, 0, snaplen,
				 (uint32_t)link };
	memset(w, 0, sizeof *w);
	w->fd = fd;
	w->nsec = nsec;
	w->snaplen = snaplen;
	w->copy = xmalloc(PCAP_COPY_BYTES);
	w->iov = xmalloc(PCAP_IOV * sizeof *w->iov);
	w->hdr = xmalloc(HELD_RECORDS * sizeof *w->hdr);
	return put_copy(w, &h, sizeof h);
}

size_t pcap_record_size(const struct pcap_writer *w, size_t caplen)
{
	return sizeof(struct pcap_rec_header) + (caplen > w->snaplen ? w->snaplen : caplen);
}

void pcap_writer_mark_end(struct pcap_writer *w)
{
	w->mark_end = 1;
}

/* The list, then the end mark if asked for, leaving the file offset on
 * the mark so that the next write replaces it. */
static int write_list(struct pcap_writer *w)
{
	int n = w->niov;
	if (w->mark_end)
		w->iov[n++] = (struct iovec){ (void *)&end_mark, sizeof end_mark };
	if (io_writev_all(w->fd, w->iov, n) < 0)
		return -1;
	return w->mark_end && lseek(w->fd, -(off_t)sizeof end_mark, SEEK_CUR) < 0 ? -1 : 0;
}

int pcap_flush(struct pcap_writer *w)
{
	if (w->err)
		return -1;
	if (w->niov && write_list(w) < 0)
		w->err = errno ? errno : EIO;
	w->niov = w->nhdr = 0;
	w->queued = w->copied = 0;
	return w->err ? -1 : 0;
}

static void add_iov(struct pcap_writer *w, const void *p, size_t n)
{
	struct iovec *last = w->niov ? &w->iov[w->niov - 1] : NULL;
	if (last && (const char *)last->iov_base + last->iov_len == (const char *)p)
		last->iov_len += n; /* follows on in the copy buffer */
	else
		w->iov[w->niov++] = (struct iovec){ (void *)p, n };
	w->queued += n;
}

/* Room for iov entries, copied bytes and held headers, flushing first if
 * the list is short of any. The list's last entry is kept for the end
 * mark (writev takes no more than PCAP_IOV, Linux's IOV_MAX). */
static int make_room(struct pcap_writer *w, int iovs, size_t bytes, int hdrs)
{
	if (w->err)
		return -1;
	if (w->niov + iovs > PCAP_IOV - 1 || w->copied + bytes > PCAP_COPY_BYTES ||
	    w->nhdr + hdrs > HELD_RECORDS)
		return pcap_flush(w);
	return 0;
}

static int put_copy(struct pcap_writer *w, const void *p, size_t n)
{
	if (make_room(w, 1, n, 0) < 0)
		return -1;
	memcpy(w->copy + w->copied, p, n);
	add_iov(w, w->copy + w->copied, n);
	w->copied += n;
	return 0;
}

/* The header of a record of caplen bytes (already cut to the snapshot
 * length); wirelen is never less. */
static struct pcap_rec_header record_header(const struct pcap_writer *w, int64_t sec, long nsec,
					    size_t caplen, size_t wirelen)
{
	if (wirelen < caplen)
		wirelen = caplen;
	return (struct pcap_rec_header){ (uint32_t)sec, (uint32_t)(w->nsec ? nsec : nsec / 1000),
					 (uint32_t)caplen, (uint32_t)wirelen };
}

int pcap_write(struct pcap_writer *w, int64_t sec, long nsec,
	       const uint8_t *data, size_t caplen, size_t wirelen)
{
	if (caplen > w->snaplen)
		caplen = w->snaplen;
	struct pcap_rec_header r = record_header(w, sec, nsec, caplen, wirelen);
	if (make_room(w, 2, sizeof r + caplen, 0) < 0)
		return -1;
	put_copy(w, &r, sizeof r);
	return put_copy(w, data, caplen);
}

int pcap_write_held(struct pcap_writer *w, int64_t sec, long nsec,
		    const uint8_t *data, size_t caplen, size_t wirelen)
{
	if (caplen > w->snaplen)
		caplen = w->snaplen;
	if (make_room(w, 2, 0, 1) < 0)
		return -1;
	struct pcap_rec_header *r = &w->hdr[w->nhdr++];
	*r = record_header(w, sec, nsec, caplen, wirelen);
	add_iov(w, r, sizeof *r);
	add_iov(w, data, caplen);
	return 0;
}

int pcap_writer_close(struct pcap_writer *w)
{
	int rc = pcap_flush(w);
	free(w->copy);
	free(w->iov);
	free(w->hdr);
	w->copy = NULL;
	w->iov = NULL;
	w->hdr = NULL;
	return rc;
}

static uint32_t swap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

/* 0 when n bytes were read, PCAP_EOF at a clean end, else an error. */
static enum pcap_err read_exact(FILE *fp, void *buf, size_t n, int eof_ok)
{
	size_t got = fread(buf, 1, n, fp);
	if (got == n)
		return PCAP_OK;
	if (ferror(fp))
		return PCAP_IO;
	return got == 0 && eof_ok ? PCAP_EOF : PCAP_TRUNCATED;
}

enum pcap_err pcap_reader_open(struct pcap_reader *r, FILE *fp)
{
	struct file_header h;
	memset(r, 0, sizeof *r);
	r->fp = fp;
	enum pcap_err e = read_exact(fp, &h, sizeof h, 0);
	if (e != PCAP_OK)
		return e == PCAP_TRUNCATED ? PCAP_BAD_MAGIC : e;
	if (h.magic == MAGIC_USEC || h.magic == MAGIC_NSEC) {
		r->nsec = h.magic == MAGIC_NSEC;
	} else if (swap32(h.magic) == MAGIC_USEC || swap32(h.magic) == MAGIC_NSEC) {
		r->swapped = 1;
		r->nsec = swap32(h.magic) == MAGIC_NSEC;
		h.snaplen = swap32(h.snaplen);
		h.linktype = swap32(h.linktype);
	} else {
		return PCAP_BAD_MAGIC;
	}
	/* Trust no snapshot length beyond what any capture uses. */
	r->snaplen = h.snaplen == 0 || h.snaplen > PCAP_SNAPLEN ? PCAP_SNAPLEN : h.snaplen;
	r->link = (int)(h.linktype & 0x0fffffff);
	r->buf = malloc(PCAP_SNAPLEN);
	if (!r->buf)
		return PCAP_IO;
	return PCAP_OK;
}

enum pcap_err pcap_read(struct pcap_reader *r, struct pcap_record *rec)
{
	struct pcap_rec_header h;
	enum pcap_err e = read_exact(r->fp, &h, sizeof h, 1);
	if (e != PCAP_OK)
		return e;
	if (r->swapped) {
		h.sec = swap32(h.sec);
		h.frac = swap32(h.frac);
		h.caplen = swap32(h.caplen);
		h.wirelen = swap32(h.wirelen);
	}
	if (!memcmp(&h, &end_mark, sizeof h))
		return PCAP_END_MARK;
	if (h.caplen > PCAP_SNAPLEN)
		return PCAP_BAD_RECORD;
	e = read_exact(r->fp, r->buf, h.caplen, 0);
	if (e != PCAP_OK)
		return e == PCAP_EOF ? PCAP_TRUNCATED : e;
	rec->sec = h.sec;
	rec->nsec = r->nsec ? (long)(h.frac % 1000000000u) : (long)(h.frac % 1000000u) * 1000;
	rec->wirelen = h.wirelen < h.caplen ? h.caplen : h.wirelen;
	/* a record longer than the header's snapshot length is cut to it, as
	 * libpcap cuts it, so a filter and a dump see what tcpdump sees */
	rec->caplen = r->snaplen && h.caplen > r->snaplen ? r->snaplen : h.caplen;
	rec->data = r->buf;
	return PCAP_OK;
}

void pcap_reader_close(struct pcap_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

const char *pcap_strerror(enum pcap_err e)
{
	switch (e) {
	case PCAP_OK: return "no error";
	case PCAP_EOF: return "end of file";
	case PCAP_IO: return strerror(errno);
	case PCAP_BAD_MAGIC: return "not a pcap file (bad magic number)";
	case PCAP_BAD_RECORD: return "record longer than 262144 bytes";
	case PCAP_TRUNCATED: return "file ends inside a record";
	case PCAP_END_MARK: return "reached the end mark of a file still being rewritten (capture -W)";
	}
	return "unknown error";
}
