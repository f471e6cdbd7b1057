#!/usr/bin/env bats
# nettool ping: loopback, and a two-namespace test bed for loss, delay,
# duplicates, corruption, ICMP errors and unprivileged sockets.
load helper

setup() { RESP=; NSA=; NSB=; PRIVDIR=; }
teardown() {
	kill_pids "$RESP"
	[ -n "$PRIVDIR" ] && rm -rf "$PRIVDIR"
	[ -n "$NSA" ] && ip netns del "$NSA" 2>/dev/null
	[ -n "$NSB" ] && ip netns del "$NSB" 2>/dev/null
	true
}

# The statistics line, parsed: sets TX RX LOSS.
parse_stats() {
	local l
	l=$(grep -E '^[0-9]+ packets transmitted, [0-9]+ received' <<<"$output")
	[ -n "$l" ] || { echo "no statistics line"; return 1; }
	TX=$(sed -E 's/^([0-9]+) packets.*/\1/' <<<"$l")
	RX=$(sed -E 's/^[0-9]+ packets transmitted, ([0-9]+) received.*/\1/' <<<"$l")
	LOSS=$(sed -E 's/.* ([0-9.]+)% packet loss.*/\1/' <<<"$l")
}

# avg of the rtt line
rtt_avg() { sed -nE 's|^rtt min/avg/max/mdev = [0-9.]+/([0-9.]+)/[0-9.]+/[0-9.]+ ms.*|\1|p' <<<"$output"; }

# Two namespaces joined by a veth pair: A 10.201.0.1, B 10.201.0.2.
make_pair() {
	need_root; need_cmd ip
	local n=$(( $$ % 100000 ))
	NSA=nta${n}_$BATS_TEST_NUMBER NSB=ntb${n}_$BATS_TEST_NUMBER
	ip netns add "$NSA" 2>/dev/null || skip "cannot make network namespaces"
	ip netns add "$NSB"
	ip link add "va$n" netns "$NSA" type veth peer name "vb$n" netns "$NSB" || skip "no veth"
	ip -n "$NSA" addr add 10.201.0.1/24 dev "va$n"
	ip -n "$NSB" addr add 10.201.0.2/24 dev "vb$n"
	ip -n "$NSA" link set lo up; ip -n "$NSB" link set lo up
	ip -n "$NSA" link set "va$n" up; ip -n "$NSB" link set "vb$n" up
	VB=vb$n
}

in_a() { ip netns exec "$NSA" "$@"; }

start_responder() { # mode [ms]
	ip netns exec "$NSB" sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	ip netns exec "$NSB" python3 "$BATS_TEST_DIRNAME/fixtures/icmp_responder.py" "$@" "$BATS_TEST_TMPDIR/ready" &
	RESP=$!
	for i in $(seq 1 100); do [ -e "$BATS_TEST_TMPDIR/ready" ] && break; sleep 0.05; done
	[ -e "$BATS_TEST_TMPDIR/ready" ]
}

@test "loopback IPv4: iputils header, reply lines and statistics" {
	need_root
	run --separate-stderr nt ping -c 3 -i 0.05 127.0.0.1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data." ]
	for s in 1 2 3; do
		grep -qE "^64 bytes from 127\.0\.0\.1: icmp_seq=$s ttl=64 time=[0-9]+(\.[0-9]+)? ms$" <<<"$output"
	done
	grep -qx -- '--- 127.0.0.1 ping statistics ---' <<<"$output"
	parse_stats
	[ "$TX" -eq 3 ] && [ "$RX" -eq 3 ] && [ "$LOSS" = 0 ]
	grep -qE '^3 packets transmitted, 3 received, 0% packet loss, time [0-9]+ms$' <<<"$output"
	grep -qE '^rtt min/avg/max/mdev = [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms$' <<<"$output"
	[ "${lines[-1]}" = "$(grep '^rtt' <<<"$output")" ]
}

