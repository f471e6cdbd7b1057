#include <stdlib.h>
#include <string.h>

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
