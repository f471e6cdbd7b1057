#!/usr/bin/env bats
# Servers and decoders under abuse: descriptor exhaustion, client caps,
# slow and silent peers, terminal escapes, spoofed senders, UDP echo
# reflection. Every wait is bounded; every process is killed by PID.
load helper
load hostile

teardown() { hostile_teardown; }

EVIL=$'\x1b]0;owned\x07hi\n[10.9.9.9:1] forged\n'

# Descriptor exhaustion (ulimit -n 64, 200 clients that never read) is
# tested where each server's other tests are: listen.bats and file.bats.

@test "listen --max-clients 2: the third connection is closed at once, logged once; the two keep working" {
	serve "$TMP/err" listen --echo --max-clients 2 tcp 0
	run timeout 20 python3 -c '
import socket, sys
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port), timeout=5)
b = socket.create_connection(("127.0.0.1", port), timeout=5)
a.sendall(b"a1\n"); assert a.recv(10) == b"a1\n"
b.sendall(b"b1\n"); assert b.recv(10) == b"b1\n"
c = socket.create_connection(("127.0.0.1", port), timeout=5)
try:
    got = c.recv(10)
except ConnectionResetError:
    got = b""
print("third:", repr(got))
a.sendall(b"a2\n"); assert a.recv(10) == b"a2\n"
b.sendall(b"b2\n"); assert b.recv(10) == b"b2\n"
print("both still served")
' "$PORT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "third: b''" ]
	[ "${lines[1]}" = "both still served" ]
	[ "$(grep -c -i 'max-clients\|too many clients\|refused' "$TMP/err")" -eq 1 ]
}

@test "file serve: a name dribbled one byte per 200 ms is never served as its prefix" {
	mkdir "$TMP/pub"; echo "file a" > "$TMP/pub/a"; echo "file abc" > "$TMP/pub/abc"
	serve "$TMP/err" file serve -d "$TMP/pub" 0
	run timeout 20 python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
for ch in b"abc":
    s.send(bytes([ch])); time.sleep(0.2)
b = b""
while True:
    c = s.recv(100)
    if not c: break
    b += c
print(b.decode().strip() or "(nothing)")
' "$PORT"
	[ "$status" -eq 0 ]
	[ "$output" != "file a" ]
	[ "$output" = "file abc" ]
}

@test "file get -w 2 against a server that accepts and never answers: exit 1, nothing on disk" {
	bg python3 -c '
import socket, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(4)
print(l.getsockname()[1], flush=True)
c, _ = l.accept(); time.sleep(15)
' > "$TMP/port"
	for i in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
	mkdir "$TMP/dl"; cd "$TMP/dl"
	run timeout 10 "$NETTOOL" file get -w 2 127.0.0.1 "$(cat "$TMP/port")" notes.txt
	[ "$status" -eq 1 ]
	[ -n "$output" ]
	[ -z "$(ls -A "$TMP/dl")" ]
}

@test "chat on a terminal: a peer's escapes are shown escaped, one message one line" {
	evil_datagram_on_tty "chat udp"
	refute_grep $'\x1b]0;owned' "$TMP/tty"
	grep -q 'x1b' "$TMP/tty"
	grep -q 'forged' "$TMP/tty"
	refute_grep '^\[10\.9\.9\.9:1\] forged' "$TMP/tty"
}

@test "listen on a terminal: control bytes of a TCP peer are shown escaped" {
	need_cmd script
	# the peer waits for the announce line on the terminal, then sends
	bg bash -c "for i in \$(seq 200); do p=\$(sed -n 's/.*listening on .*:\([0-9][0-9]*\).*/\1/p' '$TMP/tty' 2>/dev/null | head -n 1); [ -n \"\$p\" ] && break; sleep 0.05; done; printf '%s' '$EVIL' | timeout 3 $NETTOOL send -q tcp 127.0.0.1 \$p"
	on_tty "timeout --foreground 10 $NETTOOL listen --once tcp 0" 11 || true
	cat -v "$TMP/tty"
	refute_grep $'\x1b]0;owned' "$TMP/tty"
	grep -q 'x1b' "$TMP/tty"
}

