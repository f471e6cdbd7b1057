/* DNS messages (RFC 1035) decoded for one line, as tcpdump shows them:
 * "4660+ A? example.com." for a query, "4660 2/0/0 CNAME a.example., A
 * 192.0.2.1" for a response. Pure; never reads past len; compression
 * pointers are followed a bounded number of times, so loops end. */
#ifndef NETTOOL_DNS_H
#define NETTOOL_DNS_H

#include <stddef.h>
#include <stdint.h>

enum { DNS_NAME_MAX = 1025 }; /* 255 octets, each escaped at worst as \DDD */

struct dns_header {
	uint16_t id, flags, qdcount, ancount, nscount, arcount;
};

/* The name at off in msg (following pointers) as text with a trailing
 * dot ("." for the root); *next is the offset after the name where it
 * sits (not where a pointer led). Returns 0 or -1 when malformed. */
int dns_name(const uint8_t *msg, size_t len, size_t off, char *out, size_t outn,
	     size_t *next);

/* Writes the one-line description of the message into out (always
 * terminated). Returns 0, or -1 when the message is too short or
 * malformed (out then holds what could be read, ending in "[|domain]"). */
int dns_describe(const uint8_t *msg, size_t len, char *out, size_t outn);

/* The name of a record type ("A", "AAAA", ..., "Type65280"). */
const char *dns_type_name(uint16_t type, char *buf, size_t n);

#endif
