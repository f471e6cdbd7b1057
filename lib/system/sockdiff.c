#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/loop.h"
#include "system/sockdiff.h"

static int cmp_key(const void *a, const void *b)
{
	const struct sock_rec *x = a, *y = b;
	int c;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->proto == SP_UNIX)
		return x->inode < y->inode ? -1 : x->inode > y->inode;
	if (x->family != y->family)
		return x->family - y->family;
	if (x->lport != y->lport)
		return x->lport - y->lport;
	if (x->rport != y->rport)
		return x->rport - y->rport;
	if ((c = memcmp(x->local, y->local, 16)))
		return c;
	return memcmp(x->remote, y->remote, 16);
}

void sockdiff_sort(struct sock_list *l)
{
	if (l->n > 1) /* an empty list has no array to hand qsort */
		qsort(l->v, l->n, sizeof l->v[0], cmp_key);
}

void sockdiff_run(const struct sock_list *old, const struct sock_list *now,
		  sockdiff_fn fn, void *arg)
{
	size_t i = 0, j = 0;

	while (i < old->n || j < now->n) {
		int c = i == old->n ? 1 : j == now->n ? -1 : cmp_key(&old->v[i], &now->v[j]);
		if (c < 0) {
			fn(SOCKDIFF_GONE, &old->v[i++], NULL, arg);
		} else if (c > 0) {
			fn(SOCKDIFF_NEW, &now->v[j++], NULL, arg);
		} else {
			if (old->v[i].state != now->v[j].state)
				fn(SOCKDIFF_STATE, &now->v[j], &old->v[i], arg);
			i++;
			j++;
		}
	}
}

/* ---- the watch ------------------------------------------------------------ */

struct watch {
	const struct sockwatch *w;
	struct sock_list snap[2];
	struct owner_map *m;
	int failed;              /* errno of a snapshot that could not be read */
};

static int snapshot(struct watch *st, struct sock_list *l)
{
	const struct sockwatch *w = st->w;
	size_t i, k = 0;

	l->n = 0;
	if (procnet_read(w->proc, w->protos, w->family, l) < 0)
		return -1;
	for (i = 0; i < l->n; i++)
		if (sockfilter_match(w->filter, &l->v[i]))
			l->v[k++] = l->v[i];
	l->n = k;
	sockdiff_sort(l);
	if (w->owners) {
		owner_map_free(st->m);
		st->m = procnet_owners(w->proc);
	}
	return 0;
}

static void on_change(enum sockdiff_kind kind, const struct sock_rec *r,
		      const struct sock_rec *old, void *arg)
{
	struct watch *st = arg;

	st->w->report(kind, r, old, st->m, 0, st->w->arg);
}

static void on_tick(struct loop *l, void *arg)
{
	struct watch *st = arg;
	struct sock_list t;

	if (snapshot(st, &st->snap[1]) < 0) {
		st->failed = errno;
		loop_stop(l);
		return;
	}
	sockdiff_run(&st->snap[0], &st->snap[1], on_change, st);
	t = st->snap[0];
	st->snap[0] = st->snap[1];
	st->snap[1] = t;
	if (st->w->flush(st->w->arg) || loop_timer(l, st->w->interval_ms, on_tick, st) < 0)
		loop_stop(l);
}

static void on_stop(struct loop *l, int signo, void *arg)
{
	(void)signo;
	(void)arg;
	loop_stop(l);
}

int sockwatch_run(const struct sockwatch *w)
{
	struct watch st = { w, { { 0 }, { 0 } }, NULL, 0 };
	struct loop *l = loop_new();
	size_t i;
	int rc = -1;

	if (!l || loop_signal(l, SIGINT, on_stop, &st) < 0 ||
	    loop_signal(l, SIGTERM, on_stop, &st) < 0 ||
	    loop_timer(l, w->interval_ms, on_tick, &st) < 0 || snapshot(&st, &st.snap[0]) < 0)
		goto out;
	for (i = 0; i < st.snap[0].n; i++)
		w->report(SOCKDIFF_NEW, &st.snap[0].v[i], NULL, st.m, 1, w->arg);
	if (w->flush(w->arg) == 0 && loop_run(l) < 0)
		goto out;
	rc = 0;
	if (st.failed) {
		errno = st.failed;
		rc = -1;
	}
out:
	loop_free(l);
	owner_map_free(st.m);
	sock_list_free(&st.snap[0]);
	sock_list_free(&st.snap[1]);
	return rc;
}
