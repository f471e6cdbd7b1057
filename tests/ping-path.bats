#!/usr/bin/env bats
# nettool ping's iputils path options (-M -s, -I, -Q, -p, -l, -O, -n, -b),
# compared with iputils on the same namespace topology.
load helper

setup() { NSA=; NSB=; NSC=; CAP=; }
teardown() {
	kill_pids "$CAP"
	for n in "$NSA" "$NSB" "$NSC"; do [ -n "$n" ] && ip netns del "$n" 2>/dev/null; done
	true
}

in_a() { ip netns exec "$NSA" "$@"; }

iputils() { need_cmd ping; ping -V 2>&1 | grep -q iputils || skip "ping is not iputils"; }

# A 10.211.0.1 -- B 10.211.0.2 (router) 10.212.0.1 -- C 10.212.0.2, the
# B-C link with an MTU of 1280. A also holds 10.211.0.3.
make_path() {
	need_root; need_cmd ip
	local n=$(( $$ % 100000 ))
	NSA=npa${n}_$BATS_TEST_NUMBER NSB=npb${n}_$BATS_TEST_NUMBER NSC=npc${n}_$BATS_TEST_NUMBER
	ip netns add "$NSA" 2>/dev/null || skip "cannot make network namespaces"
	ip netns add "$NSB"; ip netns add "$NSC"
	ip link add "pa$n" netns "$NSA" type veth peer name "pb$n" netns "$NSB" || skip "no veth"
	ip link add "pc$n" netns "$NSB" type veth peer name "pd$n" netns "$NSC"
	ip -n "$NSA" addr add 10.211.0.1/24 dev "pa$n"
	ip -n "$NSA" addr add 10.211.0.3/24 dev "pa$n"
	ip -n "$NSB" addr add 10.211.0.2/24 dev "pb$n"
	ip -n "$NSB" addr add 10.212.0.1/24 dev "pc$n"
	ip -n "$NSC" addr add 10.212.0.2/24 dev "pd$n"
	ip -n "$NSB" link set "pc$n" mtu 1280; ip -n "$NSC" link set "pd$n" mtu 1280
	for ns in "$NSA" "$NSB" "$NSC"; do ip -n "$ns" link set lo up; done
	ip -n "$NSA" link set "pa$n" up; ip -n "$NSB" link set "pb$n" up
	ip -n "$NSB" link set "pc$n" up; ip -n "$NSC" link set "pd$n" up
	ip netns exec "$NSB" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$NSA" route add 10.212.0.0/24 via 10.211.0.2
	ip -n "$NSC" route add default via 10.212.0.1
	PA=pa$n PB=pb$n
}

# One probe as B sees it on its A side, printed by tcpdump -v -x.
start_capture() {
	need_cmd tcpdump
	ip netns exec "$NSB" tcpdump -l -n -v -x -c 1 -i "$PB" 'icmp[icmptype] == icmp-echo' \
		> "$BATS_TEST_TMPDIR/cap" 2> "$BATS_TEST_TMPDIR/caperr" &
	CAP=$!
	for i in $(seq 1 100); do grep -q 'listening on' "$BATS_TEST_TMPDIR/caperr" && break; sleep 0.05; done
	grep -q 'listening on' "$BATS_TEST_TMPDIR/caperr"
}
wait_capture() {
	for i in $(seq 1 100); do kill -0 "$CAP" 2>/dev/null || break; sleep 0.05; done
	cat "$BATS_TEST_TMPDIR/cap"
}

