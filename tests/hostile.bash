# Shared by hostile.bats, faults.bats and load.bats: servers started on
# port 0 with the port read back from their announce line, PIDs killed in
# teardown, and a terminal for the tests that need one.
FIX=$BATS_TEST_DIRNAME/fixtures
PIDS=()
TMP=$(mktemp -d)

hostile_teardown() {
	kill_pids "${PIDS[@]}"
	[ -n "${MNT:-}" ] && umount "$MNT" 2>/dev/null
	del_netns
	rm -rf "$TMP"
}

# serve ERRFILE ARGS...: starts "nettool ARGS" in the background (stdout to
# $TMP/out unless ARGS redirect it), waits (bounded, 5 s) for its
# "listening on ADDR:PORT" line in ERRFILE and sets PORT and SERVER.
serve() {
	local err=$1 i
	shift
	"$NETTOOL" "$@" > "${SERVE_OUT:-$TMP/out}" 2> "$err" < "${SERVE_IN:-/dev/null}" &
	SERVER=$!
	PIDS+=("$SERVER")
	for i in $(seq 1 100); do
		PORT=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\)$/\1/p' "$err" | head -n 1)
		[ -n "$PORT" ] && return 0
		kill -0 "$SERVER" 2>/dev/null || break
		sleep 0.05
	done
	echo "no 'listening on' line from nettool $*:"; cat "$err"; return 1
}

# bg CMD...: a background helper, killed in teardown.
bg() {
	"$@" &
	PIDS+=($!)
}

# cpu_ticks PID: utime + stime of PID in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# The sanitizer build is several times slower: load tests run once, in
# the normal build.
skip_under_sanitizer() {
	case "$NETTOOL" in *build-san*) skip "load test: runs in the normal build only" ;; esac
}

# on_tty CMD: runs CMD with stdout on a pseudo-terminal (script(1)); the
# terminal's bytes land in $TMP/tty.
on_tty() {
	need_cmd script
	# stdin held open (a pipe from sleep) so an interactive command does
	# not see end of input at once
	sleep 4 | script -qfec "$1" "$TMP/tty" > /dev/null
}

# refute_grep ARGS...: fails when grep -q ARGS matches (a bare `! grep`
# would not fail a bats test).
refute_grep() {
	if grep -q "$@"; then
		echo "unexpected match: grep $*"; return 1
	fi
}

# wait_bound t|u PORT: waits (bounded, 10 s) until a TCP listener or UDP
# socket is bound to PORT; usable inside sh -c through the export below.
wait_bound() {
	local i flag=-Htln
	[ "$1" = u ] && flag=-Huan
	for i in $(seq 200); do
		ss $flag "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.05
	done
	return 1
}
export -f wait_bound
