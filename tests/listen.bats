#!/usr/bin/env bats
# nettool listen: TCP and UDP server against real clients. Every server
# takes port 0 and the test reads the port back from the announce line.
load helper
load netio

teardown() { netio_teardown; }

# start_listen ARGS...: nettool listen ARGS in the background, stdout to
# $TMP/out, stderr to $TMP/err; sets P to the port announced.
start_listen() {
	bg sh -c "exec '$NETTOOL' listen $* > '$TMP/out' 2> '$TMP/err'"
	P=$(announced_port "$TMP/err")
}

@test "listen tcp: nc.openbsd's data reaches stdout, connect and close logged" {
	need_cmd nc.openbsd
	start_listen --once tcp 0
	printf 'hello from nc\n' | timeout 5 nc.openbsd -N 127.0.0.1 "$P"
	wait_file_has "$TMP/err" "closed ("
	wait_gone "${PIDS[0]}"
	[ "$(cat "$TMP/out")" = "hello from nc" ]
	grep -q "connection from 127.0.0.1:" "$TMP/err"
	grep -q "14 bytes in" "$TMP/err"
}

@test "listen: port 0 announces the port bound, in text and as a JSON event" {
	start_listen -b 127.0.0.1 tcp 0
	[ "$(head -n 1 "$TMP/err")" = "nettool listen: listening on 127.0.0.1:$P" ]
	[ "$P" -gt 0 ]
	ss -Htln "sport = :$P" | grep -q .
	kill_pids "${PIDS[@]}"; PIDS=()
	start_listen -j -b 127.0.0.1 udp 0
	output=$(head -n 1 "$TMP/err")
	assert_json_lines
	[ "$(json_field event)" = listening ]
	[ "$(json_field proto)" = udp ]
	[ "$(json_field local)" = "127.0.0.1:$P" ]
	[ "$(json_field port)" = "$P" ]
}

@test "listen tcp: 200 concurrent echo clients each get their own bytes back" {
	start_listen tcp 0 --echo
	run timeout 60 python3 "$FIX/echo_clients.py" 127.0.0.1 "$P" 200 20000
	[ "$output" = "ok" ]
}

@test "listen tcp: 64 MiB from socat arrives intact on stdout" {
	need_cmd socat
	head -c 64M /dev/urandom > "$TMP/in"
	start_listen --once tcp 0
	timeout 30 socat -u "OPEN:$TMP/in" TCP:127.0.0.1:$P
	wait_gone "${PIDS[0]}"
	[ "$(sha256sum < "$TMP/out")" = "$(sha256sum < "$TMP/in")" ]
}

@test "listen tcp: the notes' client sends GBK and gets the reply, --encoding gbk" {
	need_encoding GBK
	bg sh -c "printf 'thank you !' | exec '$NETTOOL' listen --encoding gbk --once tcp 0 > '$TMP/out' 2> '$TMP/err'"
	P=$(announced_port "$TMP/err")
	run timeout 10 python3 "$FIX/tcp_client.py" 127.0.0.1 "$P" 我是文本
	[ "$output" = "接收到的数据为: thank you !" ]
	wait_file_has "$TMP/out" "我是文本"
}

@test "listen tcp: IPv6 client, -6" {
	start_listen -6 --once tcp 0
	printf 'six\n' | timeout 5 "$NETTOOL" send tcp ::1 "$P"
	wait_file_has "$TMP/out" "six"
}

@test "listen tcp: a peer that never reads leaves memory bounded" {
	bg sh -c "head -c 300M /dev/zero | exec '$NETTOOL' listen tcp 0 2> '$TMP/err'"
	P=$(announced_port "$TMP/err")
	pid=$(pgrep -P "${PIDS[0]}" -x nettool || echo "${PIDS[0]}")
	bg python3 -c "
import socket,time
s=socket.create_connection(('127.0.0.1',$P)); print('up', flush=True); time.sleep(20)" > "$TMP/peer"
	wait_file_has "$TMP/peer" up
	# Wait (bounded) until the bytes queued at the peer stop growing:
	# the listener has stopped taking stdin.
	last=-1
	for i in $(seq 1 100); do
		q=$(ss -Htn "dport = :$P" | awk '{print $2; exit}')
		[ -n "$q" ] && [ "$q" != 0 ] && [ "$q" = "$last" ] && break
		last=$q
		sleep 0.1
	done
	rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
	echo "rss $rss kB"
	[ "$rss" -lt 65536 ]
}

