# Shared by send.bats and listen.bats: start background peers, remember
# their PIDs for teardown.
FIX=$BATS_TEST_DIRNAME/fixtures
PIDS=()
TMP=$(mktemp -d)

udp_free_port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

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
