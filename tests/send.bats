#!/usr/bin/env bats
# nettool send: TCP and UDP client against real peers.
load helper
load netio

teardown() { netio_teardown; }

# kill_listener_midway PID PORT: once a sender is connected to PORT and
# data flows, kill -9 the listener PID, then wait (bounded) for the
# sender's exit status in $TMP/rc.
kill_listener_midway() {
	local i
	for i in $(seq 1 100); do ss -Htn state established "dport = :$2" | grep -q . && break; sleep 0.05; done
	sleep 0.5
	kill -9 "$1"
	for i in $(seq 1 200); do [ -s "$TMP/rc" ] && break; sleep 0.05; done
	cat "$TMP/err"
}

@test "send tcp: MESSAGE words reach nc.openbsd with a newline" {
	need_cmd nc.openbsd
	P=$(free_port)
	bg nc.openbsd -l 127.0.0.1 "$P" > "$TMP/got"
	wait_tcp_listen "$P"
	run nt send tcp 127.0.0.1 "$P" hello world
	[ "$status" -eq 0 ]
	for i in $(seq 50); do [ -s "$TMP/got" ] && break; sleep 0.05; done
	[ "$(cat "$TMP/got")" = "hello world" ]
}

@test "send tcp: half-close against an echo server returns x and exits 0" {
	P=$(free_port)
	bg nt listen tcp "$P" --echo
	wait_tcp_listen "$P"
	run bash -c "printf x | timeout 10 $NETTOOL send tcp 127.0.0.1 $P"
	[ "$status" -eq 0 ]
	[ "$output" = "x" ]
}

@test "send tcp: 64 MiB file-fed and pipe-fed through socat echo keep sha256" {
	need_cmd socat
	P=$(free_port)
	bg socat TCP-LISTEN:$P,reuseaddr,bind=127.0.0.1 EXEC:cat
	wait_tcp_listen "$P"
	head -c 64M /dev/urandom > "$TMP/in"
	want=$(sha256sum < "$TMP/in" | cut -d' ' -f1)
	got=$(timeout 60 "$NETTOOL" send tcp 127.0.0.1 "$P" < "$TMP/in" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ]
	bg socat TCP-LISTEN:$P,reuseaddr,bind=127.0.0.1 EXEC:cat
	wait_tcp_listen "$P"
	got=$(cat "$TMP/in" | timeout 60 "$NETTOOL" send tcp 127.0.0.1 "$P" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ]
}

@test "send tcp: the notes' one-shot server gets GBK text and its reply prints as UTF-8" {
	need_encoding GBK
	P=$(free_port)
	bg python3 "$FIX/tcp_server.py" "$P" > "$TMP/srv"
	wait_tcp_listen "$P"
	run timeout 10 "$NETTOOL" send --encoding gbk -n tcp 127.0.0.1 "$P" 我是文本
	[ "$status" -eq 0 ]
	[ "$output" = "thank you !" ]
	wait_file_has "$TMP/srv" "我是文本"
}

@test "send tcp: IPv6 to the notes' echo server" {
	P=$(free_port)
	bg nt listen -6 tcp "$P" --echo
	wait_tcp_listen "$P"
	run timeout 10 "$NETTOOL" send tcp ::1 "$P" hello six
	[ "$status" -eq 0 ]
	[ "$output" = "hello six" ]
}

@test "send tcp: the notes' non-blocking echo server echoes" {
	P=$(free_port)
	bg python3 "$FIX/echo_server.py" "$P"
	wait_tcp_listen "$P"
	run timeout 10 "$NETTOOL" send tcp 127.0.0.1 "$P" ping from nettool
	[ "$status" -eq 0 ]
	[ "$output" = "ping from nettool" ]
}

@test "send tcp: refused port exits 1 with the reason" {
	P=$(free_port)
	run nt send tcp 127.0.0.1 "$P" hi
	[ "$status" -eq 1 ]
	[[ "$output" == *"connection refused"* ]]
}

@test "send tcp: --hex dumps the reply" {
	P=$(free_port)
	bg nt listen tcp "$P" --echo
	wait_tcp_listen "$P"
	run timeout 10 "$NETTOOL" send --hex tcp 127.0.0.1 "$P" AB
	[ "$status" -eq 0 ]
	[[ "$output" == "00000000  41 42 0a "*"|AB.|" ]]
}

