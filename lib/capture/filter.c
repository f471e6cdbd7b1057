/* The filter language's parser; see filter.h. Tokens keep their place in
 * the expression so every error can name it. */
#include "capture/filter.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

enum { TOK_LEN = 64, MAX_DEPTH = 200 };

struct tok {
	char s[TOK_LEN];
	int pos;   /* 1-based offset in the expression */
};

struct qual {
	int set, proto, dir, type;
};

struct parser {
	struct tok *t;
	int ntok, pos, depth, failed;
	struct filter *f;
	struct qual last;  /* the qualifiers a bare ID inherits */
	char *err;
	size_t errn;
};

enum { T_NONE, T_HOST, T_NET, T_PORT, T_PORTRANGE };

static void fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct parser *ps, const char *fmt, ...)
{
	if (ps->failed)
		return;
	ps->failed = 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errn, fmt, ap);
	va_end(ap);
}

/* ---- tokens ---- */

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == ':' || c == '_' || c == '\\';
}

/* '-' and '/' join a word when a word character follows ("tcp-syn",
 * "10-20", "10.0.0.0/8"); alone they are operators. */
static size_t word_len(const char *s, int in_brackets)
{
	size_t n = 0;
	while ((word_char(s[n]) && !(in_brackets && s[n] == ':')) ||
	       ((s[n] == '-' || s[n] == '/') && n && word_char(s[n + 1])))
		n++;
	return n;
}

static size_t op_len(const char *s)
{
	static const char *const two[] = { "&&", "||", "==", "!=", "<=", ">=", "<<", ">>" };
	for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
		if (s[0] == two[i][0] && s[1] == two[i][1])
			return 2;
	return strchr("()[]:!&|+-*/%^<>=", s[0]) ? 1 : 0;
}

static int tokenize(struct parser *ps, const char *expr)
{
	const char *s = expr;
	int brackets = 0; /* inside proto[...], ':' separates the size */
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n') {
			s++;
			continue;
		}
		size_t n = word_char(*s) ? word_len(s, brackets) : 0;
		if (n == 0)
			n = op_len(s);
		brackets += *s == '[' ? 1 : *s == ']' && brackets ? -1 : 0;
		if (n == 0) {
			fail(ps, "unexpected character '%c' in filter at position %d", *s,
			     (int)(s - expr) + 1);
			return -1;
		}
		if (n >= TOK_LEN || ps->ntok >= FILTER_MAX_TOKENS) {
			fail(ps, "filter %s at position %d", n >= TOK_LEN ? "word is too long"
			     : "has too many words", (int)(s - expr) + 1);
			return -1;
		}
		memcpy(ps->t[ps->ntok].s, s, n);
		ps->t[ps->ntok].s[n] = '\0';
		ps->t[ps->ntok].pos = (int)(s - expr) + 1;
		ps->ntok++;
		s += n;
	}
	return 0;
}

static const char *peek_at(const struct parser *ps, int k)
{
	return ps->pos + k < ps->ntok ? ps->t[ps->pos + k].s : NULL;
}

static const char *peek(const struct parser *ps)
{
	return peek_at(ps, 0);
}

static int here(const struct parser *ps)
{
	return ps->pos < ps->ntok ? ps->t[ps->pos].pos : (ps->ntok ? ps->t[ps->ntok - 1].pos : 1);
}

static int is(const struct parser *ps, const char *w)
{
	const char *t = peek(ps);
	return t && strcmp(t, w) == 0;
}

static int take(struct parser *ps, const char *w)
{
	if (!is(ps, w))
		return 0;
	ps->pos++;
	return 1;
}

/* "unexpected 'x' at position N (want ...)" or "filter ends early". */
static void unexpected(struct parser *ps, const char *want)
{
	if (peek(ps))
		fail(ps, "unexpected '%s' in filter at position %d (want %s)", peek(ps), here(ps),
		     want);
	else
		fail(ps, "filter ends early (want %s)", want);
}

