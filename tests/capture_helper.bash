# Shared by the capture suites: load it after helper.
# start_capture ARGS... runs nettool capture in the background (stdout and
# stderr to $TMP/out and $TMP/err); CAP_PREFIX (e.g. "ip netns exec NS")
# runs it elsewhere. Returns once its packet socket is bound.
start_capture() {
	need_root
	${CAP_PREFIX:-} "$NETTOOL" capture "$@" >"$TMP/out" 2>"$TMP/err" &
	CAP_PID=$!
	local i l ino
	for i in $(seq 1 100); do
		for l in /proc/$CAP_PID/fd/*; do
			ino=$(readlink "$l" 2>/dev/null | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p')
			[ -n "$ino" ] || continue
			awk -v ino="$ino" '$4 == "0003" && $9 == ino {f=1} END {exit !f}' /proc/$CAP_PID/net/packet && return 0
		done
		kill -0 "$CAP_PID" 2>/dev/null || { cat "$TMP/err"; return 1; }
		sleep 0.05
	done
	echo "capture never bound its socket"; return 1
}

# Waits (bounded, 10 s) for the capture to end by itself (-c reached).
wait_capture() {
	local i
	for i in $(seq 1 200); do
		kill -0 "$CAP_PID" 2>/dev/null || { CAP_STATUS=0; wait "$CAP_PID" || CAP_STATUS=$?; CAP_PID=; return 0; }
		sleep 0.05
	done
	echo "capture did not end"; cat "$TMP/out" "$TMP/err"; return 1
}

# A 127.x.y.z address of this test run alone (all of 127/8 is loopback).
own_loopback() {
	echo "127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
}

udp_send() { # ADDR PORT MESSAGE
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))' "$@"
}

tcp_poke() { # PORT [ADDR]: a connection attempt (answered, or refused by RST)
	python3 -c 'import socket,sys
try: socket.create_connection((sys.argv[2], int(sys.argv[1])), timeout=2)
except OSError: pass' "$1" "${2:-127.0.0.1}"
}

