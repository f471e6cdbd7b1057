#!/usr/bin/env bats
# nettool ping --tcp PORT (tcping): connect times, refused as an answer,
# timeouts as losses, no privilege needed.
load helper

setup() { SRV=; NSA=; NSB=; }
teardown() {
	kill_pids "$SRV"
	[ -n "$NSA" ] && ip netns del "$NSA" 2>/dev/null
	[ -n "$NSB" ] && ip netns del "$NSB" 2>/dev/null
	true
}

# A listening port and a bound port nobody listens on, both on 127.0.0.1
# (or ::1), announced on one line: "OPEN CLOSED".
start_ports() { # [host]
	local h=${1:-127.0.0.1}
	python3 -c '
import socket, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
a = socket.socket(fam); a.bind((sys.argv[1], 0)); a.listen(64)
b = socket.socket(fam); b.bind((sys.argv[1], 0))
print(a.getsockname()[1], b.getsockname()[1], flush=True)
time.sleep(120)' "$h" > "$BATS_TEST_TMPDIR/ports" &
	SRV=$!
	for i in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/ports" ] && break; sleep 0.05; done
	read -r OPEN CLOSED < "$BATS_TEST_TMPDIR/ports"
	[ -n "$CLOSED" ]
}

@test "--tcp to an open port: connect times in iputils' shape, exit 0" {
	start_ports
	run --separate-stderr nt ping --tcp "$OPEN" -c 3 -i 0.05 127.0.0.1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "PING 127.0.0.1 (127.0.0.1) port $OPEN over TCP." ]
	for s in 1 2 3; do
		grep -qE "^connected to 127\.0\.0\.1:$OPEN: tcp_seq=$s time=[0-9.]+ ms$" <<<"$output"
	done
	grep -qx -- '--- 127.0.0.1 ping statistics ---' <<<"$output"
	grep -qE '^3 packets transmitted, 3 received, 0% packet loss, time [0-9]+ms$' <<<"$output"
	grep -qE '^rtt min/avg/max/mdev = ([0-9]+\.[0-9]{3}/){3}[0-9]+\.[0-9]{3} ms$' <<<"${lines[-1]}"
}

@test "--tcp to a closed port: refused counts as an answer" {
	start_ports
	run --separate-stderr nt ping --tcp "$CLOSED" -c 2 -i 0.05 127.0.0.1
	[ "$status" -eq 0 ]
	grep -qE "^refused by 127\.0\.0\.1:$CLOSED: tcp_seq=2 time=[0-9.]+ ms$" <<<"$output"
	grep -qE '^2 packets transmitted, 2 received, 0% packet loss' <<<"$output"
}

@test "--tcp over IPv6 and --json" {
	[ -e /proc/net/if_inet6 ] || skip "no IPv6"
	start_ports ::1
	run --separate-stderr nt ping --tcp "$OPEN" -c 2 -i 0.05 ::1
	[ "$status" -eq 0 ]
	grep -qE "^connected to \[::1\]:$OPEN: tcp_seq=1 time=" <<<"$output"
	run --separate-stderr nt ping --json --tcp "$CLOSED" -c 2 -i 0.05 ::1
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "${#lines[@]}" -eq 3 ]
	output=${lines[0]}
	[ "$(json_field type)" = reply ]
	[ "$(json_field state)" = closed ]
	[ "$(json_field port)" = "$CLOSED" ]
	output=${lines[2]}
	[ "$(json_field type)" = summary ]
	[ "$(json_field received)" = 2 ]
}

@test "--tcp works as nobody (no privilege)" {
	need_root; need_cmd setpriv
	start_ports
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$NETTOOL" ping --tcp "$OPEN" -c 2 -i 0.05 127.0.0.1
	[ "$status" -eq 0 ]
	grep -qE '^2 packets transmitted, 2 received, 0% packet loss' <<<"$output"
}

@test "--tcp: a dropped SYN is a loss (timeout), exit 1" {
	need_root; need_cmd nft
	local n=$(( $$ % 100000 ))
	NSA=nta${n}_$BATS_TEST_NUMBER NSB=ntb${n}_$BATS_TEST_NUMBER
	ip netns add "$NSA" 2>/dev/null || skip "cannot make network namespaces"
	ip netns add "$NSB"
	ip link add "ta$n" netns "$NSA" type veth peer name "tb$n" netns "$NSB" || skip "no veth"
	ip -n "$NSA" addr add 10.209.0.1/24 dev "ta$n"; ip -n "$NSB" addr add 10.209.0.2/24 dev "tb$n"
	ip -n "$NSA" link set "ta$n" up; ip -n "$NSB" link set "tb$n" up
	ip netns exec "$NSB" nft -f - <<'NFT' || skip "nftables unusable"
table inet nttcp {
	chain input { type filter hook input priority 0; tcp dport 80 drop; }
}
NFT
	run --separate-stderr ip netns exec "$NSA" "$NETTOOL" ping --tcp 80 -c 2 -i 0.1 -W 0.3 10.209.0.2
	[ "$status" -eq 1 ]
	grep -qE '^2 packets transmitted, 0 received, 100% packet loss' <<<"$output"
	! grep -q 'connected to' <<<"$output"
	run --separate-stderr ip netns exec "$NSA" "$NETTOOL" ping --tcp 81 -c 1 -W 1 10.209.0.2
	[ "$status" -eq 0 ]
	grep -q '^refused by 10.209.0.2:81: tcp_seq=1 ' <<<"$output"
}

@test "--tcp: bad input exits 2" {
	for a in "--tcp 0" "--tcp 70000" "--tcp x" "--tcp 80 -f" "--tcp 80 127.0.0.2"; do
		run --separate-stderr nt ping $a 127.0.0.1
		[ "$status" -eq 2 ] || { echo "$a: $status"; return 1; }
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
}