@test "send tcp: peer reset mid-transfer exits 1 with the reason, no hang" {
	P=$(free_port)
	bg python3 -c "
import socket,struct,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',$P)); s.listen(1); c,_=s.accept(); c.recv(1000)
c.setsockopt(socket.SOL_SOCKET,socket.SO_LINGER,struct.pack('ii',1,0)); c.close()"
	wait_tcp_listen "$P"
	run bash -c "head -c 50M /dev/zero | timeout 20 $NETTOOL send tcp 127.0.0.1 $P"
	[ "$status" -eq 1 ]
	[[ "$output" == *"reset"* || "$output" == *"closed by peer"* ]]
}

@test "send tcp: listener killed while input still flows: exit 1, says so, no hang" {
	# A killed listener with nothing unread closes with FIN, which looks
	# like a normal close: what still comes on stdin would be lost.
	P=$(free_port)
	bg nt listen -b 127.0.0.1 tcp "$P"
	LPID=${PIDS[-1]}
	wait_tcp_listen "$P"
	bg sh -c "for i in \$(seq 1 50); do echo line\$i; sleep 0.1; done | exec '$NETTOOL' send tcp 127.0.0.1 $P > '$TMP/out' 2> '$TMP/err'; echo \$? > '$TMP/rc'"
	kill_listener_midway "$LPID" "$P"
	[ "$(cat "$TMP/rc")" = 1 ]
	# the death may also come back as a reset to a line sent just before
	grep -qE "^nettool send: (127\.0\.0\.1:$P closed the connection before the end of input \([0-9]+ bytes sent\)|receiving from 127\.0\.0\.1:$P: connection reset by peer)$" "$TMP/err"
	[ "$(wc -l < "$TMP/err")" -eq 1 ]
}

@test "send tcp: listener killed mid-stream (unread data, so a reset): exit 1 with the reason" {
	P=$(free_port)
	# a listener that stops reading: its receive queue fills, so the
	# kernel answers its death with a reset
	bg python3 -c "
import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',$P)); s.listen(1); c,_=s.accept(); c.recv(10); time.sleep(30)"
	LPID=${PIDS[-1]}
	wait_tcp_listen "$P"
	bg sh -c "head -c 200M /dev/zero | exec '$NETTOOL' send tcp 127.0.0.1 $P 2> '$TMP/err'; echo \$? > '$TMP/rc'"
	kill_listener_midway "$LPID" "$P"
	[ "$(cat "$TMP/rc")" = 1 ]
	grep -qiE "^nettool send: (sending to|receiving from) 127\.0\.0\.1:$P: .*(reset|broken pipe)" "$TMP/err"
}

@test "send tcp: -w gives up on a peer that never answers" {
	P=$(free_port)
	bg python3 -c "
import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',$P)); s.listen(1); c,_=s.accept(); time.sleep(20)"
	wait_tcp_listen "$P"
	run timeout 10 "$NETTOOL" send -w 0.5 tcp 127.0.0.1 "$P" hi
	[ "$status" -eq 1 ]
	[[ "$output" == *"idle timeout"* ]]
}

@test "send tcp: stdout closed early ends quietly" {
	P=$(free_port)
	bg nt listen tcp "$P" --echo
	wait_tcp_listen "$P"
	run bash -c "head -c 20M /dev/zero | timeout 20 $NETTOOL send tcp 127.0.0.1 $P | head -c 10 | wc -c"
	[ "$status" -eq 0 ]
	[ "$output" = "10" ]
}

@test "send udp: the notes' receiver decodes GBK from --encoding gbk" {
	need_encoding GBK
	P=$(udp_free_port)
	bg python3 "$FIX/udp_recv.py" "$P" > "$TMP/got"
	wait_udp_bound "$P"
	run nt send udp --encoding gbk -n 127.0.0.1 "$P" 我是文本
	[ "$status" -eq 0 ]
	wait_file_has "$TMP/got" "我是文本"
}

@test "send udp: one datagram per line, boundaries kept, -w prints replies" {
	P=$(udp_free_port)
	bg nt listen udp --echo "$P"
	wait_udp_bound "$P"
	run bash -c "printf 'one\ntwo\nthree\n' | $NETTOOL send udp -w 0.5 127.0.0.1 $P"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'one\ntwo\nthree')" ]
}

@test "send udp: socat receives datagrams as sent" {
	need_cmd socat
	P=$(udp_free_port)
	bg socat -u UDP-RECV:$P,bind=127.0.0.1 - > "$TMP/got"
	wait_udp_bound "$P"
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
	P=$(udp_free_port)
	run bash -c "head -c 70000 /dev/zero | tr '\\0' a | $NETTOOL send udp 127.0.0.1 $P"
	[ "$status" -eq 2 ]
	[[ "$output" == *"65507"* ]]
}
