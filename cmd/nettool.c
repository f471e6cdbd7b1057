/* main(): the command table, global options and dispatch. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#ifndef NETTOOL_VERSION
#define NETTOOL_VERSION "0.1.0"
#endif

static const struct command commands[] = {
	{ "ipclass", cmd_ipclass, "IPv4 class and address-range classification", ipclass_usage },
	{ "send", cmd_send, "send TCP or UDP data to HOST PORT (netcat client)", send_usage },
	{ "listen", cmd_listen, "listen on a TCP or UDP port (netcat server, echo)", listen_usage },
	{ "chat", cmd_chat, "two-way UDP messaging (the notes' UDP chat)", chat_usage },
	{ "file", cmd_file, "TCP file download: serve a directory, get a file", file_usage },
	{ "port", cmd_port, "well-known port and service lookup, and who uses a port", port_usage },
	{ "ping", cmd_ping, "ICMP and ICMPv6 echo probe with iputils' output", ping_usage },
	{ "netstat", cmd_netstat, "socket listing from /proc/net, with owning processes", netstat_usage },
	{ "ifaces", cmd_ifaces, "interfaces, their addresses and counters", ifaces_usage },
	{ "scan", cmd_scan, "which TCP or UDP ports of hosts and CIDRs answer (nc -z, nmap -sT)", scan_usage },
	{ "capture", cmd_capture, "packet capture with BPF filters, pcap files and layer views", capture_usage },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void print_overview(FILE *fp)
{
	size_t i;

	fputs("usage: nettool COMMAND [OPTIONS] [ARGS]\n"
	      "       nettool help COMMAND | nettool --help | nettool --version\n\n"
	      "commands:\n", fp);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\nEvery command takes --help. Exit status: 0 yes, 1 no (or the "
	      "network said no),\n2 usage or input error. See nettool(1).\n", fp);
}

/* Edit distance, to suggest the command meant by a typo. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best;
			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static noreturn void unknown_command(const char *name)
{
	const char *best = NULL;
	size_t i, bestd = 3; /* suggest only close names */
	char q[128];

	for (i = 0; i < NCOMMANDS; i++) {
		size_t d = distance(name, commands[i].name);
		if (d < bestd || (strncmp(name, commands[i].name, 3) == 0 && !best)) {
			bestd = d;
			best = commands[i].name;
		}
	}
	if (best)
		nt_usage_error("unknown command '%s'; did you mean '%s'?",
			       nt_quote(name, q, sizeof q), best);
	nt_usage_error("unknown command '%s' (see 'nettool --help')",
		       nt_quote(name, q, sizeof q));
}

static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

/* A failed write to stdout is an error, not silence; a closed pipe ends the
 * program the way it ends any filter. */
static int finish_stdout(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	nt_write_error();
}

static int help_command(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		print_overview(stdout);
		return EXIT_YES;
	}
	c = find_command(argv[1]);
	if (!c)
		unknown_command(argv[1]);
	fputs(c->usage, stdout);
	return EXIT_YES;
}

/* With 0, 1 or 2 closed, the next socket or file would take its number and
 * be mistaken for stdin or stdout. */
static void ensure_std_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

int main(int argc, char **argv)
{
	const struct command *c;

	ensure_std_fds();
	/* Sockets and pipes report EPIPE instead of killing us mid-message. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return finish_stdout(help_command(1, argv));
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		puts("nettool " NETTOOL_VERSION);
		return finish_stdout(EXIT_YES);
	}
	if (strcmp(argv[1], "help") == 0)
		return finish_stdout(help_command(argc - 1, argv + 1));
	if (argv[1][0] == '-') {
		char q[128];
		nt_usage_error("unknown option '%s' (see 'nettool --help')",
			       nt_quote(argv[1], q, sizeof q));
	}
	c = find_command(argv[1]);
	if (!c)
		unknown_command(argv[1]);
	nt_set_command(c->name);
	if (wants_help(argc - 1, argv + 1)) {
		fputs(c->usage, stdout);
		return finish_stdout(EXIT_YES);
	}
	optind = 0; /* glibc: full reset before the command's own parsing */
	return finish_stdout(c->run(argc - 1, argv + 1));
}
