#!/usr/bin/env bats
# Progress of long transfers on a terminal: file get, send --progress.
load helper
load netio

setup() {
	T=$(mktemp -d)
	mkdir -p "$T/srv"
	PIDS=()
}

teardown() {
	kill_pids "${PIDS[@]}"
	rm -rf "$T"
}

# on_tty CMD...: runs CMD with a pseudo-terminal as stdin, stdout and
# stderr (script(1)); prints what the terminal was sent, each line and
# each rewrite of a line (after \r) on a line of its own, without the
# erase-to-end-of-line sequences.
on_tty() {
	local cmd
	printf -v cmd '%q ' "$@"
	# %q may quote as $'...', which only bash reads; script(1) runs the
	# command with $SHELL, which CI leaves as sh
	SHELL=$BASH script -qec "$cmd" /dev/null </dev/null | sed 's/\x1b\[K//g' | tr '\r' '\n' | sed '/^$/d'
	return "${PIPESTATUS[0]}"
}

start_serve() {
	"$NETTOOL" file serve -d "$T/srv" 0 2>"$T/serve.log" >/dev/null &
	PIDS+=("$!")
	PORT=$(announced_port "$T/serve.log")
}

big_file() { head -c "$2" /dev/urandom > "$1"; }

@test "file get on a terminal ends with one line: bytes, time and rate" {
	need_cmd script
	big_file "$T/srv/big" $((64 << 20))
	start_serve
	run on_tty "$NETTOOL" file get -o "$T/got" 127.0.0.1 "$PORT" big
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^received\ 67108864\ bytes\ \(64\.0\ MiB\)\ in\ [0-9]+\.[0-9]\ s,\ [0-9.]+\ (B|KiB|MiB|GiB)/s$ ]]
	cmp "$T/srv/big" "$T/got"
}

# get_slow_on_tty CHUNKS PAUSE: on a terminal, file get fetches a file
# served as CHUNKS chunks of 64 KiB, PAUSE seconds apart, into $T/got;
# $lines holds what the terminal showed.
get_slow_on_tty() {
	python3 "$BATS_TEST_DIRNAME/fixtures/slow_file_server.py" "$1" "$2" > "$T/port" &
	PIDS+=("$!")
	wait_file_lines "$T/port" 1
	run on_tty "$NETTOOL" file get -o "$T/got" 127.0.0.1 "$(cat "$T/port")" slow
}

@test "file get on a terminal rewrites one line while the bytes come" {
	need_cmd script python3
	get_slow_on_tty 12 0.1
	[ "$status" -eq 0 ]
	# The transfer takes over a second: at least one update before the end.
	[[ "${lines[0]}" =~ ^received\ [0-9.]+\ (B|KiB)\ \ [0-9.]+\ (B|KiB|MiB)/s\ \ 0:0[0-9]$ ]]
	[[ "${lines[-1]}" == *"received 786432 bytes (768.0 KiB) in "* ]]
	[ "$(stat -c %s "$T/got")" = 786432 ]
}

# The elapsed times ("0:01") of the progress lines in $lines that show
# $1 ("received 64.0 KiB"), one a line, each once.
clock_of() {
	local l
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^$1\ \ [0-9.]+\ (B|KiB|MiB)/s\ \ ([0-9]+:[0-9][0-9])$ ]] &&
			echo "${BASH_REMATCH[2]}"
	done | sort -u
}

@test "file get on a terminal: through a stall the line's clock runs on" {
	need_cmd script python3
	# 64 KiB, then nothing for 2.5 s, then 64 KiB more
	get_slow_on_tty 2 2.5
	[ "$status" -eq 0 ]
	clock_of "received 64\.0 KiB"
	[ "$(clock_of "received 64\.0 KiB" | wc -l)" -ge 2 ]
	[ "$(stat -c %s "$T/got")" = 131072 ]
}

