#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/io.h"
#include "system/procnet.h"

/* ---- pure line parsers ------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static const char *skip_blank(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* 1 to maxdigits hex digits; *pp advanced past them. */
static int take_hex(const char **pp, const char *e, int maxdigits, unsigned long *out)
{
	const char *p = *pp;
	unsigned long v = 0;
	int n = 0, d;

	while (p < e && (d = hexval(*p)) >= 0) {
		if (++n > maxdigits)
			return -1;
		v = v << 4 | (unsigned long)d;
		p++;
	}
	if (n == 0)
		return -1;
	*pp = p;
	*out = v;
	return 0;
}

static int take_dec(const char **pp, const char *e, unsigned long *out)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (p >= e || *p < '0' || *p > '9')
		return -1;
	while (p < e && *p >= '0' && *p <= '9') {
		if (v > (~0UL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*p++ - '0');
	}
	*pp = p;
	*out = v;
	return 0;
}

static int take_char(const char **pp, const char *e, char c)
{
	if (*pp >= e || **pp != c)
		return -1;
	(*pp)++;
	return 0;
}

/* The kernel prints each 32-bit word of the address as the host reads it,
 * so the bytes come back by storing the value in host order. */
static int take_addr_port(const char **pp, const char *e, int family,
			  uint8_t *addr, uint16_t *port)
{
	int words = family == 4 ? 1 : 4, i;
	unsigned long v;

	memset(addr, 0, 16);
	for (i = 0; i < words; i++) {
		uint32_t w = 0;
		int k, d;
		/* Exactly eight digits per word: IPv6 runs four words together. */
		for (k = 0; k < 8; k++) {
			if (*pp >= e || (d = hexval(**pp)) < 0)
				return -1;
			w = w << 4 | (uint32_t)d;
			(*pp)++;
		}
		memcpy(addr + 4 * i, &w, 4);
	}
	if (take_char(pp, e, ':') < 0 || take_hex(pp, e, 4, &v) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* An optional minus sign, then decimal digits. */
static int take_signed(const char **pp, const char *e, long *out)
{
	unsigned long v;
	int neg = *pp < e && **pp == '-';

	if (neg)
		(*pp)++;
	if (take_dec(pp, e, &v) < 0 || v > 0x7fffffffUL)
		return -1;
	*out = neg ? -(long)v : (long)v;
	return 0;
}

/* A full TCP socket's tail: refcount, pointer, rto, ato, quick/pingpong,
 * cwnd, ssthresh. Time-wait and UDP lines stop earlier: no info then. */
static void take_tcp_info(const char *p, const char *e, struct sock_rec *out)
{
	unsigned long v, rto, ato, cwnd;
	long ssthresh;

	p = skip_blank(p, e);
	if (take_dec(&p, e, &v) < 0)
		return;
	p = skip_blank(p, e);
	if (take_hex(&p, e, 16, &v) < 0)
		return;
	p = skip_blank(p, e);
	if (take_dec(&p, e, &rto) < 0)
		return;
	p = skip_blank(p, e);
	if (take_dec(&p, e, &ato) < 0)
		return;
	p = skip_blank(p, e);
	if (take_dec(&p, e, &v) < 0)
		return;
	p = skip_blank(p, e);
	if (take_dec(&p, e, &cwnd) < 0)
		return;
	p = skip_blank(p, e);
	if (take_signed(&p, e, &ssthresh) < 0)
		return;
	out->rto = rto;
	out->ato = ato;
	out->cwnd = cwnd;
	out->ssthresh = ssthresh;
	out->has_info = 1;
}

int procnet_parse_inet_line(const char *line, size_t n, int family,
			    struct sock_rec *out)
{
	const char *p = line, *e = line + n;
	unsigned long v, tx, rx;

	memset(out, 0, sizeof *out);
	out->family = (uint8_t)family;
	p = skip_blank(p, e);
	if (take_dec(&p, e, &v) < 0 || take_char(&p, e, ':') < 0)
		return -1;
	p = skip_blank(p, e);
	if (take_addr_port(&p, e, family, out->local, &out->lport) < 0)
		return -1;
	p = skip_blank(p, e);
	if (take_addr_port(&p, e, family, out->remote, &out->rport) < 0)
		return -1;
	p = skip_blank(p, e);
	if (take_hex(&p, e, 2, &v) < 0)
		return -1;
	out->state = (uint8_t)v;
	p = skip_blank(p, e);
	if (take_hex(&p, e, 16, &tx) < 0 || take_char(&p, e, ':') < 0 ||
	    take_hex(&p, e, 16, &rx) < 0)
		return -1;
	out->txq = tx;
	out->rxq = rx;
	p = skip_blank(p, e); /* tr:tm->when */
	if (take_hex(&p, e, 2, &v) < 0 || take_char(&p, e, ':') < 0 ||
	    take_hex(&p, e, 16, &out->timer_ticks) < 0)
		return -1;
	out->timer = (uint8_t)v;
	p = skip_blank(p, e); /* retrnsmt */
	if (take_hex(&p, e, 16, &out->retrans) < 0)
		return -1;
	p = skip_blank(p, e);
	if (take_dec(&p, e, &v) < 0 || v > 0xffffffffUL)
		return -1;
	out->uid = (uint32_t)v;
	p = skip_blank(p, e); /* timeout: unanswered probes */
	if (take_dec(&p, e, &out->probes) < 0)
		return -1;
	p = skip_blank(p, e);
	if (take_dec(&p, e, &out->inode) < 0)
		return -1;
	if (p < e && *p != ' ' && *p != '\n')
		return -1;
	take_tcp_info(p, e, out);
	return 0;
}

int procnet_parse_unix_line(const char *line, size_t n, struct sock_rec *out)
{
	const char *p = line, *e = line + n;
	unsigned long v, flags, type, st;
	size_t plen;

	memset(out, 0, sizeof *out);
	out->proto = SP_UNIX;
	if (take_hex(&p, e, 16, &v) < 0 || take_char(&p, e, ':') < 0)
		return -1;
	p = skip_blank(p, e); /* RefCount */
	if (take_hex(&p, e, 8, &v) < 0)
		return -1;
	p = skip_blank(p, e); /* Protocol */
	if (take_hex(&p, e, 8, &v) < 0)
		return -1;
	p = skip_blank(p, e);
	if (take_hex(&p, e, 8, &flags) < 0)
		return -1;
	p = skip_blank(p, e);
	if (take_hex(&p, e, 4, &type) < 0)
		return -1;
	p = skip_blank(p, e);
	if (take_hex(&p, e, 2, &st) < 0)
		return -1;
	p = skip_blank(p, e);
	if (take_dec(&p, e, &out->inode) < 0)
		return -1;
	out->unix_type = (uint8_t)type;
	/* __SO_ACCEPTCON marks a listening socket. */
	if (flags & 0x10000)
		out->state = TS_LISTEN;
	else
		out->state = st == 3 ? TS_ESTABLISHED : st == 1 ? TS_CLOSE : TS_SYN_SENT;
	if (p < e && *p == ' ') {
		p++;
		while (e > p && (e[-1] == '\n' || e[-1] == '\r'))
			e--;
		plen = (size_t)(e - p);
		if (plen >= sizeof out->path)
			plen = sizeof out->path - 1;
		memcpy(out->path, p, plen);
		out->path[plen] = '\0';
	} else if (p < e && *p != '\n') {
		return -1;
	}
	return 0;
}

static struct sock_rec *list_next(struct sock_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct sock_rec *v = xrealloc(l->v, cap * sizeof *v);
		l->v = v;
		l->cap = cap;
	}
	return &l->v[l->n];
}

void procnet_parse_text(const char *text, size_t n, enum sock_proto proto,
			int family, struct sock_list *list)
{
	const char *p = memchr(text, '\n', n), *e = text + n;

	if (!p)
		return; /* a header alone, or nothing */
	for (p++; p < e;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
		struct sock_rec *r = list_next(list);
		int rc;

		if (proto == SP_UNIX)
			rc = procnet_parse_unix_line(p, len, r);
		else
			rc = procnet_parse_inet_line(p, len, family, r);
		if (rc == 0) {
			r->proto = (uint8_t)proto;
			list->n++;
		} else if (len > 0) {
			list->malformed++;
		}
		p += len + 1;
	}
}

/* ---- reading the files --------------------------------------------------- */

/* The files of one scan, opened before any record is delivered so a
 * missing file fails the scan before anything has been printed. */
struct scan_file { int fd; enum sock_proto proto; int family; };

static int parse_one(const char *line, size_t len, const struct scan_file *f,
		     struct sock_rec *r)
{
	int rc = f->proto == SP_UNIX ? procnet_parse_unix_line(line, len, r)
				     : procnet_parse_inet_line(line, len, f->family, r);
	r->proto = (uint8_t)f->proto;
	return rc;
}

/* Streams one file through a fixed buffer: the kernel hands out about a
 * page per read() however much we ask for, and a buffer that grows with
 * the file costs page faults that cat does not pay. */
static int scan_fd(const struct scan_file *f, char *buf, size_t cap,
		   procnet_fn fn, void *arg, size_t *malformed)
{
	size_t have = 0;
	int header = 1, skipping = 0, eof = 0;

	while (!eof) {
		ssize_t r = io_read(f->fd, buf + have, cap - have);
		const char *p = buf, *e;

		if (r < 0)
			return -1;
		eof = r == 0;
		have += (size_t)r;
		e = buf + have;
		for (;;) {
			const char *nl = memchr(p, '\n', (size_t)(e - p));
			struct sock_rec rec;
			size_t len;

			if (!nl && !(eof && p < e))
				break;
			len = nl ? (size_t)(nl - p) : (size_t)(e - p);
			if (header || skipping) {
				header = skipping = 0;
			} else if (parse_one(p, len, f, &rec) == 0) {
				if (fn(&rec, arg))
					return 0;
			} else if (len > 0) {
				(*malformed)++;
			}
			p += len + (nl != NULL);
		}
		if (p == buf && have == cap) {
			/* a line longer than any the kernel writes: skip it */
			(*malformed)++;
			skipping = 1;
			have = 0;
			continue;
		}
		have = (size_t)(e - p);
		memmove(buf, p, have);
	}
	return 0;
}

int procnet_scan(const char *proc_root, unsigned proto_mask, int family,
		 procnet_fn fn, void *arg, size_t *malformed)
{
	static const struct { enum sock_proto proto; const char *v4, *v6; } names[] = {
		{ SP_TCP, "tcp", "tcp6" }, { SP_UDP, "udp", "udp6" },
		{ SP_RAW, "raw", "raw6" },
	};
	struct scan_file files[7];
	size_t nfiles = 0, i, dummy = 0, cap = 1 << 18;
	char path[4096], *buf;
	int rc = 0, saved;

	if (!malformed)
		malformed = &dummy;
	for (i = 0; i < 7 && rc == 0; i++) {
		enum sock_proto proto = i < 6 ? names[i / 2].proto : SP_UNIX;
		int fam = i < 6 ? (i % 2 ? 6 : 4) : 0;
		const char *name = i < 6 ? (i % 2 ? names[i / 2].v6 : names[i / 2].v4) : "unix";

		if (!(proto_mask & (1u << proto)))
			continue;
		if (proto != SP_UNIX && family && family != fam)
			continue;
		if (proto == SP_UNIX && family)
			continue;
		snprintf(path, sizeof path, "%s/net/%s", proc_root, name);
		files[nfiles].fd = open(path, O_RDONLY | O_CLOEXEC);
		if (files[nfiles].fd < 0) {
			if (errno == ENOENT && fam == 6)
				continue; /* IPv6 is off: no sockets, not an error */
			rc = -1;
			break;
		}
		files[nfiles].proto = proto;
		files[nfiles].family = fam;
		nfiles++;
	}
	buf = rc == 0 ? xmalloc(cap) : NULL;
	for (i = 0; i < nfiles && rc == 0; i++)
		rc = scan_fd(&files[i], buf, cap, fn, arg, malformed);
	saved = errno;
	for (i = 0; i < nfiles; i++)
		close(files[i].fd);
	free(buf);
	errno = saved;
	return rc;
}

static int append_rec(const struct sock_rec *r, void *arg)
{
	struct sock_list *l = arg;

	*list_next(l) = *r;
	l->n++;
	return 0;
}

int procnet_read(const char *proc_root, unsigned proto_mask, int family,
		 struct sock_list *list)
{
	return procnet_scan(proc_root, proto_mask, family, append_rec, list, &list->malformed);
}

void sock_list_free(struct sock_list *list)
{
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}

/* ---- states --------------------------------------------------------------- */

static const char *const tcp_states[TS_MAX] = {
	[TS_ESTABLISHED] = "ESTABLISHED", [TS_SYN_SENT] = "SYN_SENT",
	[TS_SYN_RECV] = "SYN_RECV", [TS_FIN_WAIT1] = "FIN_WAIT1",
	[TS_FIN_WAIT2] = "FIN_WAIT2", [TS_TIME_WAIT] = "TIME_WAIT",
	[TS_CLOSE] = "CLOSE", [TS_CLOSE_WAIT] = "CLOSE_WAIT",
	[TS_LAST_ACK] = "LAST_ACK", [TS_LISTEN] = "LISTEN",
	[TS_CLOSING] = "CLOSING", [TS_NEW_SYN_RECV] = "NEW_SYN_RECV",
};

const char *procnet_state_name(const struct sock_rec *r)
{
	if (r->proto == SP_UDP || r->proto == SP_RAW)
		return r->state == TS_ESTABLISHED ? "ESTABLISHED" : "UNCONN";
	if (r->proto == SP_UNIX)
		return r->state == TS_LISTEN ? "LISTENING" :
		       r->state == TS_ESTABLISHED ? "CONNECTED" :
		       r->state == TS_CLOSE ? "UNCONN" : "CONNECTING";
	if (r->state < TS_MAX && tcp_states[r->state])
		return tcp_states[r->state];
	return "UNKNOWN";
}

const char *procnet_timer_name(unsigned timer)
{
	static const char *const names[] = { "off", "on", "keepalive", "timewait", "probe" };

	return timer < sizeof names / sizeof names[0] ? names[timer] : "unknown";
}

int procnet_state_from_name(const char *name)
{
	char norm[32];
	size_t i;
	int s;

	for (i = 0; name[i] && i + 1 < sizeof norm; i++)
		norm[i] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
	norm[i] = '\0';
	if (name[i])
		return -1;
	/* the names ss and netstat users type */
	if (strcmp(norm, "ESTAB") == 0)
		return TS_ESTABLISHED;
	if (strcmp(norm, "FIN_WAIT_1") == 0)
		return TS_FIN_WAIT1;
	if (strcmp(norm, "FIN_WAIT_2") == 0)
		return TS_FIN_WAIT2;
	if (strcmp(norm, "SYN_RCVD") == 0)
		return TS_SYN_RECV;
	for (s = 1; s < TS_MAX; s++)
		if (strcmp(norm, tcp_states[s]) == 0)
			return s;
	return -1;
}

/* ---- owners: inode -> process ------------------------------------------- */

struct owner_slot { unsigned long inode; uint32_t proc; };

struct owner_map {
	struct owner_slot *slot;
	size_t mask, used;
	struct owner *procs;
	size_t nprocs, capprocs;
};

static size_t hash_inode(unsigned long inode)
{
	uint64_t x = inode * 0x9E3779B97F4A7C15ULL;
	return (size_t)(x >> 17);
}

static void owner_insert(struct owner_map *m, unsigned long inode, uint32_t proc);

static void owner_grow(struct owner_map *m)
{
	struct owner_slot *old = m->slot;
	size_t oldn = m->mask + 1, i;

	m->mask = oldn * 2 - 1;
	m->slot = xcalloc(oldn * 2, sizeof *m->slot);
	m->used = 0;
	for (i = 0; i < oldn; i++)
		if (old[i].inode)
			owner_insert(m, old[i].inode, old[i].proc);
	free(old);
}

static void owner_insert(struct owner_map *m, unsigned long inode, uint32_t proc)
{
	size_t i;

	if ((m->used + 1) * 2 > m->mask + 1)
		owner_grow(m);
	for (i = hash_inode(inode) & m->mask; m->slot[i].inode; i = (i + 1) & m->mask)
		if (m->slot[i].inode == inode)
			return; /* shared by several processes: the first one seen */
	m->slot[i].inode = inode;
	m->slot[i].proc = proc;
	m->used++;
}

const struct owner *owner_lookup(const struct owner_map *m, unsigned long inode)
{
	size_t i;

	if (!m || !inode)
		return NULL;
	for (i = hash_inode(inode) & m->mask; m->slot[i].inode; i = (i + 1) & m->mask)
		if (m->slot[i].inode == inode)
			return &m->procs[m->slot[i].proc];
	return NULL;
}

static int is_pid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void read_comm(int pid_dirfd, char comm[16])
{
	int fd = openat(pid_dirfd, "comm", O_RDONLY | O_CLOEXEC);
	ssize_t r = fd >= 0 ? io_read(fd, comm, 15) : -1;

	if (fd >= 0)
		close(fd);
	if (r <= 0) {
		strcpy(comm, "?");
		return;
	}
	comm[r] = '\0';
	if (r > 0 && comm[r - 1] == '\n')
		comm[r - 1] = '\0';
}

/* "socket:[12345]" -> 12345; 0 for anything else. */
static unsigned long socket_inode(const char *link, ssize_t n)
{
	const char *p = link + 8, *e = link + n;
	unsigned long v;

	if (n < 10 || memcmp(link, "socket:[", 8) != 0 || e[-1] != ']')
		return 0;
	if (take_dec(&p, e - 1, &v) < 0 || p != e - 1)
		return 0;
	return v;
}

/* Calls fn(inode, arg) for every socket fd of the process in pid_dirfd;
 * returns how many there were. */
static size_t for_each_socket_fd(int pid_dirfd, void (*fn)(unsigned long, void *), void *arg)
{
	int fd_dirfd = openat(pid_dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	size_t count = 0;

	if (fd_dirfd < 0)
		return 0;
	d = fdopendir(fd_dirfd);
	if (!d) {
		close(fd_dirfd);
		return 0;
	}
	while ((de = readdir(d))) {
		char link[64];
		ssize_t n;
		unsigned long inode;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(fd_dirfd, de->d_name, link, sizeof link - 1);
		if (n <= 0)
			continue;
		inode = socket_inode(link, n);
		if (inode) {
			fn(inode, arg);
			count++;
		}
	}
	closedir(d);
	return count;
}

struct collect { struct owner_map *m; uint32_t proc; };

static void collect_inode(unsigned long inode, void *arg)
{
	struct collect *c = arg;
	owner_insert(c->m, inode, c->proc);
}

struct owner_map *procnet_owners(const char *proc_root)
{
	struct owner_map *m = xcalloc(1, sizeof *m);
	DIR *d;
	struct dirent *de;

	m->mask = 1023;
	m->slot = xcalloc(m->mask + 1, sizeof *m->slot);
	d = opendir(proc_root);
	if (!d)
		return m;
	while ((de = readdir(d))) {
		struct collect c;
		int pid_dirfd;

		if (!is_pid_name(de->d_name))
			continue;
		pid_dirfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pid_dirfd < 0)
			continue; /* gone already */
		if (m->nprocs == m->capprocs) {
			size_t cap = m->capprocs ? m->capprocs * 2 : 64;
			struct owner *p = xrealloc(m->procs, cap * sizeof *p);
			m->procs = p;
			m->capprocs = cap;
		}
		c.m = m;
		c.proc = (uint32_t)m->nprocs;
		if (for_each_socket_fd(pid_dirfd, collect_inode, &c) > 0) {
			struct owner *o = &m->procs[m->nprocs++];
			o->pid = (pid_t)atol(de->d_name);
			read_comm(pid_dirfd, o->comm);
		}
		close(pid_dirfd);
	}
	closedir(d);
	return m;
}

void owner_map_free(struct owner_map *m)
{
	if (!m)
		return;
	free(m->slot);
	free(m->procs);
	free(m);
}

int procnet_find_port_owner(const char *proc_root, enum sock_proto proto,
			    uint16_t port, struct owner *who)
{
	struct sock_list l = { 0 };
	struct owner_map *m;
	size_t i;
	int found = 0, pass;

	if (proto != SP_TCP && proto != SP_UDP) {
		errno = EINVAL;
		return -1;
	}
	if (procnet_read(proc_root, 1u << proto, 0, &l) < 0)
		return -1;
	m = procnet_owners(proc_root);
	/* A listener is the usual culprit; any other socket bound to the
	 * port (a connection, a bound but idle socket) is the second pick. */
	for (pass = 0; pass < 2 && !found; pass++)
		for (i = 0; i < l.n && !found; i++) {
			const struct owner *o;
			if (l.v[i].lport != port)
				continue;
			if (proto == SP_TCP && pass == 0 && l.v[i].state != TS_LISTEN)
				continue;
			o = owner_lookup(m, l.v[i].inode);
			if (o) {
				*who = *o;
				found = 1;
			}
		}
	owner_map_free(m);
	sock_list_free(&l);
	return found;
}

struct inode_set { unsigned long *v; size_t n, cap; };

static void add_inode(unsigned long inode, void *arg)
{
	struct inode_set *s = arg;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		unsigned long *v = xrealloc(s->v, cap * sizeof *v);
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = inode;
}

static int cmp_inode(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return x < y ? -1 : x > y;
}

int procnet_sockets_of_pid(const char *proc_root, pid_t pid, struct sock_list *list)
{
	struct inode_set set = { 0 };
	struct sock_list all = { 0 };
	char path[4096];
	int pid_dirfd;
	size_t i;

	snprintf(path, sizeof path, "%s/%ld", proc_root, (long)pid);
	pid_dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pid_dirfd < 0)
		return -1;
	for_each_socket_fd(pid_dirfd, add_inode, &set);
	close(pid_dirfd);
	if (procnet_read(proc_root, 1u << SP_TCP | 1u << SP_UDP, 0, &all) < 0) {
		free(set.v);
		return -1;
	}
	/* Sorted inodes: a process may hold thousands of sockets. */
	if (set.n > 1)
		qsort(set.v, set.n, sizeof set.v[0], cmp_inode);
	for (i = 0; i < all.n && set.n; i++)
		if (all.v[i].inode &&
		    bsearch(&all.v[i].inode, set.v, set.n, sizeof set.v[0], cmp_inode)) {
			*list_next(list) = all.v[i];
			list->n++;
		}
	free(set.v);
	sock_list_free(&all);
	return 0;
}

/* ---- both at once ----------------------------------------------------------- */

struct owners_job { const char *proc_root; struct owner_map *m; };

static void *owners_thread(void *arg)
{
	struct owners_job *job = arg;

	job->m = procnet_owners(job->proc_root);
	return NULL;
}

int procnet_read_owned(const char *proc_root, unsigned proto_mask, int family,
		       struct sock_list *list, struct owner_map **owners)
{
	struct owners_job job = { proc_root, NULL };
	pthread_t t;
	int threaded = pthread_create(&t, NULL, owners_thread, &job) == 0;
	int rc = procnet_read(proc_root, proto_mask, family, list);
	int saved = errno;

	if (threaded)
		pthread_join(t, NULL);
	else
		job.m = procnet_owners(proc_root); /* no thread to be had: in turn */
	*owners = job.m;
	errno = saved;
	return rc;
}

int procnet_port_owner_text(const char *proc_root, int udp, int port, char *buf, size_t n)
{
	struct owner who;

	if (procnet_find_port_owner(proc_root, udp ? SP_UDP : SP_TCP,
				    (uint16_t)port, &who) != 1)
		return 0;
	snprintf(buf, n, "%s (pid %ld)", who.comm, (long)who.pid);
	return 1;
}
