#!/bin/sh
# The shape rules of DESIGN.md that a grep can check; prints one
# "file:line: what" per offender and exits 1 if there is any.
#   - every wait of the program is in lib/core/loop.c;
#   - a command file stays under 400 lines;
#   - a function (cmd/ and lib/) stays under 60 lines;
#   - lib/ never prints to stdout/stderr and never exits (lib/core/alloc
#     aside: running out of memory ends the program there);
#   - JSON is written by lib/core/out only, never built by hand;
#   - every command that takes --json takes -j too (asks $NETTOOL, default
#     ./nettool, for each command's usage).
# Run from the top of the tree: make lint.
LOOP=lib/core/loop.c
MAX_FILE=400
MAX_FUNC=60
found=0

say() { printf '%s\n' "$*"; found=1; }

# Lines of C code, not of comments: "file:line:text" for the pattern.
code_grep() {
	pattern=$1; shift
	grep -nE "$pattern" "$@" /dev/null |
		grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)'
}

waits() {
	files=$(find cmd lib -name '*.c' ! -path "$LOOP" | sort)
	code_grep '\b(poll|ppoll|select|pselect|epoll_wait|epoll_pwait2?)[[:space:]]*\(' $files |
		while IFS=: read -r f l _; do
			echo "$f:$l: waits outside $LOOP"
		done
}

big_commands() {
	for f in cmd/*.c cmd/parts/*.c; do
		n=$(wc -l < "$f")
		[ "$n" -le "$MAX_FILE" ] || echo "$f:1: $n lines (a command file stays under $MAX_FILE)"
	done
}

# A function runs from a "{" alone in column 0 to the "}" alone in
# column 0; its length counts the signature line and both braces.
long_functions() {
	find cmd lib -name '*.c' | sort | xargs awk -v max="$MAX_FUNC" '
		FNR == 1 { start = 0 }
		/^\{$/ { start = FNR }
		/^\}$/ && start {
			if (FNR - start + 2 > max)
				printf "%s:%d: function of %d lines (under %d)\n", FILENAME, start, FNR - start + 2, max
			start = 0
		}'
}

# Printing to the terminal or exiting from lib/; writing to a FILE * the
# caller handed in (lib/core/out, pcap) is the module doing its job.
lib_prints() {
	files=$(find lib -name '*.c' ! -path lib/core/alloc.c | sort)
	code_grep '(\b(printf|vprintf|puts|putchar|perror|exit|_exit|_Exit|abort|err|errx|warn|warnx)[[:space:]]*\()|\b(stdout|stderr)\b' $files |
		while IFS=: read -r f l _; do
			echo "$f:$l: prints or exits in lib/"
		done
}

# A C string holding a JSON object's start or a quoted key: {\" or \"key\":
hand_json() {
	files=$(find cmd lib -name '*.c' ! -path lib/core/out.c | sort)
	code_grep '\{\\"|\\"[a-z_]+\\":' $files |
		while IFS=: read -r f l _; do
			echo "$f:$l: JSON built by hand (use lib/core/out)"
		done
}

json_without_j() {
	bin=${NETTOOL:-./nettool}
	[ -x "$bin" ] || { echo "lint: no $bin to ask for -j (make first)" >&2; return; }
	for c in $("$bin" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'); do
		u=$("$bin" help "$c")
		case $u in *--json*) ;; *) continue ;; esac
		printf '%s\n' "$u" | grep -qE -- '-j, --json' ||
			echo "cmd/$c.c:1: takes --json but not -j"
	done
}

for check in waits big_commands long_functions lib_prints hand_json json_without_j; do
	out=$($check)
	[ -z "$out" ] || say "$out"
done
[ "$found" -eq 0 ] && echo "lint: no offenders"
exit "$found"
