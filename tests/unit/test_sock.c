/* lib/net/sock: the pure parts (reflection check). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/sock.h"
#include "unit.h"

static const struct sockaddr *v4(const char *a, int port)
{
	static struct sockaddr_in in;

	memset(&in, 0, sizeof in);
	in.sin_family = AF_INET;
	in.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, a, &in.sin_addr);
	return (const struct sockaddr *)&in;
}

static const struct sockaddr *v6(const char *a, int port)
{
	static struct sockaddr_in6 in;

	memset(&in, 0, sizeof in);
	in.sin6_family = AF_INET6;
	in.sin6_port = htons((unsigned short)port);
	inet_pton(AF_INET6, a, &in.sin6_addr);
	return (const struct sockaddr *)&in;
}

int main(void)
{
	CHECK_INT(sock_is_reflection(v4("192.0.2.1", 0), 7), 1);
	CHECK_INT(sock_is_reflection(v4("127.0.0.1", 7), 7), 1);
	CHECK_INT(sock_is_reflection(v4("127.3.2.1", 7), 7), 1);
	CHECK_INT(sock_is_reflection(v4("127.0.0.1", 8), 7), 0);
	CHECK_INT(sock_is_reflection(v4("192.0.2.1", 7), 7), 0);
	CHECK_INT(sock_is_reflection(v6("::1", 7), 7), 1);
	CHECK_INT(sock_is_reflection(v6("::ffff:127.0.0.1", 7), 7), 1);
	CHECK_INT(sock_is_reflection(v6("2001:db8::1", 0), 7), 1);
	CHECK_INT(sock_is_reflection(v6("2001:db8::1", 7), 7), 0);
	return unit_report();
}
