#define _DEFAULT_SOURCE /* the linux/ headers' types */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "core/alloc.h"
#include "system/sockdiag.h"

/* ---- bytecode ------------------------------------------------------------- */

/* Each condition jumps to the next when it holds and past the end (the
 * kernel's "reject") when it does not: the conditions are ANDed. */
struct bc { uint8_t *buf; size_t cap, len; int bad; };

static struct inet_diag_bc_op *bc_op(struct bc *b, size_t size)
{
	struct inet_diag_bc_op *op;

	if (b->len + size > b->cap) {
		b->bad = 1;
		return NULL;
	}
	op = (struct inet_diag_bc_op *)(void *)(b->buf + b->len);
	memset(op, 0, size);
	op->yes = (unsigned char)size;
	b->len += size;
	return op;
}

static void bc_port(struct bc *b, unsigned char code, unsigned port)
{
	struct inet_diag_bc_op *op = bc_op(b, 2 * sizeof *op);

	if (op) {
		op->code = code;
		op[1].no = (unsigned short)port;
	}
}

static void bc_range(struct bc *b, const struct port_range *r, int dst)
{
	if (!r->on)
		return;
	bc_port(b, dst ? INET_DIAG_BC_D_GE : INET_DIAG_BC_S_GE, r->lo);
	bc_port(b, dst ? INET_DIAG_BC_D_LE : INET_DIAG_BC_S_LE, r->hi);
}

static void bc_prefix(struct bc *b, const struct ip_prefix *p, int dst)
{
	size_t alen = p->ip.version == 4 ? 4 : 16;
	struct inet_diag_bc_op *op = bc_op(b, sizeof *op + sizeof(struct inet_diag_hostcond) + alen);
	struct inet_diag_hostcond *hc;

	if (!op)
		return;
	op->code = dst ? INET_DIAG_BC_D_COND : INET_DIAG_BC_S_COND;
	hc = (struct inet_diag_hostcond *)(void *)(op + 1);
	hc->family = p->ip.version == 4 ? AF_INET : AF_INET6;
	hc->prefix_len = (uint8_t)(p->prefix < 0 ? (int)alen * 8 : p->prefix);
	hc->port = -1;
	memcpy(hc->addr, p->ip.b, alen);
}

size_t sockdiag_bytecode(const struct sock_filter *f, int family, uint8_t *buf, size_t cap)
{
	struct bc b = { buf, cap, 0, 0 };
	size_t off = 0;

	bc_range(&b, &f->sport, 0);
	bc_range(&b, &f->dport, 1);
	if (f->has_src && f->src.ip.version == family)
		bc_prefix(&b, &f->src, 0);
	if (f->has_dst && f->dst.ip.version == family)
		bc_prefix(&b, &f->dst, 1);
	if (b.bad)
		return 0;
	while (off < b.len) { /* every "no" jumps past the end */
		struct inet_diag_bc_op *op = (struct inet_diag_bc_op *)(void *)(buf + off);
		op->no = (unsigned short)(b.len - off + 4);
		off += op->yes;
	}
	return b.len;
}

/* ---- answers --------------------------------------------------------------- */

int sockdiag_parse(const void *msg, size_t len, struct sock_rec *out)
{
	struct nlmsghdr h;
	struct inet_diag_msg m;

	memset(out, 0, sizeof *out);
	if (len < NLMSG_HDRLEN + sizeof m)
		return -1;
	memcpy(&h, msg, sizeof h);
	if (h.nlmsg_type != SOCK_DIAG_BY_FAMILY || h.nlmsg_len < NLMSG_LENGTH(sizeof m) ||
	    h.nlmsg_len > len)
		return -1;
	memcpy(&m, (const uint8_t *)msg + NLMSG_HDRLEN, sizeof m);
	if ((m.idiag_family != AF_INET && m.idiag_family != AF_INET6) || m.idiag_state >= TS_MAX)
		return -1;
	out->proto = SP_TCP;
	out->family = m.idiag_family == AF_INET ? 4 : 6;
	out->state = m.idiag_state;
	memcpy(out->local, m.id.idiag_src, out->family == 4 ? 4 : 16);
	memcpy(out->remote, m.id.idiag_dst, out->family == 4 ? 4 : 16);
	out->lport = ntohs(m.id.idiag_sport);
	out->rport = ntohs(m.id.idiag_dport);
	out->rxq = m.idiag_rqueue;
	out->txq = m.idiag_state == TS_LISTEN ? 0 : m.idiag_wqueue;
	out->uid = m.idiag_uid;
	out->inode = m.idiag_inode;
	out->timer = m.idiag_timer;
	out->timer_ticks = m.idiag_expires / 10;
	out->retrans = m.idiag_retrans;
	return 0;
}

