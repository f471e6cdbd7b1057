#!/usr/bin/env bats
# nettool chat udp: the notes' UDP chat.
load helper
load netio

teardown() {
	exec 7>&- 8>&- 2>/dev/null || true
	netio_teardown
}

@test "two chats exchange lines both ways; reply goes to the last sender" {
	T=$TMP
	mkfifo "$T/a.in" "$T/b.in"
	"$NETTOOL" chat udp 0 <"$T/b.in" >"$T/b.out" 2>"$T/b.err" &
	B=$!; PIDS+=("$B")
	exec 8>"$T/b.in"
	PB=$(announced_port "$T/b.err")
	"$NETTOOL" chat udp 0 127.0.0.1 "$PB" <"$T/a.in" >"$T/a.out" 2>"$T/a.err" &
	A=$!; PIDS+=("$A")
	exec 7>"$T/a.in"
	PA=$(announced_port "$T/a.err")
	echo "too early" >&8
	wait_file_has "$T/b.err" "nobody to reply to yet"
	echo "hello from a" >&7
	wait_file_has "$T/b.out" "hello from a"
	echo "hi back" >&8
	wait_file_has "$T/a.out" "hi back"
	exec 7>&- 8>&-
	wait "$A"; wait "$B"
	[ "$(cat "$T/b.out")" = "[127.0.0.1:$PA] hello from a" ]
	[ "$(cat "$T/a.out")" = "[127.0.0.1:$PB] hi back" ]
	[ "$(sed -n 2p "$T/b.err")" = "nettool chat: nobody to reply to yet: no message received (or give HOST PORT)" ]
	[ "$(wc -l < "$T/b.err")" -eq 2 ]
}

@test "port 0: the bound port is announced on stderr, --json as an event" {
	run --separate-stderr nt chat udp 0 127.0.0.1 9 </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" =~ ^"nettool chat: listening on 0.0.0.0:"[1-9][0-9]*$ ]]
	run --separate-stderr nt chat -j udp 0 127.0.0.1 9 </dev/null
	[ "$status" -eq 0 ]
	output=$stderr
	assert_json_lines
	[ "$(json_field event)" = listening ]
	[ "$(json_field proto)" = udp ]
	[[ "$(json_field local)" == "0.0.0.0:$(json_field port)" ]]
}

@test "--json and --encoding GBK" {
	need_encoding GBK
	T=$TMP
	mkfifo "$T/a.in" "$T/b.in"
	"$NETTOOL" chat --json --encoding GBK udp 0 <"$T/b.in" >"$T/b.out" 2>"$T/b.err" &
	PIDS+=($!)
	exec 8>"$T/b.in"
	PB=$(announced_port "$T/b.err")
	"$NETTOOL" chat --encoding GBK udp 0 127.0.0.1 "$PB" <"$T/a.in" >"$T/a.out" 2>"$T/a.err" &
	PIDS+=($!)
	exec 7>"$T/a.in"
	PA=$(announced_port "$T/a.err")
	echo "你好" >&7
	wait_file_has "$T/b.out" "text"
	output=$(cat "$T/b.out")
	assert_json_lines
	[ "$(json_field peer)" = "127.0.0.1:$PA" ]
	[ "$(json_field text)" = "你好" ]
}

@test "the bytes on the wire are GBK with --encoding GBK" {
	need_encoding GBK
	T=$TMP
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
s.settimeout(10); print(s.recvfrom(1024)[0].hex(), flush=True)' >"$T/py.out" &
	PIDS+=($!)
	wait_file_lines "$T/py.out" 1
	PP=$(head -n 1 "$T/py.out")
	echo "你好" | nt chat --encoding GBK udp 0 127.0.0.1 "$PP" 2>/dev/null
	wait_file_lines "$T/py.out" 2
	[ "$(sed -n 2p "$T/py.out")" = "$(printf '你好' | iconv -f UTF-8 -t GBK | od -An -tx1 | tr -d ' \n')" ]
}

@test "interop with the notes' Python chat, both ways" {
	need_cmd python3
	T=$TMP
	mkfifo "$T/n.in" "$T/p.in"
	python3 "$FIX/notes_udp_chat.py" 0 "$T/py.port" <"$T/p.in" >"$T/py.out" 2>&1 &
	PIDS+=($!)
	exec 8>"$T/p.in"
	wait_file_lines "$T/py.port" 1
	PP=$(cat "$T/py.port")
	"$NETTOOL" chat udp 0 127.0.0.1 "$PP" <"$T/n.in" >"$T/n.out" 2>"$T/n.err" &
	PIDS+=($!)
	exec 7>"$T/n.in"
	PN=$(announced_port "$T/n.err")
	printf '2\n' >&8
	echo "hello python" >&7
	wait_file_has "$T/py.out" ">>>('127.0.0.1', $PN):hello python"
	printf '1\nhello nettool\n127.0.0.1\n%s\n' "$PN" >&8
	wait_file_has "$T/n.out" "hello nettool"
	[ "$(cat "$T/n.out")" = "[127.0.0.1:$PP] hello nettool" ]
}

@test "EOF on stdin exits 0" {
	run --separate-stderr nt chat udp 0 127.0.0.1 9 </dev/null
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

# chat_on_tty SIG: runs chat on the pseudo-terminal of script(1), waits
# (bounded) for it to take the terminal raw, sends SIG, and leaves the
# terminal modes seen while it ran and after it ended in $TMP/during and
# $TMP/after, and its exit status in $TMP/rc.
chat_on_tty() {
	need_cmd script
	mkfifo "$TMP/keep"
	sleep 30 > "$TMP/keep" &   # holds script's input open, killed below
	KEEP=$!
	timeout 20 script -qec "sh -c '\"$NETTOOL\" chat udp 0 127.0.0.1 9 </dev/tty & p=\$!
		for i in \$(seq 100); do stty -a | grep -q -- -icanon && break; sleep 0.05; done
		stty -a > \"$TMP/during\"; kill -$1 \$p; wait \$p; echo \$? > \"$TMP/rc\"
		stty -a > \"$TMP/after\"'" /dev/null < "$TMP/keep" > /dev/null
	kill "$KEEP" 2>/dev/null || true
}

@test "chat on a terminal: Ctrl-C (SIGINT) and SIGTERM put the terminal modes back" {
	for sig in INT TERM; do
		rm -f "$TMP/keep" "$TMP/during" "$TMP/after" "$TMP/rc"
		chat_on_tty "$sig"
		grep -q -- "-icanon" "$TMP/during"   # it was raw while running
		grep -q -- "-echo " "$TMP/during"
		grep -qw -- "icanon" "$TMP/after"     # and is cooked again
		! grep -q -- "-icanon" "$TMP/after"
		! grep -q -- "-echo " "$TMP/after"
		# it still ends by the signal, as before
		[ "$(cat "$TMP/rc")" -eq $((128 + $(kill -l "$sig"))) ]
	done
}