@test "loopback IPv6 and -6 with a name" {
	need_root
	[ -e /proc/net/if_inet6 ] || skip "no IPv6"
	run nt ping -6 -c 2 -i 0.05 ::1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "PING ::1 (::1) 56 data bytes" ]
	grep -qE '^64 bytes from ::1: icmp_seq=2 ttl=64 time=' <<<"$output"
	parse_stats; [ "$RX" -eq 2 ]
}

@test "flood and -i 0: iputils' ipg/ewma on the rtt line, as iputils prints it" {
	need_root
	shape='^rtt min/avg/max/mdev = ([0-9]+\.[0-9]{3}/){3}[0-9]+\.[0-9]{3} ms, ipg/ewma [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms$'
	run nt ping -f -c 200 127.0.0.1
	[ "$status" -eq 0 ]
	grep -qE "$shape" <<<"${lines[-1]}"
	run nt ping -i 0 -q -c 20 127.0.0.1
	grep -qE "$shape" <<<"${lines[-1]}"
	# ewma is a moving average of the replies: never above the max
	max=$(sed -nE 's|^rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/([0-9.]+)/.*|\1|p' <<<"${lines[-1]}")
	ewma=$(sed -nE 's|.*ipg/ewma [0-9.]+/([0-9.]+) ms$|\1|p' <<<"${lines[-1]}")
	[ "$(echo "$ewma <= $max" | bc)" -eq 1 ]
	if command -v ping >/dev/null && ping -V 2>&1 | grep -q iputils; then
		run ping -i 0 -q -c 20 127.0.0.1
		grep -qE "$shape" <<<"${lines[-1]}"
	fi
	run nt ping --json -f -c 50 127.0.0.1
	[ "$status" -eq 0 ]
	assert_json_lines
	output=${lines[-1]}
	[ "$(json_field type)" = summary ]
	# numbers, not strings
	grep -qE '"ipg_ms":[0-9]+\.[0-9]{3}[,}]' <<<"$output"
	grep -qE '"ewma_ms":[0-9]+\.[0-9]{3}[,}]' <<<"$output"
	grep -qE '"rtt_avg_ms":[0-9]+\.[0-9]{3},' <<<"$output"
	[ "$(json_field pipe)" -ge 1 ]
	# paced probes: no ipg/ewma, as iputils
	run nt ping -c 2 -i 0.01 127.0.0.1
	[[ "${lines[-1]}" == *" ms" && "${lines[-1]}" != *ipg* ]]
}

@test "-s, -q, -D and --json" {
	need_root
	run nt ping -c 2 -i 0.05 -s 100 127.0.0.1
	[ "${lines[0]}" = "PING 127.0.0.1 (127.0.0.1) 100(128) bytes of data." ]
	grep -q '^108 bytes from 127.0.0.1: icmp_seq=1 ' <<<"$output"
	run nt ping -q -c 2 -i 0.05 127.0.0.1
	! grep -q 'bytes from' <<<"$output"
	parse_stats; [ "$RX" -eq 2 ]
	run nt ping -D -c 1 127.0.0.1
	grep -qE '^\[[0-9]+\.[0-9]{6}\] 64 bytes from 127\.0\.0\.1: icmp_seq=1 ' <<<"$output"
	run nt ping --json -c 3 -i 0.05 127.0.0.1
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "${#lines[@]}" -eq 4 ]
	[ "$(json_field type)" = reply ]
	[ "$(json_field seq)" = 1 ]
	[ "$(json_field ttl)" = 64 ]
	output=${lines[3]}
	[ "$(json_field type)" = summary ]
	[ "$(json_field transmitted)" = 3 ]
	[ "$(json_field received)" = 3 ]
	[ "$(json_field loss_percent)" = 0 ]
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["rtt_min_ms"] <= d["rtt_median_ms"] <= d["rtt_max_ms"]' "${lines[3]}"
}