@test "listen udp on a terminal: a datagram cannot forge another sender's line" {
	evil_datagram_on_tty "listen udp"
	refute_grep $'\x1b]0;owned' "$TMP/tty"
	refute_grep '^\[10\.9\.9\.9:1\] forged' "$TMP/tty"
	grep -q 'forged' "$TMP/tty"
}

@test "listen and send through pipes pass a peer's control bytes unchanged" {
	serve "$TMP/err" listen --once tcp 0
	printf '%s' "$EVIL" > "$TMP/evil"
	timeout 5 "$NETTOOL" send -q tcp 127.0.0.1 "$PORT" < "$TMP/evil"
	for i in $(seq 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.05; done
	cmp "$TMP/out" "$TMP/evil"
	# and send prints what the peer sent, exactly
	bg python3 -c '
import socket, sys
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept(); c.sendall(open(sys.argv[1], "rb").read()); c.close()
' "$TMP/evil" > "$TMP/port2"
	for i in $(seq 100); do [ -s "$TMP/port2" ] && break; sleep 0.05; done
	timeout 5 "$NETTOOL" send tcp 127.0.0.1 "$(cat "$TMP/port2")" < /dev/null > "$TMP/got"
	cmp "$TMP/got" "$TMP/evil"
}

# evil_holder: a TCP listener on a port of its own (P is set to it) whose
# process name holds ESC and a newline (prctl PR_SET_NAME).
evil_holder() {
	bg python3 -c '
import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(15, b"ev\x1b[2Jl\nname", 0, 0, 0)
l = socket.socket(); l.bind(("0.0.0.0", 0)); l.listen(1)
print(l.getsockname()[1], flush=True); time.sleep(20)
' > "$TMP/holder"
	for i in $(seq 100); do [ -s "$TMP/holder" ] && break; sleep 0.05; done
	P=$(cat "$TMP/holder")
}

@test "netstat -p on a terminal shows a process name with ESC and newline escaped" {
	need_cmd script
	evil_holder
	on_tty "$NETTOOL netstat -tlnp --port $P"
	cat -v "$TMP/tty"
	grep -q "$P" "$TMP/tty"
	refute_grep $'\x1b\[2J' "$TMP/tty"
	grep -q 'ev\\x1b' "$TMP/tty"
}

@test "listen's 'in use by' message shows the holder's name escaped" {
	evil_holder
	run timeout 5 "$NETTOOL" listen -4 tcp "$P"
	echo "$output" | cat -v
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" != *$'\x1b'* ]]
	[[ "$output" == *'ev\x1b'* ]]
}

@test "chat with HOST PORT: a third sender is not shown as the peer and does not redirect replies" {
	# the peer binds port 0, prints its port and records what reaches it
	bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
s.settimeout(30)
with open(sys.argv[1], "wb") as f:
    while True:
        try:
            b, a = s.recvfrom(2000)
        except socket.timeout:
            break
        f.write(b); f.flush()
' "$TMP/peer_got" >"$TMP/peer_port"
	PEER=$(printed_port "$TMP/peer_port")
	mkfifo "$TMP/in"
	exec 7<> "$TMP/in"
	SERVE_IN=$TMP/in serve "$TMP/err" chat udp 0 127.0.0.1 "$PEER"
	CHAT=$PORT
	bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
s.sendto(b"spoofed words\n", ("127.0.0.1", int(sys.argv[1])))
print("sent", flush=True)
s.settimeout(3)
try:
    print("spoofer got", s.recv(2000))
except socket.timeout:
    print("spoofer got nothing")
' "$CHAT" > "$TMP/spoofer"
	for i in $(seq 100); do grep -q sent "$TMP/spoofer" && break; sleep 0.05; done
	# chat has taken the spoofed datagram (its receive queue is empty)
	for i in $(seq 100); do
		[ "$(ss -Huan "sport = :$CHAT" | awk '{ s += $2 } END { print s + 0 }')" = 0 ] && break
		sleep 0.05
	done
	echo "to the peer" >&7
	for i in $(seq 300); do grep -q 'to the peer' "$TMP/peer_got" 2>/dev/null && break; sleep 0.05; done
	cat "$TMP/err"
	exec 7>&-
	grep -q 'to the peer' "$TMP/peer_got"
	for i in $(seq 100); do grep -q 'got' "$TMP/spoofer" && break; sleep 0.05; done
	cat "$TMP/out" "$TMP/spoofer"
	grep -q 'spoofer got nothing' "$TMP/spoofer"
	refute_grep "^\[127.0.0.1:$PEER\] spoofed" "$TMP/out"
}

@test "listen udp --echo: no answer to source port 0 or to its own address, one answer per datagram" {
	make_netns refl
	ip netns exec "$NS" "$NETTOOL" listen --echo udp 0 > "$TMP/out" 2> "$TMP/err" &
	SERVER=$!; PIDS+=("$SERVER")
	for i in $(seq 100); do grep -q 'listening on' "$TMP/err" && break; sleep 0.05; done
	PORT=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\)$/\1/p' "$TMP/err" | head -n 1)
	[ -n "$PORT" ]
	before=$(ip netns exec "$NS" awk '/^Udp:/ && ++n == 2 { print $2 }' /proc/net/snmp)
	# forged datagrams through a raw socket: from port 0, and from the
	# listener's own address and port; then one honest datagram
	run ip netns exec "$NS" timeout 10 python3 -c '
import socket, struct, sys, time
port = int(sys.argv[1])
def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
r.sendto(udp(0, port, b"from port zero"), ("127.0.0.1", 0))
r.sendto(udp(port, port, b"from myself"), ("127.0.0.1", 0))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(2)
u.sendto(b"honest", ("127.0.0.1", port))
print(u.recvfrom(100)[0].decode())
time.sleep(1)
' "$PORT"
	[ "$status" -eq 0 ]
	[ "$output" = honest ]
	after=$(ip netns exec "$NS" awk '/^Udp:/ && ++n == 2 { print $2 }' /proc/net/snmp)
	echo "InDatagrams +$((after - before))"
	# 3 in, 1 echo back to the honest client: 4 at most, not a storm
	[ $((after - before)) -le 4 ]
}

