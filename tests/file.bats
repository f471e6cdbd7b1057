#!/usr/bin/env bats
# nettool file serve / get: the notes' TCP file download protocol.
load helper
load netio

setup() {
	T=$(mktemp -d)
	mkdir -p "$T/srv" "$T/out"
	printf 'hello file\n' > "$T/srv/small.txt"
	PIDS=()
}

teardown() {
	kill_pids "${PIDS[@]}"
	if [ -n "${MNT:-}" ]; then umount "$MNT" 2>/dev/null; fi
	del_netns
	rm -rf "$T" "$TMP"
}

# Starts nettool file serve on port 0; PORT is the port it announced.
start_serve() {
	"$NETTOOL" file serve -d "$T/srv" "$@" 0 2>"$T/serve.log" >"$T/serve.out" &
	SPID=$!
	PIDS+=("$SPID")
	PORT=$(announced_port "$T/serve.log")
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

@test "get downloads a file from nettool serve and logs the request" {
	start_serve
	cd "$T/out"
	run nt file get 127.0.0.1 "$PORT" small.txt
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(cat small.txt)" = "hello file" ]
	grep -q "127.0.0.1:[0-9]* 'small.txt' sent, 11 bytes" "$T/serve.log"
}

@test "serve --json logs one object per request" {
	start_serve --json
	run nt file get 127.0.0.1 "$PORT" small.txt -o "$T/out/a"
	[ "$status" -eq 0 ]
	run nt file get 127.0.0.1 "$PORT" nosuch -o "$T/out/b"
	[ "$status" -eq 1 ]
	wait_file_lines "$T/serve.out" 2
	output=$(cat "$T/serve.out")
	assert_json_lines
	[ "$(json_field status)" = sent ]
	[ "$(json_field bytes)" = 11 ]
	[ "$(json_field name)" = small.txt ]
	output=$(sed -n 2p "$T/serve.out")
	[ "$(json_field status)" = refused ]
	[ "$(json_field reason)" = "no such file" ]
}

@test "64 MiB file: sha256 identical, -o, no temp file left" {
	head -c $((64 << 20)) /dev/urandom > "$T/srv/big"
	start_serve
	run nt file get 127.0.0.1 "$PORT" big -o "$T/out/copy"
	[ "$status" -eq 0 ]
	[ "$(sha "$T/out/copy")" = "$(sha "$T/srv/big")" ]
	[ "$(ls -A "$T/out")" = copy ]
}

@test "missing file: exit 1, no such file on server, nothing written" {
	start_serve
	run nt file get 127.0.0.1 "$PORT" nosuch -o "$T/out/x"
	[ "$status" -eq 1 ]
	[ "$output" = "nettool file: no such file on server (or refused)" ]
	[ -z "$(ls -A "$T/out")" ]
}

@test "path safety: each bad name serves nothing and the server keeps running" {
	mkdir "$T/srv/dir"
	ln -s /etc/passwd "$T/srv/outside"
	ln -s /dev/zero "$T/srv/zero"
	mkfifo "$T/srv/fifo"
	start_serve
	local n
	for n in ../etc/passwd /etc/passwd a/../../x outside zero fifo dir; do
		run nt file get 127.0.0.1 "$PORT" "$n" -o "$T/out/x"
		[ "$status" -eq 1 ]
		[ "$output" = "nettool file: no such file on server (or refused)" ]
		[ ! -e "$T/out/x" ]
	done
	# empty name, a 5000-byte name, a NUL byte: raw clients
	python3 - "$PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
for req in (b"", b"x" * 5000, b"small.txt\0junk", b"\n"):
    s = socket.create_connection(("127.0.0.1", port))
    got = b""
    try:
        s.sendall(req)
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the server may already have refused and reset
    try:
        while True:
            b = s.recv(65536)
            if not b: break
            got += b
    except OSError:
        pass
    assert got == b"", (req[:20], got[:20])
    s.close()
PY
	kill -0 "$SPID"
	run nt file get 127.0.0.1 "$PORT" small.txt -o "$T/out/ok"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out/ok")" = "hello file" ]
	grep -q "'outside' refused: path leaves the served directory" "$T/serve.log"
	grep -q "'fifo' refused: not a regular file" "$T/serve.log"
	grep -q "'dir' refused: is a directory" "$T/serve.log"
	grep -q "refused: name too long" "$T/serve.log"
	grep -q "refused: NUL byte in name" "$T/serve.log"
	grep -q "refused: empty name" "$T/serve.log"
}

