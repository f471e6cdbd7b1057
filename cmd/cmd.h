/* What every command file sees: the helpers of cmd/opt.c and the command
 * table's entry points. */
#ifndef NETTOOL_CMD_H
#define NETTOOL_CMD_H

#include <getopt.h>
#include <stdio.h>
#include <stdnoreturn.h>

#include "core/alloc.h" /* xmalloc, xcalloc, xrealloc, xstrdup, xgrow */
#include "core/progress.h"

/* Exit statuses of the contract (CLI.md), and the one status for each
 * failure that is neither a "no" nor the user's input (nettool(1) EXIT
 * STATUS): out of memory (lib/core/alloc says it and exits) and a write
 * error on standard output. */
enum {
	EXIT_YES = 0, EXIT_NO = 1, EXIT_USAGE = 2,
	EXIT_NOMEM = ALLOC_EXIT, EXIT_WRITE = 1,
};

/* One row of the command table. usage is the full usage text printed by
 * --help; its first line is the synopsis checked against the man page. */
struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage;
};

/* "nettool CMD: message" on stderr; never exits. */
void nt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same line, then exit with status. */
noreturn void nt_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A usage or input error: the line, then exit 2. */
noreturn void nt_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Standard output could not be written (errno says why): a closed pipe
 * ends quietly by SIGPIPE, as any filter does; anything else is
 * "write error on standard output: REASON" and exit EXIT_WRITE. */
noreturn void nt_write_error(void);

/* getopt_long that prints the contract's one-line errors for unknown
 * options and missing arguments and exits 2; returns -1 at the end.
 * --help never reaches a command: dispatch handles it. */
int nt_getopt(int argc, char **argv, const char *shortopts,
	      const struct option *longopts);

/* Writes s into buf (size n) with control and non-ASCII bytes escaped as
 * \xNN, so a bad value can be quoted safely in a message. */
const char *nt_quote(const char *s, char *buf, size_t n);
/* The same for len bytes that may hold NULs. */
const char *nt_quoten(const char *s, size_t len, char *buf, size_t n);

/* Numbers from users, range-checked, or exit 2 with a line that repeats
 * the value: "nettool CMD: port '70000' is out of range (1-65535)". */
int opt_port(const char *s, int min);
/* The same check, returning the text as given (for getaddrinfo). */
const char *opt_port_text(const char *s);
/* what names the value in the message ("count", "interval"). */
long opt_count(const char *what, const char *s, long min, long max);
/* Seconds with a fraction, in microseconds. */
long long opt_seconds(const char *what, const char *s, double min, double max);
/* A -w style timeout (0.001-86400 s) in milliseconds. */
int opt_timeout_ms(const char *s);

/* The /proc root every reader uses: $NETTOOL_PROC, else "/proc". */
const char *nt_proc_root(void);
/* The services database: $NETTOOL_SERVICES (which must be readable, else
 * exit 2) or /etc/services if present, merged with the built-in table. */
struct svc_db;
void nt_load_services(struct svc_db *db);

/* A server's start: "nettool CMD: listening on 0.0.0.0:41234" on stderr,
 * or with json the event {"event":"listening","proto":...,"local":...,
 * "port":N}. */
void nt_announce_listening(int fd, int json);

/* MESSAGE words joined by spaces (and a newline), as netcat-like tools
 * send them; *len is its length. */
char *nt_join_words(int argc, char **argv, int newline, size_t *len);

/* Set by dispatch: the command named in messages. */
void nt_set_command(const char *name);

/* 1 when stdout is a terminal (labels, colour, escaping allowed). */
int nt_stdout_is_tty(void);

/* A transfer's progress on stderr (cmd/progress.c): one line rewritten in
 * place at most four times a second, then a final line; nothing unless on
 * and stderr is a terminal. verb: "received", "sent". */
struct nt_progress {
	struct progress p;
	int on;
};
void nt_progress_begin(struct nt_progress *np, int on);
void nt_progress(struct nt_progress *np, const char *verb,
		 unsigned long long total);
void nt_progress_end(struct nt_progress *np, const char *verb,
		     unsigned long long total);
/* nt_progress(arg, "sent", sent): for lib/net/duplex's on_sent. */
void nt_progress_sent(unsigned long long sent, void *arg);
/* Erases a progress line shown, before an error message. */
void nt_progress_clear(struct nt_progress *np);

/* An option cmd does not take (opt: the letter, or 0 and word the long
 * option) typed by habit from nc, ping, netstat, tcpdump or ipcalc
 * (cmd/habits.c): 1 if it is accepted (it changes nothing), 0 if it is
 * no habit; exits 2 with the nettool spelling otherwise. */
int nt_habit(const char *cmd, int opt, const char *word);

/* Command entry points, one per file in cmd/. */
int cmd_ipclass(int argc, char **argv);
extern const char ipclass_usage[];
int cmd_send(int argc, char **argv);
extern const char send_usage[];
int cmd_listen(int argc, char **argv);
extern const char listen_usage[];
int cmd_file(int argc, char **argv);
extern const char file_usage[];
int cmd_chat(int argc, char **argv);
extern const char chat_usage[];
int cmd_port(int argc, char **argv);
extern const char port_usage[];
int cmd_ping(int argc, char **argv);
extern const char ping_usage[];
int cmd_netstat(int argc, char **argv);
extern const char netstat_usage[];
int cmd_route(int argc, char **argv);
extern const char route_usage[];
int cmd_neigh(int argc, char **argv);
extern const char neigh_usage[];
/* netstat -r: the IPv4 main table as net-tools prints it (JSON: as route). */
int route_netstat(int numeric, int json);
int cmd_ifaces(int argc, char **argv);
extern const char ifaces_usage[];
int cmd_capture(int argc, char **argv);
extern const char capture_usage[];
int cmd_scan(int argc, char **argv);
extern const char scan_usage[];

#endif