@test "-w deadline stops, SIGINT prints the statistics" {
	need_root
	run nt ping -w 0.5 -i 0.1 127.0.0.1
	[ "$status" -eq 0 ]
	parse_stats
	[ "$TX" -ge 3 ] && [ "$TX" -le 7 ]
	out=$BATS_TEST_TMPDIR/int
	"$NETTOOL" ping -i 0.05 127.0.0.1 > "$out" &
	P=$!
	for i in $(seq 1 100); do grep -q 'icmp_seq=3 ' "$out" && break; sleep 0.05; done
	kill -INT "$P"
	wait "$P"; rc=$?
	[ "$rc" -eq 0 ]
	grep -qE '^[0-9]+ packets transmitted, [0-9]+ received' "$out"
}

@test "bad input: exit 2 with one line" {
	for a in "-c 0" "-c abc" "-s 70000" "-t 0" "-t 256" "-i abc" "-W x" "-w -1"; do
		run --separate-stderr nt ping $a 127.0.0.1
		[ "$status" -eq 2 ] || { echo "$a: $status"; return 1; }
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == "nettool ping: "* ]]
	done
	run --separate-stderr nt ping -4 ::1
	[ "$status" -eq 2 ]; [[ "$stderr" == "nettool ping: cannot resolve '::1'"* ]]
	run --separate-stderr nt ping
	[ "$status" -eq 2 ]
}

@test "unroutable target with -c 3 -W 1: exit 1" {
	need_root
	NSA=ntu$(( $$ % 100000 ))_$BATS_TEST_NUMBER
	ip netns add "$NSA" 2>/dev/null || skip "cannot make a namespace"
	ip -n "$NSA" link set lo up
	run in_a "$NETTOOL" ping -c 3 -i 0.05 -W 1 10.202.0.1
	[ "$status" -eq 1 ]
	parse_stats
	[ "$RX" -eq 0 ]
	grep -q '100% packet loss' <<<"$output"
}

@test "netns: no reply gives byte for byte iputils' lines, trailing blank line included" {
	make_pair; need_cmd ping
	ping -V 2>&1 | grep -q iputils || skip "ping is not iputils"
	st=0
	in_a "$NETTOOL" ping -c 2 -i 0.1 -W 0.3 10.201.0.99 > "$BATS_TEST_TMPDIR/ours" || st=$?
	[ "$st" -eq 1 ]
	in_a ping -c 2 -i 0.1 -W 0.3 10.201.0.99 > "$BATS_TEST_TMPDIR/theirs" || true
	sed -i -E 's/time [0-9]+ms/time Tms/' "$BATS_TEST_TMPDIR/ours" "$BATS_TEST_TMPDIR/theirs"
	diff "$BATS_TEST_TMPDIR/theirs" "$BATS_TEST_TMPDIR/ours"
	[ "$(tail -c 2 "$BATS_TEST_TMPDIR/ours" | od -An -c | tr -d ' ')" = '\n\n' ]
}

@test "replies: every line but the latency line has iputils' shape" {
	need_root; need_cmd ping
	ping -V 2>&1 | grep -q iputils || skip "ping is not iputils"
	run nt ping -c 2 -i 0.05 127.0.0.1
	ours=$(grep -v '^latency ' <<<"$output" | sed -E 's/[0-9]+(\.[0-9]+)?/N/g')
	run ping -c 2 -i 0.05 127.0.0.1
	theirs=$(sed -E 's/[0-9]+(\.[0-9]+)?/N/g' <<<"$output")
	[ "$ours" = "$theirs" ]
}

@test "flood past sequence 65535: every reply matched, none lost or doubled" {
	need_root
	run nt ping -f -q -c 66000 127.0.0.1
	[ "$status" -eq 0 ]
	parse_stats
	[ "$TX" -eq 66000 ] && [ "$RX" -eq 66000 ]
	! grep -q duplicates <<<"$output"
}

