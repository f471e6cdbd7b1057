# Shared by every tests/*.bats file: load it with `load helper`.
bats_require_minimum_version 1.5.0
# NETTOOL names the binary under test (make check sets it).
export NETTOOL=${NETTOOL:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)/nettool}

nt() { "$NETTOOL" "$@"; }

# Skip with a reason unless the named commands exist.
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c"
	done
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# Makes a network namespace named after this test run, or skips.
# Sets NS; teardown must call del_netns.
make_netns() {
	need_root
	need_cmd ip
	NS="nt$$_${BATS_TEST_NUMBER:-0}_$1"
	ip netns add "$NS" 2>/dev/null || skip "cannot make a network namespace"
	ip -n "$NS" link set lo up
}

del_netns() {
	[ -n "${NS:-}" ] && ip netns del "$NS" 2>/dev/null
	NS=
}

# Each line of $output is one valid JSON object.
assert_json_lines() {
	local line
	[ -n "$output" ] || { echo "no JSON output"; return 1; }
	while IFS= read -r line; do
		printf '%s' "$line" | python3 -c 'import json,sys; o=json.loads(sys.stdin.read()); assert isinstance(o, dict)' \
			|| { echo "not a JSON object: $line"; return 1; }
	done <<<"$output"
}

# json_field KEY: the value of KEY in the first JSON line of $output.
json_field() {
	printf '%s\n' "$output" | head -n 1 | python3 -c 'import json,sys; v=json.loads(sys.stdin.read())[sys.argv[1]]; print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' "$1"
}

# printed_port FILE: waits (bounded, 5 s) for the first line of FILE, the
# port a fixture bound (port 0) and printed, and prints it.
printed_port() {
	local i line
	for i in $(seq 1 100); do
		IFS= read -r line 2>/dev/null <"$1" && [[ $line =~ ^[0-9]+$ ]] && {
			echo "$line"; return 0; }
		sleep 0.05
	done
	echo "no port printed in $1:" >&2; cat "$1" >&2; return 1
}

# wait_gone PID: waits (bounded, 10 s) until process PID has ended.
wait_gone() {
	local i
	for i in $(seq 1 200); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	echo "process $1 still runs"; return 1
}

# wait_ss WHAT SS-ARGS...: waits (bounded, 5 s) until ss lists a socket
# for SS-ARGS; else says "nothing WHAT" and fails.
wait_ss() {
	local what=$1 i
	shift
	for i in $(seq 1 100); do
		ss -H "$@" 2>/dev/null | grep -q . && return 0
		sleep 0.05
	done
	echo "nothing $what"; return 1
}

# Waits (bounded) until something listens on TCP port $1.
wait_tcp_listen() { wait_ss "listens on tcp port $1" -tln "sport = :$1"; }

# Waits (bounded) until something is bound to UDP port $1.
wait_udp_bound() { wait_ss "bound to udp port $1" -ulan "sport = :$1"; }

# Kills the PIDs given, waiting a bounded time for each to go.
kill_pids() {
	local p i
	for p in "$@"; do
		[ -n "$p" ] || continue
		kill "$p" 2>/dev/null || true
		for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	return 0
}

# Skips unless the binary under test converts to and from encoding $1: a
# static musl build reads GBK but cannot write it.
need_encoding() {
	local out
	out=$("$NETTOOL" send --encoding "$1" tcp 127.0.0.1 1 x 2>&1) || true
	case $out in *"unknown encoding"*) skip "this nettool cannot convert to $1 (musl iconv)" ;; esac
	return 0
}
