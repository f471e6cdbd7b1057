/* Per-packet work of a capture; see session.h. */
#include "capture/session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/out.h"

int session_start(struct session *s, int link)
{
	s->link = link;
	s->save.link = link;
	if (s->follow) {
		s->steps = xmalloc(sizeof *s->steps);
		follow_init(s->steps);
	}
	if (!s->save.path) {
		if (s->json)
			s->out = out_open(s->fp, OUT_JSON, show_json_cols, show_json_ncols);
		return 0;
	}
	if (savefile_open(&s->file, &s->save, time(NULL)) < 0)
		return -1;
	s->writing = 1;
	return 0;
}

static int show(struct session *s, const struct cap_packet *cap, const struct pkt *p)
{
	char tmp[IF_NAMESIZE];
	struct cap_meta m = { cap->sec, cap->nsec, cap->caplen, cap->wirelen, NULL, cap->pkttype };
	const char *step = s->steps ? follow_step(s->steps, p) : NULL;
	if (s->cs)
		m.ifname = capsock_ifname(s->cs, cap->ifindex, tmp);
	if (s->json)
		return show_json(s->out, &m, p, step);
	s->text.len = 0;
	show_packet(&s->text, &s->show, &m, p, step);
	return fwrite(s->text.buf, 1, s->text.len, s->fp) == s->text.len ? 0 : -1;
}

int session_packet(void *ctx, const struct cap_packet *cap)
{
	struct session *s = ctx;
	struct pkt p;
	int rc;
	if (!s->writing || s->keep) {
		p.wire_len = cap->wirelen;
		packet_decode(cap->data, cap->caplen, s->link, &p);
		if (s->keep && !s->keep(s->keep_ctx, &p))
			return 0;
	}
	s->seen++;
	errno = 0;
	if (s->writing)
		rc = savefile_write(&s->file, cap->sec, cap->nsec, cap->data, cap->caplen,
				    cap->wirelen, time(NULL), cap->held);
	else
		rc = show(s, cap, &p);
	if (rc < 0)
		s->write_err = errno ? errno : EIO;
	s->files_done = rc == 1;
	return (s->count && s->seen >= s->count) || s->write_err || s->files_done;
}

int session_release(void *ctx)
{
	struct session *s = ctx;
	if (!s->writing || savefile_flush(&s->file) == 0)
		return 0;
	s->write_err = errno ? errno : EIO;
	return 1;
}

int session_flush(void *ctx)
{
	struct session *s = ctx;
	if (s->writing) /* a reader of the file sees each batch */
		return session_release(ctx);
	if (fflush(s->fp) == 0)
		return 0;
	s->write_err = errno;
	return 1;
}

int session_end(struct session *s)
{
	int rc = 0;
	if (s->out && out_close(s->out) < 0) {
		rc = -1;
		s->write_err = s->write_err ? s->write_err : EIO;
	}
	if (s->writing && savefile_close(&s->file) < 0 && !s->write_err)
		s->write_err = errno;
	s->writing = 0;
	free(s->steps);
	s->steps = NULL;
	show_buf_free(&s->text);
	if (s->write_err) {
		errno = s->write_err;
		return -1;
	}
	return rc;
}
