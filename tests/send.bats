#!/usr/bin/env bats
# nettool send: TCP and UDP client against real peers.
load helper
load netio

teardown() { netio_teardown; }

# kill_listener_midway PID PORT: once a sender is connected to PORT and
# data has reached the listener (bytes wait in its socket, or its output
# file $TMP/lout has some), kill -9 the listener PID, then wait (bounded)
# for the sender's exit status in $TMP/rc.
kill_listener_midway() {
	local i q
	for i in $(seq 1 200); do
		q=$(ss -Htn state established "sport = :$2" | awk '{print $1; exit}')
		[ "${q:-0}" -gt 0 ] && break
		[ -s "$TMP/lout" ] && grep -q line3 "$TMP/lout" && break
		sleep 0.05
	done
	kill -9 "$1"
	for i in $(seq 1 200); do [ -s "$TMP/rc" ] && break; sleep 0.05; done
	cat "$TMP/err"
}

# start_peer CMD...: a peer on port 0 in the background; P is its port.
start_peer() {
	bg "$@"
	P=$(bound_port "${PIDS[-1]}")
}

# start_udp_peer CMD...: the same for a UDP peer.
start_udp_peer() {
	bg "$@"
	P=$(bound_port "${PIDS[-1]}" u)
}

@test "send tcp: MESSAGE words reach nc.openbsd with a newline" {
	need_cmd nc.openbsd
	start_peer nc.openbsd -l 127.0.0.1 0 > "$TMP/got"
	run nt send tcp 127.0.0.1 "$P" hello world
	[ "$status" -eq 0 ]
	wait_file_has "$TMP/got" "hello world"
	[ "$(cat "$TMP/got")" = "hello world" ]
}

@test "send tcp: half-close against an echo server returns x and exits 0" {
	start_peer nt listen tcp 0 --echo
	run bash -c "printf x | timeout 10 $NETTOOL send tcp 127.0.0.1 $P"
	[ "$status" -eq 0 ]
	[ "$output" = "x" ]
}

@test "send tcp: 64 MiB file-fed and pipe-fed through socat echo keep sha256" {
	need_cmd socat
	start_peer socat TCP-LISTEN:0,reuseaddr,bind=127.0.0.1 EXEC:cat
	head -c 64M /dev/urandom > "$TMP/in"
	want=$(sha256sum < "$TMP/in" | cut -d' ' -f1)
	got=$(timeout 60 "$NETTOOL" send tcp 127.0.0.1 "$P" < "$TMP/in" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ]
	start_peer socat TCP-LISTEN:0,reuseaddr,bind=127.0.0.1 EXEC:cat
	got=$(cat "$TMP/in" | timeout 60 "$NETTOOL" send tcp 127.0.0.1 "$P" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ]
}

@test "send tcp: the notes' one-shot server gets GBK text and its reply prints as UTF-8" {
	need_encoding GBK
	start_peer python3 "$FIX/tcp_server.py" 0 > "$TMP/srv"
	run timeout 10 "$NETTOOL" send --encoding gbk -n tcp 127.0.0.1 "$P" 我是文本
	[ "$status" -eq 0 ]
	[ "$output" = "thank you !" ]
	wait_file_has "$TMP/srv" "我是文本"
}

@test "send tcp: IPv6 to the notes' echo server" {
	start_peer nt listen -6 tcp 0 --echo
	run timeout 10 "$NETTOOL" send tcp ::1 "$P" hello six
	[ "$status" -eq 0 ]
	[ "$output" = "hello six" ]
}

@test "send tcp: the notes' non-blocking echo server echoes" {
	start_peer python3 "$FIX/echo_server.py" 0
	run timeout 10 "$NETTOOL" send tcp 127.0.0.1 "$P" ping from nettool
	[ "$status" -eq 0 ]
	[ "$output" = "ping from nettool" ]
}

@test "send tcp: refused port exits 1 with the reason" {
	# a socket bound and not listening: connecting to it is refused
	bg python3 -c "
import socket,time
s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1], flush=True)
time.sleep(30)" > "$TMP/port"
	wait_file_has "$TMP/port" .
	P=$(cat "$TMP/port")
	run nt send tcp 127.0.0.1 "$P" hi
	[ "$status" -eq 1 ]
	[[ "$output" == *"connection refused"* ]]
}

@test "send tcp: --hex dumps the reply" {
	start_peer nt listen tcp 0 --echo
	run timeout 10 "$NETTOOL" send --hex tcp 127.0.0.1 "$P" AB
	[ "$status" -eq 0 ]
	[[ "$output" == "00000000  41 42 0a "*"|AB.|" ]]
}

@test "send tcp: peer reset mid-transfer exits 1 with the reason, no hang" {
	start_peer python3 -c "
import socket,struct,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',0)); s.listen(1); c,_=s.accept(); c.recv(1000)
c.setsockopt(socket.SOL_SOCKET,socket.SO_LINGER,struct.pack('ii',1,0)); c.close()"
	run bash -c "head -c 50M /dev/zero | timeout 20 $NETTOOL send tcp 127.0.0.1 $P"
	[ "$status" -eq 1 ]
	[[ "$output" == *"reset"* || "$output" == *"closed by peer"* ]]
}

