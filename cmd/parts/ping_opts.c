/* ping's option values that need more than a number: -p, -Q, -I, -M. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ping.h"

static int hexval(int ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
	       ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* -p: up to 16 bytes in hex, as iputils takes them. */
void parse_pattern(struct ping_opts *o, const char *s)
{
	size_t i, n = strlen(s);
	char q[64];

	if (n == 0 || n > 32 || n % 2)
		nt_usage_error("pattern '%s' is not 1-16 bytes of hex (ff00)", nt_quote(s, q, sizeof q));
	for (i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			nt_usage_error("pattern '%s' is not 1-16 bytes of hex (ff00)",
				       nt_quote(s, q, sizeof q));
		o->pattern[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	o->patlen = n / 2;
}

int parse_tos(const char *s)
{
	char *end, q[64];
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (!*s || *end || errno || v < 0 || v > 255)
		nt_usage_error("tos '%s' is not a number 0-255 (16 or 0x10)", nt_quote(s, q, sizeof q));
	return (int)v;
}

void parse_iface(struct ping_opts *o, const char *s)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&o->sock.source;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&o->sock.source;
	char q[64];

	if (inet_pton(AF_INET, s, &v4->sin_addr) == 1)
		v4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, s, &v6->sin6_addr) == 1)
		v6->sin6_family = AF_INET6;
	else if (strlen(s) >= sizeof o->sock.iface || !*s)
		nt_usage_error("interface '%s' is not a name or an address", nt_quote(s, q, sizeof q));
	else
		snprintf(o->sock.iface, sizeof o->sock.iface, "%s", s);
}

void parse_pmtu(struct ping_opts *o, const char *s)
{
	char q[64];

	if (!strcmp(s, "do"))
		o->sock.pmtu = PINGSOCK_PMTU_DO;
	else if (!strcmp(s, "want"))
		o->sock.pmtu = PINGSOCK_PMTU_WANT;
	else if (!strcmp(s, "dont"))
		o->sock.pmtu = PINGSOCK_PMTU_DONT;
	else
		nt_usage_error("-M '%s' is not do, want or dont", nt_quote(s, q, sizeof q));
}