@test "a symlink inside DIR to a file inside DIR is served" {
	ln -s small.txt "$T/srv/alias"
	start_serve
	run nt file get 127.0.0.1 "$PORT" alias -o "$T/out/a"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out/a")" = "hello file" ]
}

@test "existing target is not overwritten without -f, is with -f" {
	start_serve
	echo old > "$T/out/t"
	run nt file get 127.0.0.1 "$PORT" small.txt -o "$T/out/t"
	[ "$status" -eq 1 ]
	[[ "$output" == *"exists (use -f to replace it)"* ]]
	[ "$(cat "$T/out/t")" = old ]
	[ "$(ls -A "$T/out")" = t ]
	run nt file get -f 127.0.0.1 "$PORT" small.txt -o "$T/out/t"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out/t")" = "hello file" ]
}

@test "server killed mid-transfer: exit 1, no partial file" {
	make_netns kill
	ip -n "$NS" link set lo mtu 1500
	# a slow link in a private namespace keeps the transfer in flight
	ip netns exec "$NS" tc qdisc add dev lo root tbf rate 8mbit burst 32kb latency 400ms \
		|| skip "cannot shape traffic with tc tbf"
	truncate -s 64M "$T/srv/huge"
	ip netns exec "$NS" "$NETTOOL" file serve -d "$T/srv" 0 2>"$T/serve.log" &
	SPID=$!
	PIDS+=("$SPID")
	PORT=$(announced_port "$T/serve.log")
	ip netns exec "$NS" "$NETTOOL" file get 127.0.0.1 "$PORT" huge -o "$T/out/h" 2>"$T/get.err" &
	GPID=$!
	PIDS+=("$GPID")
	# wait until the client's temporary file (spliced into, so /proc/PID/io
	# does not count it) holds some of the download
	for i in $(seq 1 200); do
		w=0
		for fd in /proc/"$GPID"/fd/*; do
			case $(readlink "$fd" 2>/dev/null) in
			"$T/out/"*) w=$(stat -L -c %s "$fd" 2>/dev/null || echo 0) ;;
			esac
		done
		[ "${w:-0}" -gt 100000 ] && break
		sleep 0.05
	done
	[ "${w:-0}" -gt 100000 ]
	kill -9 "$SPID"
	st=0
	wait "$GPID" || st=$?
	[ "$st" -eq 1 ]
	grep -q "transfer failed after [0-9]* bytes: Connection reset by peer; nothing saved" "$T/get.err"
	[ -z "$(ls -A "$T/out")" ]
}

@test "disk full: exit 1 with the reason, nothing left on the small tmpfs" {
	need_root
	head -c $((4 << 20)) /dev/urandom > "$T/srv/four"
	start_serve
	MNT=$T/small
	mkdir "$MNT"
	mount -t tmpfs -o size=1m tmpfs "$MNT" 2>/dev/null || { MNT=; skip "cannot mount tmpfs"; }
	run nt file get 127.0.0.1 "$PORT" four -o "$MNT/four"
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device; nothing saved"* ]]
	[ -z "$(ls -A "$MNT")" ]
}

@test "50 simultaneous gets of different files are each correct" {
	local i pids=()
	for i in $(seq 1 50); do head -c $((i * 20000)) /dev/urandom > "$T/srv/f$i"; done
	start_serve
	for i in $(seq 1 50); do
		"$NETTOOL" file get 127.0.0.1 "$PORT" "f$i" -o "$T/out/f$i" 2>"$T/out/err$i" &
		pids+=($!)
	done
	PIDS+=("${pids[@]}")
	for i in $(seq 1 50); do wait "${pids[$((i - 1))]}"; done
	for i in $(seq 1 50); do
		cmp "$T/srv/f$i" "$T/out/f$i"
	done
	[ "$(grep -c ' sent, ' "$T/serve.log")" -eq 50 ]
}

@test "a stalled client does not stall the others" {
	truncate -s 256M "$T/srv/huge"
	start_serve
	# a client that asks for a big file and never reads
	python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"huge\n"); time.sleep(30)' "$PORT" &
	PIDS+=($!)
	run nt file get 127.0.0.1 "$PORT" small.txt -o "$T/out/s"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out/s")" = "hello file" ]
}

@test "interop: nettool get from the notes' Python server" {
	need_cmd python3
	head -c 300000 /dev/urandom > "$T/srv/mid"
	(cd "$T/srv" && exec python3 "$FIX/notes_file_server.py" 0 >"$T/py.port" 2>&1) &
	PIDS+=($!)
	wait_file_lines "$T/py.port" 1
	PORT=$(head -n 1 "$T/py.port")
	run nt file get 127.0.0.1 "$PORT" mid -o "$T/out/mid"
	[ "$status" -eq 0 ]
	cmp "$T/srv/mid" "$T/out/mid"
	run nt file get 127.0.0.1 "$PORT" nosuch -o "$T/out/no"
	[ "$status" -eq 1 ]
	[ "$output" = "nettool file: no such file on server (or refused)" ]
}

@test "interop: the notes' Python client against nettool serve" {
	need_cmd python3
	start_serve
	cd "$T/out"
	printf '127.0.0.1\n%s\nsmall.txt\n' "$PORT" | timeout 20 python3 "$FIX/notes_file_client.py" >/dev/null
	[ "$(cat "$T/out/[接收]small.txt")" = "hello file" ]
}

@test "interop: a full-read Python client gets a large file" {
	need_cmd python3
	head -c $((8 << 20)) /dev/urandom > "$T/srv/eight"
	start_serve
	timeout 20 python3 "$FIX/full_read_client.py" 127.0.0.1 "$PORT" eight "$T/out/eight"
	[ "$(sha "$T/out/eight")" = "$(sha "$T/srv/eight")" ]
}

@test "bad input: exit 2 with one line naming the value" {
	run nt file get 127.0.0.1 70000 x
	[ "$status" -eq 2 ]
	[ "$output" = "nettool file: port '70000' is out of range (1-65535)" ]
	run nt file serve -d "$T/nodir" 0
	[ "$status" -eq 2 ]
	[[ "$output" == "nettool file: cannot use directory '$T/nodir': "* ]]
	run nt file fetch
	[ "$status" -eq 2 ]
	run nt file get 127.0.0.1 1
	[ "$status" -eq 2 ]
}

@test "connection refused: exit 1, nothing written" {
	# a socket bound and not listening: connecting to it is refused
	python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1], flush=True)
time.sleep(60)' > "$T/port" &
	PIDS+=($!)
	wait_file_lines "$T/port" 1
	PORT=$(cat "$T/port")
	run nt file get 127.0.0.1 "$PORT" x -o "$T/out/x"
	[ "$status" -eq 1 ]
	[ "$output" = "nettool file: cannot connect to '127.0.0.1' port $PORT: connection refused" ]
	[ -z "$(ls -A "$T/out")" ]
}

@test "serve: port 0 is announced on stderr; --json announces an event there" {
	start_serve
	[ "$(head -n 1 "$T/serve.log")" = "nettool file: listening on [::]:$PORT" ]
	kill_pids "$SPID"
	start_serve -j
	output=$(head -n 1 "$T/serve.log")
	assert_json_lines
	[ "$(json_field event)" = listening ]
	[ "$(json_field port)" = "$PORT" ]
	[ ! -s "$T/serve.out" ]
}

@test "serve under ulimit -n 64: 200 clients that never read a 50 MB file cost no CPU, none refused for want of a descriptor, then a fresh client is served" {
	head -c $((50 << 20)) /dev/zero > "$T/srv/big"
	"$BASH" -c "ulimit -n 64; exec '$NETTOOL' file serve -d '$T/srv' --timeout 2 0" 2>"$T/serve.log" >"$T/serve.out" &
	SPID=$!
	PIDS+=("$SPID")
	PORT=$(announced_port "$T/serve.log")
	python3 "$FIX/stuck_clients.py" 127.0.0.1 "$PORT" 200 'big
' > "$T/stuck" &
	PIDS+=($!)
	wait_file_has "$T/stuck" ready
	stuck_server "$SPID" "$T/serve.log" held
	run timeout 60 "$NETTOOL" file get 127.0.0.1 "$PORT" small.txt -o "$T/out/fresh"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out/fresh")" = "hello file" ]
	grep -q "'big' error: client stopped reading (timed out)" "$T/serve.log"
}
