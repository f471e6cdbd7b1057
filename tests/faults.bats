#!/usr/bin/env bats
# Faults: peers that reset mid-transfer, stdout closed under every command
# that prints, stdin closed under every command, a /proc that is not there.
load helper
load hostile

teardown() { hostile_teardown; }

# reset_after HOST PORT N: connects, sends N bytes, then resets (SO_LINGER 0).
reset_after() {
	timeout 10 python3 -c '
import socket, struct, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(b"x" * int(sys.argv[3]))
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
' "$@"
}

@test "listen: a client that resets mid-transfer is logged; the next client is served" {
	serve "$TMP/err" listen tcp 0
	reset_after 127.0.0.1 "$PORT" 300000
	printf 'after\n' | timeout 5 "$NETTOOL" send -q tcp 127.0.0.1 "$PORT"
	for i in $(seq 100); do grep -q after "$TMP/out" && break; sleep 0.05; done
	grep -q after "$TMP/out"
	kill -0 "$SERVER"
	[ "$(grep -c 'connection from' "$TMP/err")" -eq 2 ]
}

@test "file serve: a client that resets mid-transfer does not stop the server" {
	mkdir "$TMP/pub"; head -c 20M /dev/urandom > "$TMP/pub/big"; echo small > "$TMP/pub/small"
	serve "$TMP/err" file serve -d "$TMP/pub" 0
	timeout 10 python3 -c '
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"big\n"); s.recv(65536)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()' "$PORT"
	run timeout 10 "$NETTOOL" file get -o "$TMP/got" 127.0.0.1 "$PORT" small
	[ "$status" -eq 0 ]
	[ "$(cat "$TMP/got")" = small ]
	kill -0 "$SERVER"
}

@test "send: a peer that resets while sending to us: exit 1 with the reason" {
	bg python3 -c '
import socket, struct
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept(); c.sendall(b"y" * 100000)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()' > "$TMP/port"
	for i in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
	run bash -c "sleep 3 | timeout 10 $NETTOOL send tcp 127.0.0.1 $(cat "$TMP/port") > /dev/null"
	[ "$status" -eq 1 ]
	[[ "$output" == *"reset"* ]]
}

# quiet_epipe CMD: CMD's stdout goes to `head -c 1`; CMD must end (bounded),
# without a message, by exit 0 or SIGPIPE.
quiet_epipe() {
	run bash -c "set -o pipefail; ( $1 ) 2> $TMP/epipe_err | head -c 1 > /dev/null; echo \"status \${PIPESTATUS[0]}\""
	echo "$1 -> $output; stderr: $(cat "$TMP/epipe_err")"
	[[ "$output" == "status 0" || "$output" == "status 1" || "$output" == "status 141" ]]
	[ ! -s "$TMP/epipe_err" ]
}

@test "stdout closed early: every command that prints ends quietly" {
	seq 1 200000 | awk '{ printf "10.%d.%d.%d\n", $1 % 256, ($1 / 256) % 256, $1 % 200 }' > "$TMP/addrs"
	quiet_epipe "timeout 10 $NETTOOL ipclass < $TMP/addrs"
	quiet_epipe "timeout 10 $NETTOOL ipclass --json < $TMP/addrs"
	quiet_epipe "timeout 10 $NETTOOL port --list"
	quiet_epipe "timeout 10 $NETTOOL port --list --json"
	quiet_epipe "timeout 10 $NETTOOL netstat -an"
	quiet_epipe "timeout 10 $NETTOOL netstat -s"
	quiet_epipe "timeout 10 $NETTOOL ifaces"
	quiet_epipe "timeout 10 $NETTOOL ping -c 3 -i 0.2 127.0.0.1"
	for c in route neigh; do
		"$NETTOOL" help "$c" > /dev/null 2>&1 && quiet_epipe "timeout 10 $NETTOOL $c"
	done
	true
}

@test "stdout closed early: listen and send end quietly when their output has nowhere to go" {
	serve "$TMP/err" listen --echo tcp 0
	quiet_epipe "head -c 20M /dev/zero | timeout 20 $NETTOOL send tcp 127.0.0.1 $PORT"
	bg bash -c "for i in \$(seq 100); do p=\$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' $TMP/err2 | head -n 1); [ -n \"\$p\" ] && break; sleep 0.05; done; head -c 20M /dev/zero | timeout 10 $NETTOOL send -q tcp 127.0.0.1 \$p 2>/dev/null"
	run bash -c "timeout 15 $NETTOOL listen --once tcp 0 2> $TMP/err2 | head -c 1 > /dev/null; echo \"status \${PIPESTATUS[0]}\""
	[[ "$output" == "status 0" || "$output" == "status 1" || "$output" == "status 141" ]]
	refute_grep -i 'broken pipe' "$TMP/err2"
}

@test "capture -r: stdout closed early ends quietly" {
	need_root; need_cmd tcpdump
	python3 - "$TMP/x.pcap" <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    ip = bytes.fromhex("4500001c0001000040110000" "7f0000017f000001") + bytes.fromhex("1f90003500080000")
    frame = b"\x00" * 12 + b"\x08\x00" + ip
    for i in range(20000):
        f.write(struct.pack("<IIII", 1000 + i, 0, len(frame), len(frame)) + frame)
PY
	quiet_epipe "timeout 10 $NETTOOL capture -r $TMP/x.pcap"
	quiet_epipe "timeout 10 $NETTOOL capture -r $TMP/x.pcap -x"
}

# closed_stdin CMD: CMD with fd 0 closed ends (bounded) with a status
# below 128 (no crash) and, if it fails, a one-line reason.
closed_stdin() {
	run bash -c "timeout 10 $1 <&- 2> $TMP/stdin_err > /dev/null; echo \$?"
	echo "$1 -> status $output; stderr: $(cat "$TMP/stdin_err")"
	[ "$output" -lt 124 ]
	[ "$(wc -l < "$TMP/stdin_err")" -le 1 ]
}

@test "stdin closed: every command ends without a crash or a hang" {
	closed_stdin "$NETTOOL ipclass"
	closed_stdin "$NETTOOL ipclass 10.0.0.1"
	closed_stdin "$NETTOOL port 80"
	closed_stdin "$NETTOOL netstat -an"
	closed_stdin "$NETTOOL ifaces"
	closed_stdin "$NETTOOL ping -c 1 127.0.0.1"
	serve "$TMP/err" listen tcp 0
	closed_stdin "$NETTOOL send tcp 127.0.0.1 $PORT"
	closed_stdin "$NETTOOL send -w 1 udp 127.0.0.1 $PORT"
	closed_stdin "timeout 2 $NETTOOL chat udp 0 127.0.0.1 $PORT"
	mkdir "$TMP/pub"; echo hi > "$TMP/pub/hi"
	serve "$TMP/err2" file serve -d "$TMP/pub" 0
	closed_stdin "$NETTOOL file get -o $TMP/hi.copy 127.0.0.1 $PORT hi"
	[ "$(cat "$TMP/hi.copy")" = hi ]
}

@test "NETTOOL_PROC at an empty directory: netstat and port --who say so, one line" {
	mkdir "$TMP/empty"
	NETTOOL_PROC=$TMP/empty run "$NETTOOL" netstat -an
	echo "$output"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "nettool netstat: "*"$TMP/empty"* ]]
	NETTOOL_PROC=$TMP/empty run "$NETTOOL" port --who 80
	echo "$output"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "nettool port: "*"$TMP/empty"* ]]
}
