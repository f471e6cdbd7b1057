#!/usr/bin/env bats
# nettool listen: TCP and UDP server against real clients.
load helper
load netio

teardown() { netio_teardown; }

@test "listen tcp: nc.openbsd's data reaches stdout, connect and close logged" {
	need_cmd nc.openbsd
	P=$(free_port)
	bg sh -c "$NETTOOL listen --once tcp $P > $TMP/out 2> $TMP/err"
	wait_tcp_listen "$P"
	printf 'hello from nc\n' | timeout 5 nc.openbsd -N 127.0.0.1 "$P"
	wait_file_has "$TMP/err" "closed"
	[ "$(cat "$TMP/out")" = "hello from nc" ]
	grep -q "connection from 127.0.0.1:" "$TMP/err"
	grep -q "14 bytes in" "$TMP/err"
}

@test "listen tcp: 200 concurrent echo clients each get their own bytes back" {
	P=$(free_port)
	bg nt listen tcp "$P" --echo
	wait_tcp_listen "$P"
	run timeout 60 python3 "$FIX/echo_clients.py" 127.0.0.1 "$P" 200 20000
	[ "$output" = "ok" ]
}

@test "listen tcp: 64 MiB from socat arrives intact on stdout" {
	need_cmd socat
	P=$(free_port)
	head -c 64M /dev/urandom > "$TMP/in"
	bg sh -c "$NETTOOL listen --once tcp $P > $TMP/out 2>/dev/null"
	wait_tcp_listen "$P"
	timeout 30 socat -u "OPEN:$TMP/in" TCP:127.0.0.1:$P
	for i in $(seq 100); do kill -0 "${PIDS[0]}" 2>/dev/null || break; sleep 0.1; done
	[ "$(sha256sum < "$TMP/out")" = "$(sha256sum < "$TMP/in")" ]
}

@test "listen tcp: the notes' client sends GBK and gets the reply, --encoding gbk" {
	need_encoding GBK
	P=$(free_port)
	bg sh -c "printf 'thank you !' | $NETTOOL listen --encoding gbk --once tcp $P > $TMP/out 2>/dev/null"
	wait_tcp_listen "$P"
	run timeout 10 python3 "$FIX/tcp_client.py" 127.0.0.1 "$P" 我是文本
	[ "$output" = "接收到的数据为: thank you !" ]
	wait_file_has "$TMP/out" "我是文本"
}

@test "listen tcp: IPv6 client, -6" {
	P=$(free_port)
	bg sh -c "$NETTOOL listen -6 --once tcp $P > $TMP/out 2>/dev/null"
	wait_tcp_listen "$P"
	printf 'six\n' | timeout 5 "$NETTOOL" send tcp ::1 "$P"
	wait_file_has "$TMP/out" "six"
}

@test "listen tcp: a peer that never reads leaves memory bounded" {
	P=$(free_port)
	bg sh -c "head -c 300M /dev/zero | $NETTOOL listen tcp $P 2>/dev/null"
	wait_tcp_listen "$P"
	bg python3 -c "
import socket,time
s=socket.create_connection(('127.0.0.1',$P)); time.sleep(20)"
	sleep 1.5
	pid=$(pgrep -P "${PIDS[0]}" -x nettool || echo "${PIDS[0]}")
	rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
	echo "rss $rss kB"
	[ "$rss" -lt 65536 ]
}

@test "listen tcp: SIGTERM closes cleanly with a summary" {
	P=$(free_port)
	bg sh -c "exec $NETTOOL listen tcp $P 2> $TMP/err"
	wait_tcp_listen "$P"
	kill "${PIDS[0]}"
	wait_file_has "$TMP/err" "closed"
	grep -q "0 clients" "$TMP/err"
}

@test "listen tcp: a port in use exits 1 and says so" {
	P=$(free_port)
	bg "$NETTOOL" listen -b 127.0.0.1 tcp "$P"
	wait_tcp_listen "$P"
	run nt listen -b 127.0.0.1 tcp "$P"
	[ "$status" -eq 1 ]
	[ "$output" = "nettool listen: address 127.0.0.1:$P in use by nettool (pid ${PIDS[0]})" ]
}

@test "listen udp: datagrams from socat and the notes' sender, GBK decoded" {
	need_encoding GBK
	P=$(udp_free_port)
	bg sh -c "$NETTOOL listen -b 127.0.0.1 --encoding gbk udp $P > $TMP/out 2>/dev/null"
	wait_udp_bound "$P"
	python3 "$FIX/udp_send.py" 127.0.0.1 "$P" 我是文本 gbk
	wait_file_has "$TMP/out" "我是文本"
}

@test "listen udp --echo: socat gets its datagram back" {
	need_cmd socat
	P=$(udp_free_port)
	bg nt listen --echo udp "$P"
	wait_udp_bound "$P"
	run bash -c "printf 'bounce\n' | timeout 5 socat -t 1 - UDP:127.0.0.1:$P"
	[ "$output" = "bounce" ]
}

@test "listen: bad inputs exit 2 with one line" {
	for args in "tcp 0" "tcp 65536" "tcp abc" "sctp 80" "--encoding nosuch tcp 80" "-b host.invalid tcp 80"; do
		run nt listen $args
		[ "$status" -eq 2 ] || { echo "$args: $status $output"; return 1; }
		[ "${#lines[@]}" -eq 1 ] || { echo "$args: $output"; return 1; }
		[[ "$output" == "nettool listen: "* ]]
	done
}
