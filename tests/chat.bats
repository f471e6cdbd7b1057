#!/usr/bin/env bats
# nettool chat udp: the notes' UDP chat.
load helper

FIX=$BATS_TEST_DIRNAME/fixtures

setup() {
	T=$(mktemp -d)
	PIDS=()
}

teardown() {
	exec 7>&- 8>&- 2>/dev/null || true
	kill_pids "${PIDS[@]}"
	rm -rf "$T"
}

udp_port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_line FILE PATTERN: bounded wait until FILE has a line matching.
wait_line() {
	local i
	for i in $(seq 1 100); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no line '$2' in $1:"; cat "$1"; return 1
}

@test "two chats exchange lines both ways; reply goes to the last sender" {
	PA=$(udp_port); PB=$(udp_port)
	mkfifo "$T/a.in" "$T/b.in"
	"$NETTOOL" chat udp "$PA" 127.0.0.1 "$PB" <"$T/a.in" >"$T/a.out" 2>"$T/a.err" &
	A=$!; PIDS+=("$A")
	"$NETTOOL" chat udp "$PB" <"$T/b.in" >"$T/b.out" 2>"$T/b.err" &
	B=$!; PIDS+=("$B")
	exec 7>"$T/a.in" 8>"$T/b.in"
	wait_udp_bound "$PA"; wait_udp_bound "$PB"
	echo "too early" >&8
	wait_line "$T/b.err" "nobody to reply to yet"
	echo "hello from a" >&7
	wait_line "$T/b.out" "hello from a"
	echo "hi back" >&8
	wait_line "$T/a.out" "hi back"
	exec 7>&- 8>&-
	wait "$A"; wait "$B"
	[ "$(cat "$T/b.out")" = "[127.0.0.1:$PA] hello from a" ]
	[ "$(cat "$T/a.out")" = "[127.0.0.1:$PB] hi back" ]
	[ "$(cat "$T/b.err")" = "nettool chat: nobody to reply to yet: no message received (or give HOST PORT)" ]
}

@test "--json and --encoding GBK" {
	need_encoding GBK
	PA=$(udp_port); PB=$(udp_port)
	mkfifo "$T/a.in" "$T/b.in"
	"$NETTOOL" chat --encoding GBK udp "$PA" 127.0.0.1 "$PB" <"$T/a.in" >"$T/a.out" &
	PIDS+=($!)
	"$NETTOOL" chat --json --encoding GBK udp "$PB" <"$T/b.in" >"$T/b.out" &
	PIDS+=($!)
	exec 7>"$T/a.in" 8>"$T/b.in"
	wait_udp_bound "$PA"; wait_udp_bound "$PB"
	echo "你好" >&7
	wait_line "$T/b.out" "text"
	output=$(cat "$T/b.out")
	assert_json_lines
	[ "$(json_field peer)" = "127.0.0.1:$PA" ]
	[ "$(json_field text)" = "你好" ]
}

@test "the bytes on the wire are GBK with --encoding GBK" {
	need_encoding GBK
	PP=$(udp_port)
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(10); print(s.recvfrom(1024)[0].hex(), flush=True)' "$PP" >"$T/py.out" &
	PIDS+=($!)
	wait_udp_bound "$PP"
	echo "你好" | nt chat --encoding GBK udp 0 127.0.0.1 "$PP"
	wait_line "$T/py.out" .
	[ "$(cat "$T/py.out")" = "$(printf '你好' | iconv -t GBK | od -An -tx1 | tr -d ' \n')" ]
}

@test "interop with the notes' Python chat, both ways" {
	need_cmd python3
	PP=$(udp_port); PN=$(udp_port)
	mkfifo "$T/n.in"
	"$NETTOOL" chat udp "$PN" 127.0.0.1 "$PP" <"$T/n.in" >"$T/n.out" &
	PIDS+=($!)
	exec 7>"$T/n.in"
	wait_udp_bound "$PN"
	printf '2\n1\nhello nettool\n127.0.0.1\n%s\n' "$PN" |
		python3 "$FIX/notes_udp_chat.py" "$PP" >"$T/py.out" 2>&1 &
	PIDS+=($!)
	wait_udp_bound "$PP"
	echo "hello python" >&7
	wait_line "$T/py.out" ">>>('127.0.0.1', $PN):hello python"
	wait_line "$T/n.out" "hello nettool"
	[ "$(cat "$T/n.out")" = "[127.0.0.1:$PP] hello nettool" ]
}

@test "EOF on stdin exits 0" {
	run nt chat udp 0 127.0.0.1 9 </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "bad input: exit 2 naming the value" {
	run nt chat udp 70000
	[ "$status" -eq 2 ]
	[ "$output" = "nettool chat: port '70000' is out of range (0-65535)" ]
	run nt chat tcp 1
	[ "$status" -eq 2 ]
	run nt chat --encoding NOPE udp 0
	[ "$status" -eq 2 ]
	[ "$output" = "nettool chat: unknown encoding 'NOPE'" ]
}
