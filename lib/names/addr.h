/* IPv4 and IPv6 addresses: strict parsing, formatting, classful class,
 * special-purpose range (IANA registries) and CIDR arithmetic. Pure. */
#ifndef NETTOOL_ADDR_H
#define NETTOOL_ADDR_H

#include <stddef.h>
#include <stdint.h>

struct ip {
	int version;        /* 4 or 6 */
	uint8_t b[16];      /* network byte order; IPv4 in b[0..3] */
};

/* An address with an optional prefix length (-1: none given). */
struct ip_prefix {
	struct ip ip;
	int prefix;
};

enum addr_err {
	ADDR_OK = 0,
	ADDR_EMPTY,          /* nothing given */
	ADDR_BAD_CHAR,       /* a byte that cannot be in an address */
	ADDR_OCTET_RANGE,    /* an IPv4 part above 255 */
	ADDR_LEADING_ZERO,   /* "01": would mean octal to some parsers */
	ADDR_EMPTY_PART,     /* "1..2.3" */
	ADDR_TOO_FEW,        /* "1.2.3" */
	ADDR_TOO_MANY,       /* "1.2.3.4.5" */
	ADDR_BAD_IPV6,       /* not a valid IPv6 address */
	ADDR_BAD_PREFIX,     /* "/x", "/", "/08" */
	ADDR_PREFIX_RANGE,   /* "/33", "/129" */
	ADDR_BAD_NETMASK,    /* a dotted netmask that is not contiguous */
	ADDR_TOO_LONG,       /* longer than any address can be */
	ADDR_RANGE_ORDER,    /* a range whose start is after its end */
	ADDR_RANGE_FAMILY,   /* a range from IPv4 to IPv6 or back */
};

/* Where the problem is, so a message can name the bad part. */
struct addr_error {
	enum addr_err code;
	size_t pos, len;     /* the bad part: s[pos .. pos+len) */
};

/* Strict dotted quad of exactly four decimal parts 0-255, no leading
 * zeros, signs or blanks. Returns 0, or -1 with *err filled. */
int addr_parse_ipv4(const char *s, size_t n, uint32_t *out, struct addr_error *err);
/* The dotted quad at the start of s (same rules), for hot loops: returns
 * its length with *out set, or 0 if s does not start with one. What
 * follows it is not looked at. */
size_t addr_scan_ipv4(const char *s, size_t n, uint32_t *out);
/* IPv4 or IPv6, chosen by the presence of ':'. */
int addr_parse(const char *s, size_t n, struct ip *out, struct addr_error *err);
/* ADDR, ADDR/LEN or IPv4 ADDR/NETMASK. */
int addr_parse_prefix(const char *s, size_t n, struct ip_prefix *out,
		      struct addr_error *err);
/* A dotted netmask to its prefix length; -1 if not contiguous or invalid. */
int addr_netmask_to_prefix(const char *s, size_t n, struct addr_error *err);
const char *addr_strerror(enum addr_err e);
/* One line naming the bad part of text for a message, with unsafe bytes
 * escaped: "'256.1.1.1': part '256' is out of range (0-255)". */
void addr_describe_error(const char *text, size_t n, const struct addr_error *e,
			 char *msg, size_t size);

/* Text forms. IPv6 in RFC 5952 form. buf needs ADDR_STRLEN bytes. */
#define ADDR_STRLEN 46
char *addr_format(const struct ip *ip, char *buf);
/* Dotted binary "10101100.00010100.00000001.00000101" (IPv4 only);
 * buf needs 36 bytes. */
char *addr_format_binary(const struct ip *ip, char *buf);

/* Bytes from..to-1 of an IPv4 address, dotted: "172.20" (buf 16). */
char *addr_format_octets(const struct ip *ip, int from, int to, char *buf);

/* Classful class of an IPv4 address. */
struct ipv4_class {
	char letter;           /* 'A'..'E' */
	const char *leading;   /* leading bits: "0", "10", "110", "1110", "1111" */
	int default_prefix;    /* 8, 16, 24; -1 for D and E */
	int network_bytes;     /* 1, 2, 3; 0 for D and E */
};
struct ipv4_class addr_ipv4_class(uint32_t a);

/* The special-purpose range an address falls in. */
struct addr_range {
	const char *category;  /* a CLI.md word: "private", "global", ... */
	const char *name;      /* the registry's name: "Private-Use" */
	const char *cidr;      /* "172.16.0.0/12"; NULL for global */
	const char *rfc;       /* "RFC 1918" */
};
const struct addr_range *addr_classify(const struct ip *ip);
/* Fast path for bulk IPv4: the category word only. */
const char *addr_category_ipv4(uint32_t a);
/* Multicast scope name for IPv6 ff00::/8 ("link-local", "global", ...);
 * NULL otherwise. */
const char *addr_ipv6_mcast_scope(const struct ip *ip);
/* 1 if word is a category CLI.md lists for that version (0: either). */
int addr_is_category(const char *word, int version);

/* One line of bulk input: an address (or ADDR/PREFIX) with blanks and a
 * carriage return around it. Fills the address as written (span without
 * the blanks), the class letter ('-' for IPv6) and the category; *p only
 * when parsed is set (a plain IPv4 line takes a fast path that skips it).
 * Returns 0, or -1 with *err (ADDR_TOO_LONG past ADDR_LINE_MAX bytes). */
#define ADDR_LINE_MAX 128
struct addr_line {
	const char *addr;
	size_t len;
	char cls;
	const char *category;
	size_t category_len;
	int parsed;
	struct ip_prefix p;
};
int addr_classify_line(const char *s, size_t n, struct addr_line *out,
		       struct addr_error *err);

/* CIDR arithmetic on a prefix. hosts is decimal (up to 2^128). */
struct addr_net {
	struct ip network, netmask, wildcard, broadcast, first, last;
	int has_broadcast;     /* IPv4 below /31 */
	char hosts[48];
};
void addr_network(const struct ip_prefix *p, struct addr_net *out);
/* 2^n in decimal, n <= 128; out needs 40 bytes. */
void addr_pow2_decimal(int n, char *out);

#endif
