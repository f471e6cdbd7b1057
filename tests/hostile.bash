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

# on_tty CMD [HOLD]: runs CMD with stdout on a pseudo-terminal (script(1)); the
# terminal's bytes land in $TMP/tty. CMD runs under a shell, so a timeout
# in it needs --foreground to leave CMD in the terminal's foreground group.
on_tty() {
	need_cmd script
	# stdin held open so an interactive command does not see end of input
	# at once; script(1) waits for its stdin to end even after the command
	# has, so the holder ends (bounded by HOLD seconds) when the command does
	local i n=$((${2:-4} * 20))
	rm -f "$TMP/tty.done"
	script -qfec "$1; rc=\$?; touch '$TMP/tty.done'; exit \$rc" "$TMP/tty" > /dev/null \
		< <(for ((i = 0; i < n; i++)); do [ -e "$TMP/tty.done" ] && break; sleep 0.05; done)
}

# evil_datagram_on_tty "CMD udp": runs nettool CMD udp 0 on a terminal; a
# peer sends it a datagram with a terminal escape and a forged sender line
# once the port it announces is read off the terminal, and ends it
# (bounded, 10 s) once the datagram is shown, so a slow machine gets the
# time it needs and a fast one does not wait.
evil_datagram_on_tty() {
	need_cmd script
	# the peer waits for the announce line on the terminal, then sends
	bg bash -c "for i in \$(seq 200); do p=\$(sed -n 's/.*listening on .*:\([0-9][0-9]*\).*/\1/p' '$TMP/tty' 2>/dev/null | head -n 1); [ -n \"\$p\" ] && break; sleep 0.05; done
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b\"\\x1b]0;owned\\x07hi\\n[10.9.9.9:1] forged\\n\", (\"127.0.0.1\", int(sys.argv[1])))' \"\$p\"
	for i in \$(seq 200); do grep -q forged '$TMP/tty' 2>/dev/null && break; sleep 0.05; done
	sleep 0.2; pkill -f '^$NETTOOL $1 0\$'"
	on_tty "timeout --foreground 10 $NETTOOL $1 0" 11 || true
	cat -v "$TMP/tty"
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