@test "listen tcp: SIGTERM closes cleanly with a summary" {
	start_listen tcp 0
	kill "${PIDS[0]}"
	wait_file_has "$TMP/err" "closed"
	grep -q "0 clients" "$TMP/err"
}

@test "listen tcp: a port in use exits 1 and says so" {
	start_listen -b 127.0.0.1 tcp 0
	run nt listen -b 127.0.0.1 tcp "$P"
	[ "$status" -eq 1 ]
	[ "$output" = "nettool listen: address 127.0.0.1:$P in use by nettool (pid ${PIDS[0]})" ]
}

@test "listen tcp: --max-clients closes a client past the cap at once, --timeout drops an idle one" {
	start_listen -b 127.0.0.1 --max-clients 1 --timeout 3 tcp 0
	bg python3 -c "
import socket,time
s=socket.create_connection(('127.0.0.1',$P)); time.sleep(30)"
	wait_file_has "$TMP/err" "connection from"
	run timeout 10 python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $P), timeout=5)
try:
    print('closed' if s.recv(10) == b'' else 'data')
except ConnectionResetError:
    print('closed')"
	[ "$output" = closed ]
	wait_file_has "$TMP/err" "refused: --max-clients 1 reached"
	wait_file_has "$TMP/err" "dropped"
	run timeout 10 "$NETTOOL" send tcp 127.0.0.1 "$P" third
	[ "$status" -eq 0 ]
	wait_file_has "$TMP/out" "third"
	[ "$(grep -c 'refused' "$TMP/err")" -eq 1 ]
}

@test "listen --echo under ulimit -n 64: 200 stuck clients cost no CPU, one warning, then a fresh client is served" {
	bg bash -c "ulimit -n 64; exec '$NETTOOL' listen -b 127.0.0.1 --echo --timeout 2 tcp 0 > '$TMP/out' 2> '$TMP/err'"
	P=$(announced_port "$TMP/err")
	bg python3 "$FIX/stuck_clients.py" 127.0.0.1 "$P" 200 - > "$TMP/stuck"
	wait_file_has "$TMP/stuck" ready
	stuck_server "${PIDS[0]}" "$TMP/err"
	run timeout 30 python3 -c "
import socket,sys
s=socket.create_connection(('127.0.0.1',$P)); s.settimeout(25)
s.sendall(b'fresh\n'); print(s.recv(100).decode().strip())"
	[ "$output" = "fresh" ]
}

@test "listen udp: datagrams from socat and the notes' sender, GBK decoded" {
	need_encoding GBK
	start_listen -b 127.0.0.1 --encoding gbk udp 0
	python3 "$FIX/udp_send.py" 127.0.0.1 "$P" 我是文本 gbk
	wait_file_has "$TMP/out" "我是文本"
}

@test "listen udp --echo: socat gets its datagram back" {
	need_cmd socat
	start_listen --echo udp 0
	run bash -c "printf 'bounce\n' | timeout 5 socat -t 1 - UDP:127.0.0.1:$P"
	[ "$output" = "bounce" ]
}

@test "listen --json: connect and disconnect events through one JSON writer" {
	start_listen --json -b 127.0.0.1 --once tcp 0
	printf 'hi\n' | timeout 5 "$NETTOOL" send tcp 127.0.0.1 "$P"
	wait_gone "${PIDS[0]}"
	output=$(cat "$TMP/err")
	assert_json_lines
	[ "$(sed -n 2p "$TMP/err" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["event"], o["proto"], o["clients"])')" = "connect tcp 1" ]
	[ "$(sed -n 3p "$TMP/err" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["event"], o["bytes_received"], o["clients"])')" = "disconnect 3 0" ]
}

@test "listen: bad inputs exit 2 with one line" {
	for args in "tcp -1" "tcp 65536" "tcp abc" "sctp 80" "--encoding nosuch tcp 80" "-b host.invalid tcp 80" "--max-clients 0 tcp 80" "--timeout x tcp 80"; do
		run nt listen $args
		[ "$status" -eq 2 ] || { echo "$args: $status $output"; return 1; }
		[ "${#lines[@]}" -eq 1 ] || { echo "$args: $output"; return 1; }
		[[ "$output" == "nettool listen: "* ]]
	done
}
