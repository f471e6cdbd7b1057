# Shared by send, listen, chat and file.bats: start background peers, remember
# their PIDs for teardown.
FIX=$BATS_TEST_DIRNAME/fixtures
PIDS=()
TMP=$(mktemp -d)

# bg CMD...: runs CMD in the background, its PID appended to PIDS.
bg() {
	# nt is a function: run the binary itself so the PID is the process.
	[ "$1" = nt ] && set -- "$NETTOOL" "${@:2}"
	"$@" 3>&- &
	PIDS+=($!)
}

netio_teardown() {
	local p kids=()
	# Children of the sh -c wrappers too, by their parent's PID.
	for p in "${PIDS[@]}"; do kids+=($(pgrep -P "$p")); done
	kill_pids "${kids[@]}" "${PIDS[@]}"
	rm -rf "$TMP"
}

# Waits (bounded) until file $1 contains $2.
wait_file_has() {
	local i
	for i in $(seq 1 100); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "'$2' never appeared in $1"; cat "$1"; return 1
}

# announced_port FILE: waits (bounded, 5 s) for a server's announce line
# ("nettool CMD: listening on ADDR:PORT", or the JSON event with its
# "port") in FILE and prints PORT.
announced_port() {
	local i line
	for i in $(seq 1 100); do
		line=$(grep -m1 'listening on ' "$1" 2>/dev/null) && {
			echo "${line##*:}"; return 0; }
		line=$(grep -m1 -o '"event":"listening".*"port":[0-9]*' "$1" 2>/dev/null) && {
			echo "${line##*:}"; return 0; }
		sleep 0.05
	done
	echo "no announce line in $1:" >&2; cat "$1" >&2; return 1
}

# wait_file_lines FILE N: waits (bounded) until FILE has N lines.
wait_file_lines() {
	local i
	for i in $(seq 1 100); do
		[ "$(wc -l < "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "$1 has fewer than $2 lines:"; cat "$1"; return 1
}

# bound_port PID [t|u]: waits (bounded, 5 s) until process PID listens on
# a TCP port (u: is bound to a UDP port) and prints that port. For peers
# started on port 0 that do not say which port they got.
bound_port() {
	local i port
	for i in $(seq 1 100); do
		port=$(ss -H"${2:-t}"lnp 2>/dev/null | awk -v p="pid=$1," \
			'index($0, p) { n = split($4, a, ":"); print a[n]; exit }')
		[ -n "$port" ] && { echo "$port"; return 0; }
		sleep 0.05
	done
	echo "process $1 is bound to no port" >&2; return 1
}

# cpu_ticks PID: utime + stime of PID in clock ticks (/proc/PID/stat).
cpu_ticks() {
	awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# stuck_server PID LOG [held]: a server held at a full descriptor table by
# clients that never read: over a 10 s window it uses under 1 s of CPU,
# and LOG has at most 5 "cannot accept" warnings, the first one saying
# why. With "held", the server keeps the clients it has no room for in the
# backlog instead (file serve: a client needs a second descriptor for its
# file), so no request is refused for want of a descriptor. The window is
# a measurement, not a synchronisation.
stuck_server() {
	local t0 t1 warnings
	[ "${3:-}" = held ] || wait_file_has "$2" "cannot accept"
	t0=$(cpu_ticks "$1")
	sleep 10
	t1=$(cpu_ticks "$1")
	echo "cpu ticks over 10 s: $((t1 - t0)) (of $(getconf CLK_TCK)/s)"
	[ $((t1 - t0)) -lt "$(getconf CLK_TCK)" ]
	warnings=$(grep -c "cannot accept" "$2" || true)
	echo "warnings: $warnings"
	[ "$warnings" -le 5 ]
	# EMFILE in glibc's words or musl's (make check-static)
	if [ "${3:-}" = held ]; then
		if grep -Eq "refused: (Too many open files|No file descriptors available)" "$2"; then
			grep -E "refused: (Too many open files|No file descriptors available)" "$2" | head -n 3; return 1
		fi
	else
		grep -Eq "cannot accept: (Too many open files|No file descriptors available); new clients wait" "$2"
	fi
}
