/* Options typed by reflex from the tools nettool replaces (nc, ping,
 * netstat/ss, tcpdump, ipcalc) that a command does not take itself.
 * nt_getopt asks here before calling an option unknown: an option that
 * means nothing different here is accepted and skipped; the others end
 * with a message that gives the nettool spelling. An option the command
 * takes never gets here. man/nettool.1 (HABITS) lists them all. */
#include <string.h>

#include "cmd.h"

struct habit {
	const char *cmd, *opt;
	const char *say; /* NULL: accepted, it changes nothing here */
};

static const struct habit habits[] = {
	{ "send", "-l", "'-l' is nc's listen mode: use 'nettool listen tcp|udp PORT'" },
	{ "send", "-u", "'-u' is nc's UDP: name the protocol, 'nettool send udp HOST PORT'" },
	{ "send", "-z", "'-z' is nc's port scan: use 'nettool scan -p PORTS HOST'" },
	{ "send", "-v", NULL },   /* failures are always explained */
	{ "send", "-N", NULL },   /* the end of input always half-closes */
	{ "listen", "-l", NULL }, /* listening is what listen does */
	{ "listen", "-v", NULL }, /* connections are always logged */
	{ "listen", "-n", NULL }, /* listen never looks names up */
	{ "listen", "-u", "'-u' is nc's UDP: name the protocol, 'nettool listen udp PORT'" },
	{ "listen", "-p", "'-p' is nc's port option: the port is an operand, 'nettool listen tcp|udp PORT'" },
	{ "listen", "-z", "'-z' is nc's port scan: use 'nettool scan -p PORTS HOST'" },
	{ "scan", "-z", NULL },   /* scanning is what scan does */
	{ "scan", "-v", NULL },   /* a summary is always printed; -a shows every port */
	{ "ping", "-n", NULL },   /* output is always numeric */
	{ "netstat", "-r", "'-r' (the routing table) is 'nettool route'" },
	{ "netstat", "-i", "'-i' (the interface table) is 'nettool ifaces'" },
	{ "ipclass", "-n", "'-n' is ipcalc's: 'nettool ipclass ADDR/PREFIX' prints the network (add --json for scripts)" },
	{ "ipclass", "-b", "'-b' is ipcalc's: 'nettool ipclass ADDR/PREFIX' prints the broadcast address (add --json for scripts)" },
};

int nt_habit(const char *cmd, int opt, const char *word)
{
	char shortopt[3] = { '-', (char)opt, '\0' };
	const char *o = shortopt;
	size_t n, i;

	if (!cmd)
		return 0;
	if (opt == 0) { /* a long option: the word, without =VALUE */
		if (!word || strncmp(word, "--", 2) != 0)
			return 0;
		o = word;
	}
	n = strcspn(o, "=");
	for (i = 0; i < sizeof habits / sizeof habits[0]; i++) {
		if (strcmp(habits[i].cmd, cmd) != 0 || strlen(habits[i].opt) != n ||
		    strncmp(habits[i].opt, o, n) != 0)
			continue;
		if (habits[i].say)
			nt_usage_error("%s", habits[i].say);
		return 1;
	}
	return 0;
}