@test "-M do -s 1400 across a 1280-MTU hop: the same mtu=1280 outcome as iputils" {
	make_path; iputils
	in_a "$NETTOOL" ping -c 2 -i 0.2 -W 1 -M do -s 1400 10.212.0.2 > "$BATS_TEST_TMPDIR/o" 2> "$BATS_TEST_TMPDIR/e" && st=0 || st=$?
	[ "$st" -eq 1 ]
	cat "$BATS_TEST_TMPDIR/o" "$BATS_TEST_TMPDIR/e"
	grep -qE '^From 10\.211\.0\.2 icmp_seq=1 Frag needed and DF set \(mtu = 1280\)$' "$BATS_TEST_TMPDIR/o"
	grep -qx 'nettool ping: local error: message too long, mtu=1280' "$BATS_TEST_TMPDIR/e"
	grep -qE '^2 packets transmitted, 0 received, \+2 errors, 100% packet loss' "$BATS_TEST_TMPDIR/o"
	# iputils now meets the path MTU the kernel learnt: local errors only
	in_a ping -c 2 -i 0.2 -W 1 -M do -s 1400 10.212.0.2 > "$BATS_TEST_TMPDIR/io" 2> "$BATS_TEST_TMPDIR/ie" && st=0 || st=$?
	[ "$st" -eq 1 ]
	grep -q 'local error: message too long, mtu=1280' "$BATS_TEST_TMPDIR/ie"
	in_a "$NETTOOL" ping -c 2 -i 0.2 -W 1 -M do -s 1400 10.212.0.2 > "$BATS_TEST_TMPDIR/o" 2> "$BATS_TEST_TMPDIR/e" || true
	diff <(sed 's/^ping:/P:/' "$BATS_TEST_TMPDIR/ie") <(sed 's/^nettool ping:/P:/' "$BATS_TEST_TMPDIR/e")
	diff <(sed -E 's/time [0-9]+ms/T/' "$BATS_TEST_TMPDIR/io") <(sed -E 's/time [0-9]+ms/T/' "$BATS_TEST_TMPDIR/o")
	# 1252 data bytes make 1280: it passes
	run in_a "$NETTOOL" ping -c 1 -M do -s 1252 10.212.0.2
	[ "$status" -eq 0 ]
}

@test "-I ADDR and -I IFACE pick the source" {
	make_path
	start_capture
	run in_a "$NETTOOL" ping -c 1 -I 10.211.0.3 10.211.0.2
	[ "$status" -eq 0 ]
	wait_capture | grep -q '10\.211\.0\.3 > 10\.211\.0\.2: ICMP echo request'
	start_capture
	run in_a "$NETTOOL" ping -c 1 -I "$PA" 10.211.0.2
	[ "$status" -eq 0 ]
	wait_capture | grep -q '10\.211\.0\.1 > 10\.211\.0\.2: ICMP echo request'
	run in_a "$NETTOOL" ping -c 1 -W 0.3 -I lo 10.211.0.2
	[ "$status" -eq 1 ]
	run --separate-stderr nt ping -I 'no such interface name' 127.0.0.1
	[ "$status" -eq 2 ]
}

@test "-Q 0x10 and -p ff00 are in the probe on the wire" {
	make_path
	start_capture
	run in_a "$NETTOOL" ping -c 1 -Q 0x10 -p ff00 10.211.0.2
	[ "$status" -eq 0 ]
	cap=$(wait_capture)
	echo "$cap"
	grep -q 'tos 0x10' <<<"$cap"
	# the data after the 8-byte ICMP header: ff00 repeated
	grep -qE '0x0010: .* 0001 ff00 ff00$' <<<"$cap"
	grep -qE '0x0020: +ff00 ff00 ff00 ff00 ff00 ff00 ff00 ff00$' <<<"$cap"
	run --separate-stderr nt ping -p xyz 127.0.0.1
	[ "$status" -eq 2 ]
	run --separate-stderr nt ping -Q 256 127.0.0.1
	[ "$status" -eq 2 ]
	run --separate-stderr nt ping -M maybe 127.0.0.1
	[ "$status" -eq 2 ]
}

@test "-l 3 sends three at once; -n is accepted" {
	need_root
	run nt ping -n -c 4 -l 3 127.0.0.1
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == "rtt min/avg/max/mdev = "*", pipe 3" ]]
}

@test "-O: iputils' 'no answer yet' lines, byte for byte" {
	make_path; iputils
	in_a "$NETTOOL" ping -O -c 3 -i 0.1 -W 0.3 10.211.0.99 > "$BATS_TEST_TMPDIR/ours" || true
	in_a ping -O -c 3 -i 0.1 -W 0.3 10.211.0.99 > "$BATS_TEST_TMPDIR/theirs" || true
	grep -qx 'no answer yet for icmp_seq=1' "$BATS_TEST_TMPDIR/ours"
	sed -i -E 's/time [0-9]+ms/time Tms/' "$BATS_TEST_TMPDIR/ours" "$BATS_TEST_TMPDIR/theirs"
	diff "$BATS_TEST_TMPDIR/theirs" "$BATS_TEST_TMPDIR/ours"
}