@test "-f and intervals below 2 ms are refused for other users" {
	need_root; need_cmd setpriv
	for a in "-f" "-i 0.001"; do
		run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$NETTOOL" ping $a -c 1 127.0.0.1
		[ "$status" -eq 2 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == "nettool ping: "*"root"* ]]
	done
}

@test "netns: loss from an nftables rule matches its drop counter exactly" {
	make_pair; need_cmd nft
	ip netns exec "$NSB" nft -f - <<'NFT' || skip "nftables unusable"
table inet nttest {
	counter dropped { }
	chain input {
		type filter hook input priority 0;
		icmp type echo-request numgen random mod 10 < 3 counter name dropped drop
	}
}
NFT
	run in_a "$NETTOOL" ping -c 200 -i 0.005 -W 1 10.201.0.2
	parse_stats
	dropped=$(ip netns exec "$NSB" nft list counter inet nttest dropped | sed -nE 's/.*packets ([0-9]+).*/\1/p')
	echo "tx=$TX rx=$RX loss=$LOSS dropped=$dropped"
	[ "$TX" -eq 200 ]
	[ "$dropped" -gt 0 ]
	[ "$RX" -eq $((200 - dropped)) ]
	want=$(python3 -c "print('%g' % ((200 - $RX) * 100.0 / 200))")
	[ "$LOSS" = "$want" ]
}

@test "netns: 20 ms user-space responder: no round trip below 20 ms, for us as for iputils" {
	make_pair; need_cmd ping
	start_responder delay 20
	run in_a "$NETTOOL" ping -c 10 -i 0.05 10.201.0.2
	parse_stats; [ "$RX" -eq 10 ]
	ours=$(rtt_avg)
	run in_a ping -c 10 -i 0.05 10.201.0.2
	theirs=$(rtt_avg)
	echo "nettool $ours ms, iputils $theirs ms"
	# no timing threshold between the tools: both must see the delay
	python3 -c "import sys; o,t=float(sys.argv[1]),float(sys.argv[2]); assert o >= 20 and t >= 20" "$ours" "$theirs"
	# probes every 5 ms against a responder that takes 20 ms for each in
	# turn: several in flight, which both tools report as ", pipe N"
	run in_a "$NETTOOL" ping -c 20 -i 0.005 -q 10.201.0.2
	pipe=$(sed -nE 's/^rtt .* ms, pipe ([0-9]+)$/\1/p' <<<"$output")
	[ -n "$pipe" ] && [ "$pipe" -ge 4 ] && [ "$pipe" -le 20 ]
	run in_a ping -c 20 -i 0.005 -q 10.201.0.2
	grep -qE '^rtt .* ms, pipe [0-9]+$' <<<"$output"
}

@test "netns: a duplicating responder gives (DUP!) and +N duplicates" {
	make_pair
	start_responder dup
	run in_a "$NETTOOL" ping -c 5 -i 0.05 10.201.0.2
	[ "$status" -eq 0 ]
	parse_stats
	[ "$RX" -eq 5 ]
	grep -q 'icmp_seq=1 ttl=64 time=.* ms (DUP!)$' <<<"$output"
	# the last duplicate may come after the count is reached, as with iputils
	grep -qE '^5 packets transmitted, 5 received, \+[45] duplicates, 0% packet loss' <<<"$output"
	[ "$(grep -c '(DUP!)$' <<<"$output")" -ge 4 ]
}

@test "netns: corrupt replies are counted, not believed" {
	make_pair
	start_responder corrupt
	run in_a "$NETTOOL" ping -c 3 -i 0.05 -W 1 10.201.0.2
	[ "$status" -eq 1 ]
	parse_stats
	[ "$RX" -eq 0 ]
	grep -qE '^3 packets transmitted, 0 received, \+3 corrupted, 100% packet loss' <<<"$output"
	grep -q '(BAD CHECKSUM!)' <<<"$output"
}

