/* Socket records as text: "127.0.0.1:22", "[::1]:7788", "0.0.0.0:*". */
#ifndef NETTOOL_SOCKFMT_H
#define NETTOOL_SOCKFMT_H

#include <stddef.h>

#include "core/out.h"
#include "system/procnet.h"

#define SOCKFMT_ADDRLEN 64

/* The address alone (no port); IPv6 in RFC 5952 form. Returns length. */
size_t sockfmt_ip(const uint8_t *addr, int family, char *buf);
/* ADDR:PORT with brackets around IPv6; a zero remote port prints as "*".
 * service, if not NULL, is printed instead of the number. */
size_t sockfmt_endpoint(const uint8_t *addr, int family, unsigned port,
			int is_remote, const char *service, char *buf);
/* "tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix". */
const char *sockfmt_proto(const struct sock_rec *r);
/* One row for port --who: proto, local, lport, remote, rport, state, pid,
 * program, "pid/program". */
void sockfmt_emit_owner_row(struct out *o, const struct sock_rec *r,
			    const struct owner *who);

#endif
