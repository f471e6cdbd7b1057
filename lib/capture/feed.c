/* Feeding packets from the loop; see feed.h. */
#include "capture/feed.h"

#include "core/loop.h"

enum { FILE_BATCH = 1024 };

/* The ring has packets, or the socket an error: its interface went down
 * (ENETDOWN), which ends the capture; reading SO_ERROR clears it, so the
 * loop does not wake for it again. */
static void on_ring(struct loop *l, int fd, unsigned events, void *arg)
{
	struct feed *f = arg;
	(void)fd;
	if (capsock_drain(f->cs, f->fn, f->release, f->ctx) == -2 ||
	    (f->after_batch && f->after_batch(f->ctx))) {
		loop_stop(l);
		return;
	}
	if ((events & LOOP_ERR) && (f->sock_err = capsock_error(f->cs)) != 0)
		loop_stop(l);
}

int feed_live(struct feed *f)
{
	f->sock_err = 0;
	return loop_watch(f->loop, f->cs->fd, LOOP_IN, on_ring, f);
}

void feed_end(struct feed *f)
{
	if (f->cs)
		loop_unwatch(f->loop, f->cs->fd);
}

static void file_turn(struct loop *l, void *arg)
{
	struct feed *f = arg;
	struct pcap_record rec;
	for (int i = 0; i < FILE_BATCH; i++) {
		if ((f->file_err = pcap_read(f->r, &rec)) != PCAP_OK) {
			loop_stop(l);
			return;
		}
		if (f->prog && !bpf_run_wire(f->prog, rec.data, rec.caplen, rec.wirelen, NULL))
			continue;
		struct cap_packet cap = { rec.sec, rec.nsec, rec.data, rec.caplen, rec.wirelen, 0,
					  CAP_HOST, 0 };
		if (f->fn(f->ctx, &cap)) {
			loop_stop(l);
			return;
		}
	}
	if (f->after_batch && f->after_batch(f->ctx))
		loop_stop(l);
	else if (loop_timer(l, 0, file_turn, f) < 0)
		loop_stop(l);
}

int feed_file(struct feed *f)
{
	f->file_err = PCAP_OK;
	return loop_timer(f->loop, 0, file_turn, f) < 0 ? -1 : 0;
}