static int new_node(struct parser *ps, int kind)
{
	struct filter *f = ps->f;
	if (f->count >= FILTER_MAX_NODES) {
		fail(ps, "filter is too long");
		return -1;
	}
	struct fnode *n = &f->n[f->count];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->a = n->b = -1;
	n->shift = f->vlan_shift;
	return f->count++;
}

static int new_prim(struct parser *ps, int prim)
{
	int i = new_node(ps, F_PRIM);
	if (i >= 0)
		ps->f->n[i].prim = prim;
	return i;
}

static int join(struct parser *ps, int kind, int a, int b)
{
	if (a < 0 || b < 0)
		return -1;
	int i = new_node(ps, kind);
	if (i >= 0) {
		ps->f->n[i].a = a;
		ps->f->n[i].b = b;
	}
	return i;
}

/* ---- numbers and names ---- */

/* Decimal, 0x hex or 0 octal, as tcpdump reads them. */
static int parse_number(const char *s, uint32_t *v)
{
	char *end;
	if (!s || !*s || !(*s >= '0' && *s <= '9'))
		return -1;
	unsigned long long x = strtoull(s, &end, 0);
	if (*end || x > 0xffffffffULL)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static const struct { const char *name; uint32_t v; } constants[] = {
	{ "tcpflags", 13 }, { "tcp-fin", 0x01 }, { "tcp-syn", 0x02 }, { "tcp-rst", 0x04 },
	{ "tcp-push", 0x08 }, { "tcp-ack", 0x10 }, { "tcp-urg", 0x20 }, { "tcp-ece", 0x40 },
	{ "tcp-cwr", 0x80 }, { "icmptype", 0 }, { "icmpcode", 1 }, { "icmp-echoreply", 0 },
	{ "icmp-unreach", 3 }, { "icmp-sourcequench", 4 }, { "icmp-redirect", 5 },
	{ "icmp-echo", 8 }, { "icmp-routeradvert", 9 }, { "icmp-routersolicit", 10 },
	{ "icmp-timxceed", 11 }, { "icmp-paramprob", 12 }, { "icmp-tstamp", 13 },
	{ "icmp-tstampreply", 14 }, { "icmp-ireq", 15 }, { "icmp-ireqreply", 16 },
	{ "icmp-maskreq", 17 }, { "icmp-maskreply", 18 }, { "icmp6type", 0 },
	{ "icmp6code", 1 }, { "icmp6-destinationunreach", 1 }, { "icmp6-packettoobig", 2 },
	{ "icmp6-timeexceeded", 3 }, { "icmp6-parameterproblem", 4 }, { "icmp6-echo", 128 },
	{ "icmp6-echoreply", 129 }, { "icmp6-multicastlistenerquery", 130 },
	{ "icmp6-multicastlistenerreportv1", 131 }, { "icmp6-multicastlistenerdone", 132 },
	{ "icmp6-routersolicit", 133 }, { "icmp6-routeradvert", 134 },
	{ "icmp6-neighborsolicit", 135 }, { "icmp6-neighboradvert", 136 },
	{ "icmp6-redirect", 137 },
};

static int constant(const char *s, uint32_t *v)
{
	if (!s)
		return -1;
	if (parse_number(s, v) == 0)
		return 0;
	for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
		if (strcmp(s, constants[i].name) == 0) {
			*v = constants[i].v;
			return 0;
		}
	return -1;
}

static int proto_word(const char *s)
{
	static const struct { const char *w; int p; } words[] = {
		{ "ether", PW_LINK }, { "link", PW_LINK }, { "ip", PW_IP }, { "ip6", PW_IP6 },
		{ "arp", PW_ARP }, { "rarp", PW_RARP }, { "tcp", PW_TCP }, { "udp", PW_UDP },
		{ "sctp", PW_SCTP }, { "icmp", PW_ICMP }, { "icmp6", PW_ICMP6 }, { "igmp", PW_IGMP },
	};
	for (size_t i = 0; s && i < sizeof words / sizeof words[0]; i++)
		if (strcmp(s, words[i].w) == 0)
			return words[i].p;
	return PW_NONE;
}

/* The protocol number of a transport word. */
static uint32_t proto_number(int pw)
{
	switch (pw) {
	case PW_TCP: return 6;
	case PW_UDP: return 17;
	case PW_SCTP: return 132;
	case PW_ICMP: return 1;
	case PW_ICMP6: return 58;
	case PW_IGMP: return 2;
	}
	return 0;
}

/* ---- arithmetic ---- */

static int parse_arith(struct parser *ps, int level);

static int arith_leaf(struct parser *ps, int kind, uint32_t k)
{
	int i = new_node(ps, kind);
	if (i >= 0)
		ps->f->n[i].v = k;
	return i;
}

/* PROTO "[" arith [":" size] "]" with the protocol word already read. */
static int parse_load(struct parser *ps, int pw)
{
	uint32_t size = 1;
	int at = here(ps);
	ps->pos++; /* '[' */
	int idx = parse_arith(ps, 0);
	if (idx < 0)
		return -1;
	if (ps->f->n[idx].kind == A_NUM && ps->f->n[idx].v > 65535) {
		fail(ps, "offset %u at position %d is out of range (0-65535)", ps->f->n[idx].v, at);
		return -1;
	}
	if (take(ps, ":")) {
		if (parse_number(peek(ps), &size) < 0 || (size != 1 && size != 2 && size != 4)) {
			fail(ps, "size '%s' at position %d is not 1, 2 or 4",
			     peek(ps) ? peek(ps) : "", here(ps));
			return -1;
		}
		ps->pos++;
	}
	if (!take(ps, "]")) {
		unexpected(ps, "']'");
		return -1;
	}
	int i = new_node(ps, A_LOAD);
	if (i >= 0) {
		ps->f->n[i].proto = pw;
		ps->f->n[i].a = idx;
		ps->f->n[i].size = (int)size;
	}
	return i;
}

static int parse_arith_primary(struct parser *ps)
{
	const char *t = peek(ps);
	uint32_t v;
	if (!t) {
		unexpected(ps, "a number");
		return -1;
	}
	if (take(ps, "(")) {
		int e = parse_arith(ps, 0);
		if (e >= 0 && !take(ps, ")")) {
			unexpected(ps, "')'");
			return -1;
		}
		return e;
	}
	if (take(ps, "-")) {
		int e = parse_arith_primary(ps);
		return join(ps, A_NEG, e, e);
	}
	if (take(ps, "len"))
		return arith_leaf(ps, A_LEN, 0);
	int pw = proto_word(t);
	if (pw && peek_at(ps, 1) && strcmp(peek_at(ps, 1), "[") == 0) {
		ps->pos++;
		return parse_load(ps, pw);
	}
	if (constant(t, &v) == 0) {
		ps->pos++;
		return arith_leaf(ps, A_NUM, v);
	}
	unexpected(ps, "a number");
	return -1;
}

/* Binding levels, loosest first, as in tcpdump's grammar. */
static int arith_op(const char *t, int level, int *op)
{
	static const struct { const char *s; int level, op; } ops[] = {
		{ "|", 0, O_OR }, { "^", 0, O_XOR }, { "&", 1, O_AND }, { "<<", 2, O_LSH },
		{ ">>", 2, O_RSH }, { "+", 3, O_ADD }, { "-", 3, O_SUB }, { "*", 4, O_MUL },
		{ "/", 4, O_DIV }, { "%", 4, O_MOD },
	};
	for (size_t i = 0; t && i < sizeof ops / sizeof ops[0]; i++)
		if (ops[i].level == level && strcmp(t, ops[i].s) == 0) {
			*op = ops[i].op;
			return 1;
		}
	return 0;
}

/* An operator of any binding level ("5 * 2 = 10" starts a comparison). */
static int any_arith_op(const char *t)
{
	int op;
	for (int level = 0; level <= 4; level++)
		if (arith_op(t, level, &op))
			return 1;
	return 0;
}

static int parse_arith(struct parser *ps, int level)
{
	int op;
	if (level > 4)
		return parse_arith_primary(ps);
	if (++ps->depth > MAX_DEPTH) {
		fail(ps, "filter is nested too deeply");
		return -1;
	}
	int l = parse_arith(ps, level + 1);
	while (l >= 0 && arith_op(peek(ps), level, &op)) {
		int at = here(ps);
		ps->pos++;
		int r = parse_arith(ps, level + 1);
		l = join(ps, A_BIN, l, r);
		if (l >= 0) {
			ps->f->n[l].op = op;
			if ((op == O_DIV || op == O_MOD) && ps->f->n[r].kind == A_NUM &&
			    ps->f->n[r].v == 0) {
				fail(ps, "division by zero at position %d", at);
				l = -1;
			}
		}
	}
	ps->depth--;
	return l;
}

static int rel_op(const char *t, int *op)
{
	static const struct { const char *s; int op; } ops[] = {
		{ "=", R_EQ }, { "==", R_EQ }, { "!=", R_NE }, { "<", R_LT }, { "<=", R_LE },
		{ ">", R_GT }, { ">=", R_GE },
	};
	for (size_t i = 0; t && i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(t, ops[i].s) == 0) {
			*op = ops[i].op;
			return 1;
		}
	return 0;
}

/* Whether the factor at pos may be a comparison: it starts like arithmetic. */
static int starts_arith(const struct parser *ps)
{
	const char *t = peek(ps), *n = peek_at(ps, 1);
	uint32_t v;
	if (!t)
		return 0;
	if (!strcmp(t, "(") || !strcmp(t, "-") || !strcmp(t, "len"))
		return 1;
	if (proto_word(t) && n && !strcmp(n, "["))
		return 1;
	return constant(t, &v) == 0 && (t[0] < '0' || t[0] > '9' || (n && rel_op(n, &(int){ 0 })) ||
					(n && any_arith_op(n)));
}

/* arith RELOP arith, or -2 with nothing consumed when the factor does not
 * parse as one; then its error and how far it got are kept in alt_err and
 * alt_pos, in case the other reading fails sooner. */
static int try_relation(struct parser *ps, char *alt_err, size_t alt_n, int *alt_pos)
{
	int save_pos = ps->pos, save_count = ps->f->count, op;
	/* "len ..." and "proto[...]" can only be comparisons */
	int definite = !strcmp(peek(ps), "len") || (peek_at(ps, 1) && !strcmp(peek_at(ps, 1), "["));
	int l = parse_arith(ps, 0);
	if (l >= 0 && rel_op(peek(ps), &op)) {
		ps->pos++;
		int r = parse_arith(ps, 0);
		int i = join(ps, F_PRIM, l, r);
		if (i >= 0) {
			ps->f->n[i].prim = P_REL;
			ps->f->n[i].op = op;
		}
		return i;
	}
	if (!ps->failed)
		unexpected(ps, "a comparison (= != < <= > >=)");
	if (definite)
		return -1;
	snprintf(alt_err, alt_n, "%s", ps->err);
	*alt_pos = ps->pos;
	ps->failed = 0;
	ps->pos = save_pos;
	ps->f->count = save_count;
	return -2;
}

/* ---- primitives ---- */

static int parse_expr(struct parser *ps);
static int parse_factor(struct parser *ps);

static int parse_mac(const char *s, uint8_t *m);

/* An address, number or MAC (also "f2.8d.0.0.0.0", as tcpdump reads it). */
static int id_like(const char *t)
{
	uint8_t mac[6];
	return t && ((t[0] >= '0' && t[0] <= '9') || strchr(t, ':') || parse_mac(t, mac) == 0);
}

static int parse_dir(struct parser *ps)
{
	const char *n = peek_at(ps, 1), *n2 = peek_at(ps, 2);
	int src = is(ps, "src");
	if (!src && !is(ps, "dst"))
		return DIR_ANY;
	ps->pos++;
	if (n && n2 && !strcmp(n2, src ? "dst" : "src") && (!strcmp(n, "or") || !strcmp(n, "and"))) {
		ps->pos += 2;
		return !strcmp(n, "or") ? DIR_ANY : DIR_BOTH;
	}
	return src ? DIR_SRC : DIR_DST;
}

static int parse_type(struct parser *ps)
{
	static const char *const words[] = { "", "host", "net", "port", "portrange" };
	for (int i = 1; i < 5; i++)
		if (take(ps, words[i]))
			return i;
	return T_NONE;
}

static int parse_mac(const char *s, uint8_t *m)
{
	unsigned v[6];
	char tail;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6 &&
	    sscanf(s, "%x.%x.%x.%x.%x.%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		m[i] = (uint8_t)v[i];
	}
	return 0;
}

static int port_value(const char *s, uint32_t *v)
{
	return parse_number(s, v) < 0 || *v > 65535 ? -1 : 0;
}

static int parse_ports(struct parser *ps, struct fnode *n, int range)
{
	const char *t = peek(ps);
	char lo[TOK_LEN], *dash;
	snprintf(lo, sizeof lo, "%s", t);
	dash = range ? strchr(lo, '-') : NULL;
	if (dash)
		*dash = '\0';
	if (range && !dash) {
		fail(ps, "port range '%s' at position %d is not N-M", t, here(ps));
		return -1;
	}
	if (port_value(lo, &n->v) < 0 || port_value(dash ? dash + 1 : lo, &n->v2) < 0) {
		fail(ps, "port '%s' at position %d is not a number in 0-65535", t, here(ps));
		return -1;
	}
	if (n->v > n->v2) {
		fail(ps, "port range '%s' at position %d runs backwards", t, here(ps));
		return -1;
	}
	ps->pos++;
	return 0;
}

/* ---- addresses ---- */

static void prefix_mask(uint8_t *mask, int bits, int bytes)
{
	memset(mask, 0, 16);
	for (int i = 0; i < bytes; i++) {
		int b = bits - 8 * i;
		mask[i] = b >= 8 ? 0xff : b <= 0 ? 0 : (uint8_t)(0xff << (8 - b));
	}
}

/* "10", "10.1", "10.1.2": tcpdump's short network numbers. */
static int short_net(const char *s, uint8_t *a, int *bits)
{
	unsigned v[4];
	int n = 0, used = 0;
	memset(a, 0, 4);
	while (n < 4 && sscanf(s, "%u%n", &v[n], &used) == 1 && v[n] <= 255) {
		a[n] = (uint8_t)v[n];
		n++;
		s += used;
		if (*s != '.')
			break;
		s++;
	}
	if (*s || n == 0)
		return -1;
	*bits = 8 * n;
	return 0;
}

/* ADDR, ADDR/LEN, a short network, or ADDR "mask" MASK (with net). */
static int parse_addr(struct parser *ps, struct fnode *n, int net)
{
	char a[TOK_LEN], *slash;
	const char *t = peek(ps);
	int bits = -1, len;
	snprintf(a, sizeof a, "%s", t);
	if ((slash = strchr(a, '/'))) {
		uint32_t b;
		*slash = '\0';
		if (parse_number(slash + 1, &b) < 0 || b > 128)
			goto bad;
		bits = (int)b;
	}
	if (inet_pton(AF_INET, a, n->addr) == 1) {
		n->family = 4;
	} else if (inet_pton(AF_INET6, a, n->addr) == 1) {
		n->family = 6;
	} else if (net && short_net(a, n->addr, &len) == 0 && bits < 0) {
		n->family = 4;
		bits = len;
	} else {
		goto bad;
	}
	len = n->family == 4 ? 4 : 16;
	if (bits > 8 * len)
		goto bad;
	ps->pos++;
	if (net && n->family == 4 && bits < 0 && take(ps, "mask")) {
		if (!peek(ps) || inet_pton(AF_INET, peek(ps), n->mask) != 1) {
			unexpected(ps, "a netmask");
			return -1;
		}
		ps->pos++;
	} else {
		prefix_mask(n->mask, bits < 0 ? 8 * len : bits, len);
	}
	for (int i = 0; i < len; i++)
		if (n->addr[i] & ~n->mask[i]) {
			fail(ps, "non-network bits set in '%s' at position %d", t, ps->t[ps->pos - 1].pos);
			return -1;
		}
	return 0;
bad:
	fail(ps, "%s '%s' at position %d is not an IPv4 or IPv6 address%s", net ? "net" : "host",
	     t, here(ps), net ? " or network" : "");
	return -1;
}

/* [PROTO] [DIR] [TYPE] ID with the protocol already read. */
static int parse_qualified(struct parser *ps, int pw, int dir, int type)
{
	const char *t = peek(ps);
	if (!t || !strcmp(t, "and") || !strcmp(t, "or") || !strcmp(t, ")")) {
		unexpected(ps, "an address, network or port");
		return -1;
	}
	ps->last = (struct qual){ 1, pw, dir, type };
	int port = type == T_PORT || type == T_PORTRANGE ||
		   (type == T_NONE && (pw == PW_TCP || pw == PW_UDP || pw == PW_SCTP));
	int i = new_prim(ps, pw == PW_LINK ? P_EHOST : port ? P_PORT : P_HOST);
	if (i < 0)
		return -1;
	struct fnode *n = &ps->f->n[i];
	n->dir = dir;
	if (pw == PW_LINK) {
		if ((type != T_NONE && type != T_HOST) || parse_mac(t, n->addr) < 0) {
			fail(ps, "ether '%s' at position %d is not a MAC address", t, here(ps));
			return -1;
		}
		ps->pos++;
		return i;
	}
	if (port) {
		if (pw != PW_NONE && pw != PW_TCP && pw != PW_UDP && pw != PW_SCTP && pw != PW_IP &&
		    pw != PW_IP6) {
			fail(ps, "port at position %d needs tcp, udp, sctp, ip or ip6", here(ps));
			return -1;
		}
		n->family = pw == PW_IP ? 4 : pw == PW_IP6 ? 6 : 0;
		n->which = (int)proto_number(pw);
		return parse_ports(ps, n, type == T_PORTRANGE) < 0 ? -1 : i;
	}
	if (pw != PW_NONE && pw != PW_IP && pw != PW_IP6 && pw != PW_ARP && pw != PW_RARP) {
		fail(ps, "'%s' before host or net at position %d makes no sense", ps->t[ps->pos - 1].s,
		     here(ps));
		return -1;
	}
	if (parse_addr(ps, n, type == T_NET || (type == T_NONE && strchr(t, '/'))) < 0)
		return -1;
	n->which = pw == PW_IP ? Q_IP : pw == PW_ARP ? Q_ARP : pw == PW_RARP ? Q_RARP
		 : Q_IP | Q_ARP | Q_RARP;
	if ((n->family == 6 && pw != PW_NONE && pw != PW_IP6) || (n->family == 4 && pw == PW_IP6)) {
		fail(ps, "'%s' does not fit its address family at position %d", t, here(ps));
		return -1;
	}
	return i;
}

static int proto_alone(struct parser *ps, int pw, const char *word)
{
	static const uint32_t ethertypes[] = { [PW_IP] = 0x0800, [PW_IP6] = 0x86dd,
					       [PW_ARP] = 0x0806, [PW_RARP] = 0x8035 };
	int i;
	if (pw == PW_LINK) {
		fail(ps, "'%s' needs host, src, dst, proto, broadcast or multicast", word);
		return -1;
	}
	if (pw == PW_IP || pw == PW_IP6 || pw == PW_ARP || pw == PW_RARP) {
		if ((i = new_prim(ps, P_ETHERTYPE)) >= 0)
			ps->f->n[i].v = ethertypes[pw];
		return i;
	}
	if ((i = new_prim(ps, P_IPPROTO)) >= 0) {
		ps->f->n[i].v = proto_number(pw);
		ps->f->n[i].family = pw == PW_ICMP || pw == PW_IGMP ? 4 : pw == PW_ICMP6 ? 6 : 0;
	}
	return i;
}

/* "proto N" after ether, ip, ip6 or nothing; N a number or \name. */
static int proto_number_prim(struct parser *ps, int pw)
{
	const char *t = peek(ps);
	uint32_t v;
	if (t && t[0] == '\\' && proto_word(t + 1) > PW_RARP)
		v = proto_number(proto_word(t + 1));
	else if (t && t[0] == '\\' && pw == PW_LINK && proto_word(t + 1))
		v = proto_word(t + 1) == PW_IP6 ? 0x86dd : proto_word(t + 1) == PW_ARP ? 0x806 : 0x800;
	else if (parse_number(t, &v) < 0 || v > (pw == PW_LINK ? 0xffffu : 0xffu)) {
		fail(ps, "protocol '%s' at position %d is not a number in 0-%u", t ? t : "", here(ps),
		     pw == PW_LINK ? 0xffffu : 0xffu);
		return -1;
	}
	ps->pos++;
	int i = new_prim(ps, pw == PW_LINK ? P_ETHERTYPE : P_IPPROTO);
	if (i >= 0) {
		ps->f->n[i].v = v;
		ps->f->n[i].family = pw == PW_IP ? 4 : pw == PW_IP6 ? 6 : 0;
	}
	return i;
}

static int cast_prim(struct parser *ps, int pw, int bcast)
{
	int kind = pw == PW_IP || pw == PW_IP6 ? (bcast ? P_IPBCAST : P_IPMCAST)
		 : (bcast ? P_EBCAST : P_EMCAST);
	if ((pw == PW_IP6 && bcast) || (pw != PW_NONE && pw != PW_LINK && pw != PW_IP && pw != PW_IP6)) {
		fail(ps, "%s at position %d makes no sense for '%s'", bcast ? "broadcast" : "multicast",
		     here(ps), ps->t[ps->pos - 1].s);
		return -1;
	}
	ps->pos++;
	int i = new_prim(ps, kind);
	if (i >= 0)
		ps->f->n[i].family = pw == PW_IP6 ? 6 : 4;
	return i;
}

static int parse_proto_prim(struct parser *ps, int pw)
{
	const char *word = peek(ps);
	ps->pos++;
	if (take(ps, "proto")) {
		if (pw != PW_LINK && pw != PW_IP && pw != PW_IP6) {
			fail(ps, "'%s proto' at position %d makes no sense", word, here(ps));
			return -1;
		}
		return proto_number_prim(ps, pw);
	}
	if (is(ps, "broadcast") || is(ps, "multicast"))
		return cast_prim(ps, pw, is(ps, "broadcast"));
	const char *t = peek(ps);
	if (t && (!strcmp(t, "src") || !strcmp(t, "dst") || !strcmp(t, "host") || !strcmp(t, "net") ||
		  !strcmp(t, "port") || !strcmp(t, "portrange") || id_like(t))) {
		int dir = parse_dir(ps);
		return parse_qualified(ps, pw, dir, parse_type(ps));
	}
	return proto_alone(ps, pw, word);
}

static int number_prim(struct parser *ps, int prim, const char *word, uint32_t max)
{
	uint32_t v;
	if (parse_number(peek(ps), &v) < 0 || v > max) {
		fail(ps, "'%s' at position %d needs a number in 0-%u", word, here(ps), max);
		return -1;
	}
	ps->pos++;
	int i = new_prim(ps, prim);
	if (i >= 0)
		ps->f->n[i].v = v;
	return i;
}

static int parse_vlan(struct parser *ps)
{
	uint32_t v;
	int i;
	if (peek(ps) && peek(ps)[0] >= '0' && peek(ps)[0] <= '9') {
		i = number_prim(ps, P_VLAN, "vlan", 4095);
	} else if ((i = new_prim(ps, P_VLAN)) >= 0) {
		v = 0xffffffffu;
		ps->f->n[i].v = v;
	}
	ps->f->vlan_shift += 4; /* what follows looks inside the tag, as tcpdump does */
	return i;
}

static int parse_keyword_prim(struct parser *ps, const char *t)
{
	ps->pos++;
	if (!strcmp(t, "less"))
		return number_prim(ps, P_LESS, t, 0xffffffffu);
	if (!strcmp(t, "greater"))
		return number_prim(ps, P_GREATER, t, 0xffffffffu);
	if (!strcmp(t, "vlan"))
		return parse_vlan(ps);
	if (!strcmp(t, "proto"))
		return proto_number_prim(ps, PW_NONE);
	ps->pos--;
	if (!strcmp(t, "broadcast") || !strcmp(t, "multicast"))
		return cast_prim(ps, PW_NONE, !strcmp(t, "broadcast"));
	ps->pos++;
	return new_prim(ps, !strcmp(t, "inbound") ? P_INBOUND : P_OUTBOUND);
}

static int parse_prim(struct parser *ps)
{
	static const char *const keywords[] = { "less", "greater", "vlan", "proto", "broadcast",
						"multicast", "inbound", "outbound" };
	const char *t = peek(ps);
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (!strcmp(t, keywords[i]))
			return parse_keyword_prim(ps, t);
	int pw = proto_word(t);
	if (pw)
		return parse_proto_prim(ps, pw);
	if (!strcmp(t, "src") || !strcmp(t, "dst") || !strcmp(t, "host") || !strcmp(t, "net") ||
	    !strcmp(t, "port") || !strcmp(t, "portrange")) {
		int dir = parse_dir(ps);
		return parse_qualified(ps, PW_NONE, dir, parse_type(ps));
	}
	if (id_like(t) && ps->last.set)
		return parse_qualified(ps, ps->last.proto, ps->last.dir, ps->last.type);
	if (id_like(t))
		return parse_qualified(ps, PW_NONE, DIR_ANY, T_NONE);
	fail(ps, "unknown word '%s' in filter at position %d", t, here(ps));
	return -1;
}

static int parse_factor(struct parser *ps)
{
	int r;
	if (!peek(ps)) {
		unexpected(ps, "a primitive");
		return -1;
	}
	if (++ps->depth > MAX_DEPTH) {
		fail(ps, "filter is nested too deeply");
		return -1;
	}
	char alt_err[256];
	int alt_pos = -1;
	if (take(ps, "not") || take(ps, "!")) {
		r = parse_factor(ps);
		r = join(ps, F_NOT, r, r);
	} else if (starts_arith(ps) &&
		   (r = try_relation(ps, alt_err, sizeof alt_err, &alt_pos)) != -2) {
		/* a comparison */
	} else if (take(ps, "(")) {
		r = parse_expr(ps);
		if (r >= 0 && !take(ps, ")")) {
			unexpected(ps, "')'");
			r = -1;
		}
	} else {
		r = parse_prim(ps);
	}
	if (r < 0 && alt_pos >= ps->pos) /* the comparison got further: its error says more */
		snprintf(ps->err, ps->errn, "%s", alt_err);
	ps->depth--;
	return r;
}

/* and/or: equal precedence, left to right, as tcpdump's. */
static int parse_expr(struct parser *ps)
{
	int l = parse_factor(ps);
	for (;;) {
		int kind;
		if (take(ps, "and") || take(ps, "&&"))
			kind = F_AND;
		else if (take(ps, "or") || take(ps, "||"))
			kind = F_OR;
		else
			return l;
		if (l < 0)
			return -1;
		l = join(ps, kind, l, parse_factor(ps));
	}
}

int filter_parse(const char *expr, struct filter *f, char *err, size_t errn)
{
	struct parser ps;
	memset(&ps, 0, sizeof ps);
	ps.t = xmalloc(sizeof *ps.t * FILTER_MAX_TOKENS);
	ps.f = f;
	ps.err = err;
	ps.errn = errn;
	f->count = 0;
	f->root = -1;
	f->vlan_shift = 0;
	int rc = -1;
	if (tokenize(&ps, expr) < 0)
		goto out;
	if (ps.ntok == 0) {
		rc = 0;
		goto out;
	}
	f->root = parse_expr(&ps);
	if (f->root >= 0 && ps.pos < ps.ntok)
		unexpected(&ps, "and, or or the end");
	rc = ps.failed || f->root < 0 ? -1 : 0;
	if (rc < 0 && !ps.failed)
		snprintf(err, errn, "filter does not parse");
out:
	free(ps.t);
	return rc;
}
