#!/usr/bin/env bats
# nettool send --repeat: long and short connections (the notes' 4.8)
# against nettool listen --echo and the notes' Python echo server.
load helper
load netio

teardown() { netio_teardown; }

# json_num KEY: a number field of the JSON summary in $output.
json_num() { json_field "$1"; }

# listen --echo on port 0; P is the port it announces.
start_echo() {
	bg nt listen --echo -b 127.0.0.1 tcp 0 </dev/null 2>"$TMP/listen.err"
	P=$(announced_port "$TMP/listen.err")
}

@test "send --repeat: N short exchanges with listen --echo, N connections, N TIME_WAIT" {
	start_echo
	run --separate-stderr nt send --repeat 20 tcp 127.0.0.1 "$P" hello
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "${lines[0]}" =~ ^20\ of\ 20\ exchanges\ over\ 20\ connections\ to\ 127\.0\.0\.1:$P\ in\ [0-9.]+\ s\ \([0-9.]+\ exchanges/s\)$ ]]
	[[ "${lines[1]}" =~ ^connect\ \ min/median/p95/max\ =\ [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+\ ms$ ]]
	[[ "${lines[2]}" =~ ^exchange\ min/median/p95/max\ =\ [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+\ ms$ ]]
	# This side closes first, so every connection left one TIME_WAIT here
	# (the kernel reuses none of them within a second).
	[ "${lines[3]}" = "TIME_WAIT sockets left towards 127.0.0.1:$P: 20" ]
}

@test "send --repeat --keep: one connection for all N, at most one TIME_WAIT" {
	start_echo
	run --separate-stderr nt send --repeat 50 --keep tcp 127.0.0.1 "$P" hello
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "50 of 50 exchanges over 1 connection to 127.0.0.1:$P in "* ]]
	[[ "${lines[3]}" =~ ^TIME_WAIT\ sockets\ left\ towards\ 127\.0\.0\.1:$P:\ [01]$ ]]
}

@test "send --repeat --json: one summary object" {
	start_echo
	run --separate-stderr nt send --json --repeat 5 tcp 127.0.0.1 "$P"
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "${#lines[@]}" -eq 1 ]
	[ "$(json_num requested)" = 5 ]
	[ "$(json_num exchanges)" = 5 ]
	[ "$(json_num connections)" = 5 ]
	[ "$(json_num keep)" = false ]
	[ "$(json_num complete)" = true ]
	[ "$(json_num time_wait)" = 5 ]
	[ "$(json_num peer)" = "127.0.0.1:$P" ]
	for k in total_ms exchanges_per_s connect_min_ms connect_median_ms connect_p95_ms \
		connect_max_ms exchange_min_ms exchange_median_ms exchange_p95_ms exchange_max_ms; do
		[[ "$(json_num $k)" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "$k"; return 1; }
	done
	run --separate-stderr nt send --json --repeat 5 --keep tcp 127.0.0.1 "$P"
	[ "$status" -eq 0 ]
	[ "$(json_num connections)" = 1 ]
	[ "$(json_num keep)" = true ]
}

@test "send --repeat: the notes' Python echo server, short and long" {
	need_cmd python3
	bg python3 "$FIX/echo_server.py" 0 >"$TMP/peer"
	P=$(printed_port "$TMP/peer")
	run --separate-stderr nt send --json --repeat 10 tcp 127.0.0.1 "$P" 你好
	[ "$status" -eq 0 ]
	[ "$(json_num exchanges)" = 10 ]
	[ "$(json_num connections)" = 10 ]
	[ "$(json_num time_wait)" = 10 ]
	run --separate-stderr nt send --json --repeat 10 --keep tcp 127.0.0.1 "$P" 你好
	[ "$status" -eq 0 ]
	[ "$(json_num exchanges)" = 10 ]
	[ "$(json_num connections)" = 1 ]
	[[ "$(json_num time_wait)" =~ ^[01]$ ]]
}

@test "send --repeat --keep: a peer closing mid-series is exit 1 with the count done" {
	need_cmd python3
	bg python3 "$FIX/echo_then_close.py" 0 3 >"$TMP/peer"
	P=$(printed_port "$TMP/peer")
	run --separate-stderr nt send --repeat 10 --keep -w 5 tcp 127.0.0.1 "$P" hi
	[ "$status" -eq 1 ]
	# A FIN, or a RST when our next line reached a socket already closed.
	[ "$stderr" = "nettool send: connection closed before the reply by 127.0.0.1:$P; 3 of 10 exchanges done" ] ||
		[ "$stderr" = "nettool send: cannot receive from 127.0.0.1:$P: connection reset by peer; 3 of 10 exchanges done" ]
	[[ "${lines[0]}" == "3 of 10 exchanges over 1 connection to 127.0.0.1:$P in "* ]]
}

@test "send --repeat: a peer gone mid-series (short) is exit 1 with the count done" {
	need_cmd python3
	bg python3 "$FIX/echo_then_close.py" 0 3 >"$TMP/peer"
	P=$(printed_port "$TMP/peer")
	run --separate-stderr nt send --repeat 10 -w 5 tcp 127.0.0.1 "$P" hi
	[ "$status" -eq 1 ]
	[ "$stderr" = "nettool send: cannot connect to 127.0.0.1:$P: connection refused; 3 of 10 exchanges done" ]
	[[ "${lines[0]}" == "3 of 10 exchanges over 3 connections to 127.0.0.1:$P in "* ]]
}

@test "send --repeat: a reply that never comes is a timeout, exit 1" {
	need_cmd python3
	bg python3 -c "
import socket,time
s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(1)
print(s.getsockname()[1], flush=True); c,_=s.accept(); time.sleep(20)" >"$TMP/peer"
	P=$(printed_port "$TMP/peer")
	run --separate-stderr nt send --repeat 3 -w 0.3 tcp 127.0.0.1 "$P" hi
	[ "$status" -eq 1 ]
	[ "$stderr" = "nettool send: no reply from 127.0.0.1:$P within the timeout; 0 of 3 exchanges done" ]
	[[ "${lines[0]}" == "0 of 3 exchanges over 1 connection to "* ]]
}

@test "send --repeat: bad input is exit 2 with one line" {
	run --separate-stderr nt send --repeat 0 tcp 127.0.0.1 7
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool send: repeat count '0' is out of range (1-1000000)" ]
	run --separate-stderr nt send --keep tcp 127.0.0.1 7 hi
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool send: --keep goes with --repeat N" ]
	run --separate-stderr nt send --repeat 3 udp 127.0.0.1 7 hi
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool send: --repeat needs tcp: it counts connections" ]
}
