#!/usr/bin/env bats
# Load and soak: many concurrent clients, many sequential connections,
# UDP senders at full rate. Runs once, in the normal build (the sanitizer
# build skips it: it is several times slower and proves nothing more here).
load helper
load hostile

teardown() { hostile_teardown; }

@test "1,000 concurrent clients, 1 MiB each of distinct random data, through listen --echo: every byte back" {
	skip_under_sanitizer
	serve "$TMP/err" listen --echo tcp 0
	run bash -c "ulimit -n 4096; timeout 120 python3 $FIX/echo_clients.py 127.0.0.1 $PORT 1000 1048576"
	echo "$output"
	[ "$output" = ok ]
	kill -0 "$SERVER"
}

@test "100,000 sequential short connections: listener RSS within 1 MiB of its RSS after the first 1,000" {
	skip_under_sanitizer
	serve "$TMP/err" listen --echo tcp 0
	run timeout 300 python3 -c '
import socket, struct, sys
port, pid = int(sys.argv[1]), sys.argv[2]
def rss():
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
def one(i):
    # closed with a reset (linger 0): no TIME_WAIT left behind to hold
    # ports that later tests bind
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(b"ping\n")
    b = b""
    while not b.endswith(b"\n"):
        c = s.recv(16)
        if not c: break
        b += c
    s.close()
    assert b == b"ping\n", b
for i in range(1000):
    one(i)
first = rss()
for i in range(1000, 100000):
    one(i)
last = rss()
print(first, last, last - first)
' "$PORT" "$SERVER"
	echo "rss after 1,000 / after 100,000 / growth (kB): $output"
	[ "$status" -eq 0 ]
	growth=$(echo "$output" | awk '{ print $3 }')
	[ "$growth" -le 1024 ]
}

@test "UDP, four senders at full rate into listen udp: datagrams counted = sent - RcvbufErrors" {
	skip_under_sanitizer
	make_netns udpload
	ip netns exec "$NS" "$NETTOOL" listen udp 0 > /dev/null 2> "$TMP/err" &
	SERVER=$!; PIDS+=("$SERVER")
	for i in $(seq 100); do grep -q 'listening on' "$TMP/err" && break; sleep 0.05; done
	PORT=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\)$/\1/p' "$TMP/err" | head -n 1)
	[ -n "$PORT" ]
	rcvbuf() { ip netns exec "$NS" awk '/^Udp:/ && ++n == 2 { print $6 }' /proc/net/snmp; }
	before=$(rcvbuf)
	seq 1 100000 > "$TMP/lines"
	for k in 1 2 3 4; do
		ip netns exec "$NS" timeout 60 "$NETTOOL" send udp 127.0.0.1 "$PORT" < "$TMP/lines" &
		PIDS+=($!)
	done
	for p in "${PIDS[@]:1}"; do wait "$p"; done
	# let the listener drain its receive queue before it is stopped
	for i in $(seq 200); do
		q=$(ip netns exec "$NS" ss -Huan "sport = :$PORT" | awk '{ s += $2 } END { print s + 0 }')
		[ "$q" -eq 0 ] && break
		sleep 0.05
	done
	after=$(rcvbuf)
	kill -TERM "$SERVER"
	for i in $(seq 100); do grep -q 'datagrams' "$TMP/err" && break; sleep 0.05; done
	got=$(sed -n 's/.*: \([0-9][0-9]*\) datagrams.*/\1/p' "$TMP/err")
	echo "sent 400000, RcvbufErrors +$((after - before)), counted $got"
	[ -n "$got" ]
	[ "$got" -eq $((400000 - (after - before))) ]
}