/* ---- the request -------------------------------------------------------- */

struct scan { procnet_fn fn; void *arg; int stop; };

/* One datagram: 1 at the end of the dump (or a stop), 0 for more, -1 with
 * errno on an error answer. */
static int walk(const uint8_t *p, size_t len, struct scan *s)
{
	while (len >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		struct sock_rec r;
		memcpy(&h, p, sizeof h);
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
			return errno = EPROTO, -1;
		if (h.nlmsg_type == NLMSG_DONE)
			return 1;
		if (h.nlmsg_type == NLMSG_ERROR) {
			int e = 0;
			if (h.nlmsg_len >= NLMSG_LENGTH(sizeof e))
				memcpy(&e, p + NLMSG_HDRLEN, sizeof e);
			return e < 0 ? (errno = -e, -1) : 1;
		}
		if (sockdiag_parse(p, h.nlmsg_len, &r) == 0 && s->fn(&r, s->arg))
			return s->stop = 1;
		if (NLMSG_ALIGN(h.nlmsg_len) >= len)
			break;
		p += NLMSG_ALIGN(h.nlmsg_len);
		len -= NLMSG_ALIGN(h.nlmsg_len);
	}
	return 0;
}

static int request(int fd, int family, uint32_t states, const struct sock_filter *f)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
		struct nlattr a;
		uint8_t bc[256];
	} req;
	struct sockaddr_nl sa;
	size_t bclen = sockdiag_bytecode(f, family, req.bc, sizeof req.bc);

	memset(&req, 0, offsetof(__typeof__(req), bc));
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.r.sdiag_family = family == 4 ? AF_INET : AF_INET6;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = states ? states : ~0u;
	req.a.nla_type = INET_DIAG_REQ_BYTECODE;
	req.a.nla_len = (unsigned short)(NLA_HDRLEN + bclen);
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof req.r) + (bclen ? NLA_HDRLEN + NLA_ALIGN(bclen) : 0);
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	return sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) ==
	       (ssize_t)req.h.nlmsg_len ? 0 : -1;
}

static int scan_family(int family, uint32_t states, const struct sock_filter *f, struct scan *s)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), rc = 0, e;
	uint8_t *buf;

	if (fd < 0)
		return -1;
	buf = xmalloc(1u << 16);
	if (request(fd, family, states, f) < 0)
		rc = -1;
	while (rc == 0) {
		ssize_t n = recv(fd, buf, 1u << 16, 0);
		if (n < 0 && errno == EINTR)
			continue;
		rc = n <= 0 ? (n == 0 ? (errno = EPROTO, -1) : -1) : walk(buf, (size_t)n, s);
	}
	e = errno;
	free(buf);
	close(fd);
	errno = e;
	return rc < 0 ? -1 : 0;
}

int sockdiag_useful(const struct sock_filter *f)
{
	return f->sport.on || f->dport.on || f->has_src || f->has_dst;
}

int sockdiag_scan_tcp(int family, uint32_t states, const struct sock_filter *f,
		      procnet_fn fn, void *arg)
{
	struct scan s = { fn, arg, 0 };

	/* an address filter of one family: no socket of the other matches */
	if ((f->has_src && f->src.ip.version == 4) || (f->has_dst && f->dst.ip.version == 4))
		family = family == 6 ? -1 : 4;
	if ((f->has_src && f->src.ip.version == 6) || (f->has_dst && f->dst.ip.version == 6))
		family = family == 4 || family < 0 ? -1 : 6;
	if (family < 0)
		return 0;

	if (family != 6 && scan_family(4, states, f, &s) < 0)
		return -1;
	if (family != 4 && !s.stop && scan_family(6, states, f, &s) < 0 && errno != ENOENT)
		return -1;
	return 0;
}