@test "file get -q on a terminal, and file get off a terminal, show nothing" {
	need_cmd script
	big_file "$T/srv/big" $((1 << 20))
	start_serve
	run on_tty "$NETTOOL" file get -q -o "$T/a" 127.0.0.1 "$PORT" big
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr nt file get -o "$T/b" 127.0.0.1 "$PORT" big
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ -z "$output" ]
	cmp "$T/srv/big" "$T/a"
	cmp "$T/srv/big" "$T/b"
}

@test "send --progress of a file over 64 MiB from a terminal ends with the bytes sent" {
	need_cmd script
	big_file "$T/big" $(((64 << 20) + 4096))
	"$NETTOOL" listen -b 127.0.0.1 --once tcp 0 > "$T/recv" 2> "$T/listen.log" &
	PIDS+=("$!")
	PORT=$(announced_port "$T/listen.log")
	run on_tty sh -c '"$0" send --progress tcp 127.0.0.1 "$1" < "$2"' "$NETTOOL" "$PORT" "$T/big"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^sent\ 67112960\ bytes\ \(64\.0\ MiB\)\ in\ [0-9]+\.[0-9]\ s,\ [0-9.]+\ (B|KiB|MiB|GiB)/s$ ]]
	for i in $(seq 1 100); do
		[ "$(stat -c %s "$T/recv")" = 67112960 ] && break
		sleep 0.05
	done
	cmp "$T/big" "$T/recv"
}

# send_stalled_on_tty BYTES SECS: on a terminal, send --progress sends
# BYTES zero bytes, pauses SECS, then BYTES more, to a listener; $lines
# holds what the terminal showed.
send_stalled_on_tty() {
	"$NETTOOL" listen -b 127.0.0.1 --once tcp 0 > "$T/recv" 2> "$T/listen.log" &
	PIDS+=("$!")
	PORT=$(announced_port "$T/listen.log")
	run on_tty sh -c '{ head -c "$2" /dev/zero; sleep "$3"; head -c "$2" /dev/zero; } |
		"$0" send --progress tcp 127.0.0.1 "$1"' "$NETTOOL" "$PORT" "$1" "$2"
}

@test "send --progress on a terminal rewrites one line while the bytes go" {
	need_cmd script
	# The input pauses for over a second: at least one update before the end.
	send_stalled_on_tty 1048576 1.2
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 2 ]
	[[ "${lines[0]}" =~ ^sent\ [0-9.]+\ (B|KiB|MiB)\ \ [0-9.]+\ (B|KiB|MiB)/s\ \ 0:0[0-9]$ ]]
	[[ "${lines[-1]}" =~ ^sent\ 2097152\ bytes\ \(2\.0\ MiB\)\ in\ [0-9]+\.[0-9]\ s,\ [0-9.]+\ (B|KiB|MiB)/s$ ]]
}

@test "send --progress on a terminal: through a stall the line's clock runs on" {
	need_cmd script
	send_stalled_on_tty 65536 2.5
	[ "$status" -eq 0 ]
	clock_of "sent 64\.0 KiB"
	[ "$(clock_of "sent 64\.0 KiB" | wc -l)" -ge 2 ]
	[[ "${lines[-1]}" == "sent 131072 bytes (128.0 KiB) in "* ]]
}

@test "send shows no progress without --progress, nor off a terminal" {
	need_cmd script
	big_file "$T/big" $((1 << 20))
	"$NETTOOL" listen -b 127.0.0.1 tcp 0 > /dev/null 2> "$T/listen.log" &
	PIDS+=("$!")
	PORT=$(announced_port "$T/listen.log")
	run on_tty sh -c '"$0" send -q tcp 127.0.0.1 "$1" < "$2"' "$NETTOOL" "$PORT" "$T/big"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr sh -c '"$0" send -q --progress tcp 127.0.0.1 "$1" < "$2"' "$NETTOOL" "$PORT" "$T/big"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}