@test "netns: an unreachable route reports the ICMP error and its sender" {
	make_pair
	ip netns exec "$NSB" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$NSB" route add unreachable 10.203.0.0/24
	ip -n "$NSA" route add 10.203.0.0/24 via 10.201.0.2
	run in_a "$NETTOOL" ping -c 2 -i 0.05 -W 1 10.203.0.9
	[ "$status" -eq 1 ]
	grep -q '^From 10.201.0.2 icmp_seq=1 Destination Host Unreachable$' <<<"$output"
	grep -qE '^2 packets transmitted, 0 received, \+2 errors, 100% packet loss' <<<"$output"
}

@test "netns: -t 1 through a router gives Time to live exceeded" {
	make_pair
	ip netns exec "$NSB" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$NSA" route add 10.204.0.0/24 via 10.201.0.2
	ip -n "$NSB" route add 10.204.0.0/24 dev lo
	run in_a "$NETTOOL" ping -c 1 -t 1 -W 1 10.204.0.9
	grep -q '^From 10.201.0.2 icmp_seq=1 Time to live exceeded$' <<<"$output"
}

@test "unprivileged: datagram ICMP as nobody where ping_group_range allows, both fixes named where not" {
	make_pair; need_cmd setpriv
	ip netns exec "$NSA" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	run in_a setpriv --reuid=nobody --regid=nogroup --clear-groups "$NETTOOL" ping -c 2 -i 0.05 10.201.0.2
	[ "$status" -eq 0 ]
	parse_stats; [ "$RX" -eq 2 ]
	ip netns exec "$NSA" sysctl -qw net.ipv4.ping_group_range="1 0"
	run --separate-stderr in_a setpriv --reuid=nobody --regid=nogroup --clear-groups "$NETTOOL" ping -c 1 10.201.0.2
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"ping_group_range"* ]]
	[[ "$stderr" == *"setcap cap_net_raw+ep"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	# each attempt's own reason: the datagram socket's (its group is
	# outside the range) is kept when the raw one fails too
	[[ "$stderr" == *"(datagram: Permission denied; raw: Operation not permitted)"* ]]
}

@test "SIGTERM prints the statistics too (through the loop)" {
	need_root
	out=$BATS_TEST_TMPDIR/term
	"$NETTOOL" ping -i 0.05 127.0.0.1 > "$out" &
	P=$!
	for i in $(seq 1 100); do grep -q 'icmp_seq=2 ' "$out" && break; sleep 0.05; done
	kill -TERM "$P"
	wait "$P"; rc=$?
	[ "$rc" -eq 0 ]
	grep -qE '^[0-9]+ packets transmitted, [0-9]+ received, 0% packet loss' "$out"
}

@test "ping waits only through lib/loop" {
	! grep -nE '\b(e?poll|ppoll|select|epoll_wait)\(' "$BATS_TEST_DIRNAME"/../cmd/ping*.c "$BATS_TEST_DIRNAME"/../lib/net/ping*.c
}

@test "median/p95/jitter ahead of the iputils block; the histogram on a terminal only" {
	need_root; need_cmd script
	run nt ping -c 3 -i 0.01 127.0.0.1
	[ "$status" -eq 0 ]
	# the last three lines are iputils' block, untouched
	[ "${lines[-3]}" = "--- 127.0.0.1 ping statistics ---" ]
	[[ "${lines[-1]}" == "rtt min/avg/max/mdev = "* ]]
	lat=$(grep -E '^latency median/p95/jitter = [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms$' <<<"$output")
	[ -n "$lat" ]
	[ "${lines[-4]}" = "$lat" ]
	# with 3 samples the median is the middle one and p95 the largest
	times=$(sed -nE 's/.* time=([0-9.]+) ms$/\1/p' <<<"$output" | sort -n)
	med=$(sed -n 2p <<<"$times"); big=$(sed -n 3p <<<"$times")
	[[ "$lat" == "latency median/p95/jitter = $med/$big/"* ]]
	! grep -qE '^  < ' <<<"$output"
	run script -qc "$NETTOOL ping -c 10 -i 0.01 127.0.0.1" /dev/null
	[ "$status" -eq 0 ]
	[ "$(grep -cE '^  < +[0-9.]+ ms \|#* +[0-9]+' <<<"$output")" -ge 1 ]
}

# ---- privileges (the hostile issue's ping points) ----

# A copy of the binary in a directory other users can reach.
copy_binary() {
	PRIVDIR=$(mktemp -d /tmp/nt-priv.XXXXXX)
	chmod 755 "$PRIVDIR"
	cp "$NETTOOL" "$PRIVDIR/nettool"
	chmod 755 "$PRIVDIR/nettool"
}

# CapEff of PID once its first reply is in OUT.
cap_eff_after_reply() { # pid out
	for i in $(seq 1 100); do grep -q 'icmp_seq=1 ' "$2" && break; sleep 0.05; done
	grep -q 'icmp_seq=1 ' "$2"
	awk '/^CapEff:/{print $2}' "/proc/$1/status"
}

@test "root keeps no capability while probing" {
	need_root
	"$NETTOOL" ping -i 0.1 127.0.0.1 > "$BATS_TEST_TMPDIR/out" &
	P=$!
	eff=$(cap_eff_after_reply "$P" "$BATS_TEST_TMPDIR/out")
	kill -INT "$P"; wait "$P" || true
	[ "$eff" = 0000000000000000 ]
}

@test "a setcap cap_net_raw copy run by nobody: raw socket, then no capability" {
	make_pair; need_cmd setcap; need_cmd setpriv
	ip netns exec "$NSA" sysctl -qw net.ipv4.ping_group_range="1 0"
	copy_binary
	setcap cap_net_raw+ep "$PRIVDIR/nettool" || skip "setcap unusable here"
	# started directly (not through the in_a function) so that $! is
	# nettool itself: ip netns exec and setpriv exec it in place
	ip netns exec "$NSA" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$PRIVDIR/nettool" ping -i 0.1 10.201.0.2 > "$BATS_TEST_TMPDIR/out" &
	P=$!
	eff=$(cap_eff_after_reply "$P" "$BATS_TEST_TMPDIR/out")
	kill -INT "$P"; wait "$P" || true
	rm -rf "$PRIVDIR"
	[ "$eff" = 0000000000000000 ]
}

@test "installed setuid root: nobody still cannot flood or go below 2 ms, and runs as nobody" {
	need_root; need_cmd setpriv
	copy_binary
	chown root:root "$PRIVDIR/nettool"; chmod 4755 "$PRIVDIR/nettool"
	for a in "-f" "-i 0.001"; do
		run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$PRIVDIR/nettool" ping $a -c 1 127.0.0.1
		[ "$status" -eq 2 ] || { rm -rf "$PRIVDIR"; echo "$a: $status"; return 1; }
		[[ "$stderr" == *"root only"* ]]
	done
	setpriv --reuid=65534 --regid=65534 --clear-groups "$PRIVDIR/nettool" ping -i 0.1 127.0.0.1 > "$BATS_TEST_TMPDIR/out" &
	P=$!
	eff=$(cap_eff_after_reply "$P" "$BATS_TEST_TMPDIR/out")
	uids=$(awk '/^Uid:/{print $2,$3,$4,$5}' "/proc/$P/status")
	kill -INT "$P"; wait "$P" || true
	rm -rf "$PRIVDIR"
	[ "$eff" = 0000000000000000 ]
	[ "$uids" = "65534 65534 65534 65534" ]
}

@test "a host name is resolved after the privileges are gone" {
	need_root; need_cmd strace
	grep -qE '^127\.0\.0\.1[[:space:]].*\blocalhost\b' /etc/hosts || skip "no localhost in /etc/hosts"
	# (LeakSanitizer cannot run under ptrace: off for a sanitizer build)
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=capset,open,openat -o "$BATS_TEST_TMPDIR/trace" "$NETTOOL" ping -4 -c 1 localhost
	[ "$status" -eq 0 ]
	cap=$(grep -n 'capset(' "$BATS_TEST_TMPDIR/trace" | head -1 | cut -d: -f1)
	hosts=$(grep -n '"/etc/hosts"' "$BATS_TEST_TMPDIR/trace" | head -1 | cut -d: -f1)
	[ -n "$cap" ] && [ -n "$hosts" ] && [ "$cap" -lt "$hosts" ]
}

@test "datagram sockets, even as root: unreachable and ttl errors reported with +N errors (IPv4)" {
	make_pair
	ip netns exec "$NSA" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	ip netns exec "$NSB" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$NSB" route add unreachable 10.203.0.0/24
	ip -n "$NSA" route add 10.203.0.0/24 via 10.201.0.2
	run in_a "$NETTOOL" ping -c 2 -i 0.05 -W 1 10.203.0.9
	[ "$status" -eq 1 ]
	grep -q '^From 10.201.0.2 icmp_seq=1 Destination Host Unreachable$' <<<"$output"
	grep -qE '^2 packets transmitted, 0 received, \+2 errors, 100% packet loss' <<<"$output"
	ip -n "$NSA" route add 10.204.0.0/24 via 10.201.0.2
	ip -n "$NSB" route add 10.204.0.0/24 dev lo
	run in_a "$NETTOOL" ping -c 1 -t 1 -W 1 10.204.0.9
	grep -q '^From 10.201.0.2 icmp_seq=1 Time to live exceeded$' <<<"$output"
	grep -qE '^1 packets transmitted, 0 received, \+1 errors, 100% packet loss' <<<"$output"
}

@test "datagram and raw sockets, IPv6: unreachable reported with its sender" {
	make_pair
	[ -e /proc/net/if_inet6 ] || skip "no IPv6"
	ip -n "$NSA" addr add fd00:201::1/64 dev "va${VB#vb}" nodad
	ip -n "$NSB" addr add fd00:201::2/64 dev "$VB" nodad
	ip netns exec "$NSB" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$NSB" -6 route add unreachable fd00:203::/64
	ip -n "$NSA" -6 route add fd00:203::/64 via fd00:201::2
	for range in "0 2147483647" "1 0"; do
		ip netns exec "$NSA" sysctl -qw net.ipv4.ping_group_range="$range"
		run in_a "$NETTOOL" ping -c 1 -W 1 fd00:203::9
		echo "$range: $output"
		[ "$status" -eq 1 ]
		grep -qE '^From fd00:201::2 icmp_seq=1 Destination unreachable: (No route|Reject route to destination)$' <<<"$output"
		grep -qE '\+1 errors, 100% packet loss' <<<"$output"
	done
}

@test "a reply from another address is marked (DIFFERENT ADDRESS!); a foreign identifier is ignored" {
	make_pair
	ip -n "$NSB" addr add 10.201.0.3/24 dev "$VB"
	start_responder dup
	run in_a "$NETTOOL" ping -c 1 -W 1 10.201.0.3
	echo "$output"
	grep -qE '^64 bytes from 10\.201\.0\.2: icmp_seq=1 ttl=64 time=[0-9.]+ ms \(DIFFERENT ADDRESS!\)$' <<<"$output"
	kill_pids "$RESP"; RESP=
	rm -f "$BATS_TEST_TMPDIR/ready"
	ip netns exec "$NSA" sysctl -qw net.ipv4.ping_group_range="1 0"
	start_responder foreignid
	run in_a "$NETTOOL" ping -c 2 -i 0.1 -W 0.5 10.201.0.2
	[ "$status" -eq 1 ]
	grep -qE '^2 packets transmitted, 0 received, 100% packet loss' <<<"$output"
}
