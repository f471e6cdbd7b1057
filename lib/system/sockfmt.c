#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "system/sockfmt.h"

/* Dotted quad by hand: netstat formats tens of thousands of these. */
static size_t put_u8(char *p, unsigned v)
{
	if (v >= 100) {
		p[0] = (char)('0' + v / 100);
		p[1] = (char)('0' + v / 10 % 10);
		p[2] = (char)('0' + v % 10);
		return 3;
	}
	if (v >= 10) {
		p[0] = (char)('0' + v / 10);
		p[1] = (char)('0' + v % 10);
		return 2;
	}
	p[0] = (char)('0' + v);
	return 1;
}

size_t sockfmt_ip(const uint8_t *addr, int family, char *buf)
{
	size_t n = 0;
	int i;

	if (family == 4) {
		for (i = 0; i < 4; i++) {
			if (i)
				buf[n++] = '.';
			n += put_u8(buf + n, addr[i]);
		}
		buf[n] = '\0';
		return n;
	}
	if (!inet_ntop(AF_INET6, addr, buf, SOCKFMT_ADDRLEN))
		strcpy(buf, "?");
	return strlen(buf);
}

static size_t put_uint(char *p, unsigned v)
{
	char tmp[12];
	size_t n = 0, i;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

size_t sockfmt_endpoint(const uint8_t *addr, int family, unsigned port,
			int is_remote, const char *service, char *buf)
{
	size_t n = 0;

	if (family == 6)
		buf[n++] = '[';
	n += sockfmt_ip(addr, family, buf + n);
	if (family == 6)
		buf[n++] = ']';
	buf[n++] = ':';
	if (is_remote && port == 0) {
		buf[n++] = '*';
	} else if (service) {
		size_t l = strlen(service);
		if (l > 20)
			l = 20;
		memcpy(buf + n, service, l);
		n += l;
	} else {
		n += put_uint(buf + n, port);
	}
	buf[n] = '\0';
	return n;
}

const char *sockfmt_proto(const struct sock_rec *r)
{
	static const char *const names[SP_COUNT][2] = {
		[SP_TCP] = { "tcp", "tcp6" }, [SP_UDP] = { "udp", "udp6" },
		[SP_RAW] = { "raw", "raw6" }, [SP_UNIX] = { "unix", "unix" },
	};
	return names[r->proto][r->family == 6];
}

void sockfmt_emit_owner_row(struct out *o, const struct sock_rec *r,
			    const struct owner *who)
{
	char buf[SOCKFMT_ADDRLEN];

	out_str(o, sockfmt_proto(r));
	sockfmt_endpoint(r->local, r->family, r->lport, 0, NULL, buf);
	out_str(o, buf);
	out_int(o, r->lport);
	sockfmt_endpoint(r->remote, r->family, r->rport, 1, NULL, buf);
	out_str(o, buf);
	out_int(o, r->rport);
	out_str(o, procnet_state_name(r));
	if (who) {
		out_int(o, who->pid);
		out_str(o, who->comm);
		out_fmt(o, "%ld/%s", (long)who->pid, who->comm);
	} else {
		out_str(o, NULL);
		out_str(o, NULL);
		out_str(o, "-");
	}
	out_end(o);
}