# capeff PID: the effective capability mask of PID, in hex.
capeff() {
	awk '/^CapEff:/ { print $2 }' "/proc/$1/status"
}

# running_capeff CMD...: starts nettool CMD as root, waits until it has
# its socket open (bounded), prints its CapEff, and kills it.
running_capeff() {
	"$NETTOOL" "$@" > /dev/null 2>&1 &
	local pid=$! i
	PIDS+=("$pid")
	for i in $(seq 100); do
		ls -l "/proc/$pid/fd" 2>/dev/null | grep -q 'socket:' && break
		sleep 0.05
	done
	local c
	for i in $(seq 40); do
		c=$(capeff "$pid")
		[ "$c" = 0000000000000000 ] && break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null || c="exited"
	echo "$c"
	kill_pids "$pid"
}

@test "ping run as root drops every capability once its socket is open" {
	need_root
	run running_capeff ping -c 20 -i 0.2 127.0.0.1
	[ "$output" = 0000000000000000 ]
}

@test "capture run as root drops every capability once its socket is open" {
	need_root
	run running_capeff capture -i lo -c 100000
	[ "$output" = 0000000000000000 ]
}

@test "setuid root: a user still cannot flood or go below 2 ms (the real uid decides)" {
	need_root; need_cmd setpriv
	D=$(mktemp -d /var/tmp/ntsuid.XXXXXX)
	chmod 755 "$D"; cp "$NETTOOL" "$D/nettool"; chown root:root "$D/nettool"; chmod 4755 "$D/nettool"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$D/nettool" ping -f -c 3 127.0.0.1
	s1=$status; o1=$output
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$D/nettool" ping -i 0.001 -c 3 127.0.0.1
	s2=$status; o2=$output
	rm -rf "$D"
	echo "$o1"; echo "$o2"
	[ "$s1" -eq 2 ]
	[ "$s2" -eq 2 ]
	[[ "$o1" == "nettool ping: "* ]]
	[[ "$o2" == "nettool ping: "* ]]
}