@test "send tcp: listener killed while input still flows: exit 1, says so, no hang" {
	# A killed listener with nothing unread closes with FIN, which looks
	# like a normal close: what still comes on stdin would be lost.
	bg sh -c "exec '$NETTOOL' listen -b 127.0.0.1 tcp 0 > '$TMP/lout' 2> '$TMP/lerr'"
	LPID=${PIDS[-1]}
	P=$(announced_port "$TMP/lerr")
	bg sh -c "for i in \$(seq 1 50); do echo line\$i; sleep 0.1; done | exec '$NETTOOL' send tcp 127.0.0.1 $P > '$TMP/out' 2> '$TMP/err'; echo \$? > '$TMP/rc'"
	kill_listener_midway "$LPID" "$P"
	[ "$(cat "$TMP/rc")" = 1 ]
	# the death may also come back as a reset to a line sent just before
	grep -qE "^nettool send: (127\.0\.0\.1:$P closed the connection before the end of input \([0-9]+ bytes sent\)|receiving from 127\.0\.0\.1:$P: connection reset by peer)$" "$TMP/err"
	[ "$(wc -l < "$TMP/err")" -eq 1 ]
}

@test "send tcp: listener killed mid-stream (unread data, so a reset): exit 1 with the reason" {
	# a listener that stops reading: its receive queue fills, so the
	# kernel answers its death with a reset
	start_peer python3 -c "
import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',0)); s.listen(1); c,_=s.accept(); c.recv(10); time.sleep(30)"
	LPID=${PIDS[-1]}
	bg sh -c "head -c 200M /dev/zero | exec '$NETTOOL' send tcp 127.0.0.1 $P 2> '$TMP/err'; echo \$? > '$TMP/rc'"
	kill_listener_midway "$LPID" "$P"
	[ "$(cat "$TMP/rc")" = 1 ]
	grep -qiE "^nettool send: (sending to|receiving from) 127\.0\.0\.1:$P: .*(reset|broken pipe)" "$TMP/err"
}

@test "send tcp: -w gives up on a peer that never answers" {
	start_peer python3 -c "
import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',0)); s.listen(1); c,_=s.accept(); time.sleep(20)"
	run timeout 10 "$NETTOOL" send -w 0.5 tcp 127.0.0.1 "$P" hi
	[ "$status" -eq 1 ]
	[[ "$output" == *"idle timeout"* ]]
}

@test "send tcp: stdout closed early ends quietly" {
	start_peer nt listen tcp 0 --echo
	run bash -c "head -c 20M /dev/zero | timeout 20 $NETTOOL send tcp 127.0.0.1 $P | head -c 10 | wc -c"
	[ "$status" -eq 0 ]
	[ "$output" = "10" ]
}

@test "send udp: the notes' receiver decodes GBK from --encoding gbk" {
	need_encoding GBK
	start_udp_peer python3 "$FIX/udp_recv.py" 0 > "$TMP/got"
	run nt send udp --encoding gbk -n 127.0.0.1 "$P" 我是文本
	[ "$status" -eq 0 ]
	wait_file_has "$TMP/got" "我是文本"
}

@test "send udp: one datagram per line, boundaries kept, -w prints replies" {
	start_udp_peer nt listen udp --echo 0
	run bash -c "printf 'one\ntwo\nthree\n' | $NETTOOL send udp -w 0.5 127.0.0.1 $P"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'one\ntwo\nthree')" ]
}

@test "send udp: socat receives datagrams as sent" {
	need_cmd socat
	start_udp_peer socat -u UDP-RECV:0,bind=127.0.0.1 - > "$TMP/got"
	run nt send udp 127.0.0.1 "$P" datagram one
	[ "$status" -eq 0 ]
	wait_file_has "$TMP/got" "datagram one"
}

@test "send: bad inputs exit 2 with one line" {
	for args in "tcp 127.0.0.1 0" "tcp 127.0.0.1 65536" "tcp 127.0.0.1 abc" "icmp 127.0.0.1 80" \
		"tcp host.invalid 80 x" "--encoding nosuch tcp 127.0.0.1 80 x"; do
		run nt send $args
		[ "$status" -eq 2 ] || { echo "$args: $status"; return 1; }
		[ "${#lines[@]}" -eq 1 ] || { echo "$args: $output"; return 1; }
		[[ "$output" == "nettool send: "* ]]
	done
	P=9
	run bash -c "head -c 70000 /dev/zero | tr '\\0' a | $NETTOOL send udp 127.0.0.1 $P"
	[ "$status" -eq 2 ]
	[[ "$output" == *"65507"* ]]
}

@test "send tcp: SIGINT and SIGTERM leave stdin and stdout blocking, as they were" {
	start_peer nt listen -b 127.0.0.1 tcp 0
	for sig in INT TERM; do
		run timeout 20 python3 "$FIX/flags_after_signal.py" "$sig" "$NETTOOL" send tcp 127.0.0.1 "$P"
		[ "$output" = "while running: non-blocking; after: stdin blocking, stdout blocking" ]
	done
}
