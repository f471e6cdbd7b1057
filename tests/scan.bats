#!/usr/bin/env bats
# nettool scan: bad input, loopback basics, and (as root, in namespaces)
# the same open/closed/filtered sets as nmap -sT / -sU and nc -z.
load helper
load netio

NSES=()

teardown() {
	netio_teardown
	local n
	for n in "${NSES[@]}"; do ip netns del "$n" 2>/dev/null; done
	NSES=()
}

# Two namespaces joined by a veth: scanner S (10.77.0.1) and target T
# (10.77.0.2, and 10.77.1.1-14 for the /28 test).
make_pair() {
	make_netns scn; S=$NS; NSES+=("$S"); NS=
	make_netns tgt; T=$NS; NSES+=("$T"); NS=
	ip link add vs0 netns "$S" type veth peer name vt0 netns "$T" ||
		skip "cannot make a veth pair"
	ip -n "$S" addr add 10.77.0.1/16 dev vs0
	ip -n "$T" addr add 10.77.0.2/16 dev vt0
	ip -n "$S" link set vs0 up
	ip -n "$T" link set vt0 up
}

# peers NS tcp|udp ADDR PORT...: listeners in NS, waited for.
peers() {
	local ns=$1; shift
	ip netns exec "$ns" python3 "$FIX/scan_peers.py" "$@" >"$TMP/peers.$#.$1" 2>&1 3>&- &
	PIDS+=($!)
	wait_file_has "$TMP/peers.$#.$1" ready
}

# hold_closed: closed is a TCP port of 127.0.0.1 that port_holder.py holds
# bound but not listening: a connection to it is refused by a RST.
hold_closed() {
	bg python3 "$FIX/port_holder.py" tcp 127.0.0.1 >"$TMP/closed"
	closed=$(printed_port "$TMP/closed")
}

# nettool's "PORT/STATE" lines from a table with -a.
nt_states() {
	awk 'NR>1 {print $2 "/" $4}' <<<"$1" | sort
}

# nmap's "PORT/STATE" lines from greppable output on stdin.
nmap_states() {
	grep -oE '[0-9]+/[a-z|]+/(tcp|udp)' | awk -F/ '{print $1 "/" $2}' | sort
}

@test "scan: port 0 and 65536 are out of range, exit 2 naming the value" {
	run --separate-stderr nt scan -p 22,0 127.0.0.1
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "nettool scan: port '0' is out of range (1-65535)" ]
	run --separate-stderr nt scan -p 65536 127.0.0.1
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool scan: port '65536' is out of range (1-65535)" ]
}

@test "scan: an empty range, an unknown service, a bad item: exit 2 naming it" {
	run --separate-stderr nt scan -p 100-50 127.0.0.1
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool scan: port '100-50' is an empty range (first port above last)" ]
	run --separate-stderr nt scan -p ssh,nosuchservice 127.0.0.1
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool scan: port 'nosuchservice' is not a TCP service name the services database knows" ]
	run --separate-stderr nt scan -p 1-2-3 127.0.0.1
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool scan: port '1-2-3' "* ]]
	run --separate-stderr nt scan -p 22,,80 127.0.0.1
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool scan: port list '22,,80' has an empty item" ]
}

@test "scan: -P 0 and a bad -w are usage errors" {
	run --separate-stderr nt scan -P 0 -p 22 127.0.0.1
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool scan: parallel '0' is out of range (1-16384)" ]
	run --separate-stderr nt scan -w x -p 22 127.0.0.1
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool scan: timeout 'x' "* ]]
}

@test "scan: a prefix wider than /16 or /112 is refused without --force" {
	run --separate-stderr nt scan -p 22 10.0.0.0/15
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "nettool scan: '10.0.0.0/15' is wider than /16 (IPv4) or /112 (IPv6); add --force to scan it" ]
	run --separate-stderr nt scan -p 22 2001:db8::/111
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool scan: '2001:db8::/111' is wider than"* ]]
}

@test "scan: a bad address or CIDR is exit 2 naming it" {
	run --separate-stderr nt scan -p 22 256.1.1.1
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool scan: '256.1.1.1' is not a valid address or CIDR: "* ]]
	run --separate-stderr nt scan -p 22 10.0.0.0/33
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool scan: '10.0.0.0/33' is not a valid address or CIDR: "* ]]
	run --separate-stderr nt scan -4 -p 22 ::1
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool scan: '::1' is not an IPv4 address" ]
	run --separate-stderr nt scan -p 22 no-such-host.invalid
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool scan: cannot resolve 'no-such-host.invalid': "* ]]
	run --separate-stderr nt scan -p 22
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool scan: no HOST or CIDR to scan" ]
}

@test "scan: loopback, open only by default, -a for all, exit 0 when open" {
	bg python3 "$FIX/scan_peers.py" tcp 127.0.0.1 0 >"$TMP/peers"
	wait_file_has "$TMP/peers" ready
	port=$(awk '$1 == "ready" {print $2}' "$TMP/peers")
	[[ $port =~ ^[0-9]+$ ]]
	hold_closed
	run --separate-stderr nt scan -p "$port,$closed" 127.0.0.1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf '%-15s  %5s  %-5s  %-8s  %-12s  %8s' HOST PORT PROTO STATE SERVICE RTT_MS)" ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" =~ ^127\.0\.0\.1\ +$port\ +tcp\ +open\ + ]]
	[[ "$stderr" =~ ^2\ scanned\ on\ 1\ host:\ 1\ open,\ 1\ closed,\ 0\ filtered\ in\ [0-9.]+\ s$ ]]
	run --separate-stderr nt scan -a -p "$port,$closed" 127.0.0.1
	[ "$status" -eq 0 ]
	[ "$(nt_states "$output")" = "$(printf '%s\n' "$port/open" "$closed/closed" | sort)" ]
	run --separate-stderr nt scan -p "$closed" 127.0.0.1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == "1 scanned on 1 host: 0 open, 1 closed, 0 filtered in "* ]]
}

@test "scan --json: one object per port printed, with its fields" {
	hold_closed
	run --separate-stderr nt scan --json -a -p "$closed" 127.0.0.1
	[ "$status" -eq 1 ]
	assert_json_lines
	[ "$(json_field host)" = 127.0.0.1 ]
	[ "$(json_field port)" = "$closed" ]
	[ "$(json_field proto)" = tcp ]
	[ "$(json_field state)" = closed ]
	[ "$(json_field reason)" = "connection refused" ]
	[[ "$(json_field rtt_ms)" =~ ^[0-9]+(\.[0-9]+)?$ ]]
	run --separate-stderr nt scan --json -p ssh -a 127.0.0.1
	[ "$(json_field service)" = ssh ]
}

@test "scan: TCP open/closed/filtered sets equal nmap -sT's, nc -z agrees on open" {
	need_cmd nmap nc.openbsd nft python3
	make_pair
	ip netns exec "$T" nft -f - <<-'EOF'
	table inet nt_scan {
		chain in {
			type filter hook input priority 0;
			tcp dport { 81, 8443, 9000 } drop
		}
	}
	EOF
	peers "$T" tcp 0.0.0.0 21 80 443 8080 31337
	list=21,22,25,80,81,443,3306,8080,8443,9000,31337,40000
	run --separate-stderr ip netns exec "$S" "$NETTOOL" scan -a -p "$list" 10.77.0.2
	[ "$status" -eq 0 ]
	ours=$(nt_states "$output")
	want=$(printf '%s\n' 21/open 22/closed 25/closed 80/open 81/filtered 443/open \
		3306/closed 8080/open 8443/filtered 9000/filtered 31337/open 40000/closed | sort)
	[ "$ours" = "$want" ]
	[[ "$stderr" == "12 scanned on 1 host: 5 open, 4 closed, 3 filtered in "* ]]
	theirs=$(ip netns exec "$S" nmap -sT -Pn -n -T4 -p "$list" -oG - 10.77.0.2 | nmap_states)
	[ "$ours" = "$theirs" ]
	nc_open=$(for p in ${list//,/ }; do
		ip netns exec "$S" nc.openbsd -z -w 1 10.77.0.2 "$p" 2>/dev/null && echo "$p/open"
	done | sort)
	[ "$nc_open" = "$(grep /open <<<"$ours")" ]
}

@test "scan -u: open/closed/open|filtered sets equal nmap -sU's on loopback" {
	need_cmd nmap nft python3
	make_netns udp; NSES+=("$NS"); U=$NS; NS=
	ip netns exec "$U" nft -f - <<-'EOF'
	table inet nt_scan {
		chain in {
			type filter hook input priority 0;
			udp dport 7005 drop
		}
	}
	EOF
	peers "$U" udp 127.0.0.1 7001 7003
	run --separate-stderr ip netns exec "$U" "$NETTOOL" scan -u -a -p 7001-7005 127.0.0.1
	[ "$status" -eq 0 ]
	ours=$(nt_states "$output")
	[ "$ours" = "$(printf '%s\n' 7001/open 7002/closed 7003/open 7004/closed 7005/open\|filtered)" ]
	[[ "$stderr" == "5 scanned on 1 host: 2 open, 2 closed, 0 filtered, 1 open|filtered in "* ]]
	theirs=$(ip netns exec "$U" nmap -sU -Pn -n -T4 -p 7001-7005 -oG - 127.0.0.1 | nmap_states)
	[ "$ours" = "$theirs" ]
}

@test "scan: a /28 on the target's veth, one port: exactly the listening addresses" {
	need_cmd python3
	make_pair
	for i in $(seq 1 14); do ip -n "$T" addr add "10.77.1.$i/32" dev vt0; done
	peers "$T" tcp 10.77.1.3 5555
	peers "$T" tcp 10.77.1.9 5555
	peers "$T" tcp 10.77.1.14 5555
	run --separate-stderr ip netns exec "$S" "$NETTOOL" scan -p 5555 10.77.1.0/28
	[ "$status" -eq 0 ]
	[ "$(awk 'NR>1 {print $1}' <<<"$output")" = "$(printf '%s\n' 10.77.1.3 10.77.1.9 10.77.1.14)" ]
	[[ "$stderr" == "14 scanned on 14 hosts: 3 open, 11 closed, 0 filtered in "* ]]
}

@test "scan: IPv6 loopback in a namespace" {
	need_cmd python3
	make_netns six; NSES+=("$NS"); NS=
	peers "${NSES[-1]}" tcp ::1 6001
	run --separate-stderr ip netns exec "${NSES[-1]}" "$NETTOOL" scan -6 -a -p 6000-6002 ::1
	[ "$status" -eq 0 ]
	[ "$(nt_states "$output")" = "$(printf '%s\n' 6000/closed 6001/open 6002/closed)" ]
}

@test "scan: a port that answers only its second SYN is open, not filtered (a parked probe waits for -w)" {
	need_cmd nft python3
	make_pair
	# The first SYN to 5555 is dropped, the kernel sends it again after a
	# second and that one is answered; 5556 drops every SYN. The closed
	# ports around them answer in microseconds, so both are parked long
	# before -w: with -P 1, the rest of the scan goes on meanwhile.
	ip netns exec "$T" nft -f - <<-'EOF2'
	table inet nt_scan_slow {
		set seen {
			type ipv4_addr
			flags dynamic,timeout
			timeout 1m
		}
		chain in {
			type filter hook input priority 0;
			tcp dport 5555 tcp flags & (syn | ack) == syn ip saddr @seen accept
			tcp dport 5555 tcp flags & (syn | ack) == syn add @seen { ip saddr } drop
			tcp dport 5556 drop
		}
	}
	EOF2
	peers "$T" tcp 0.0.0.0 5555 5560
	run --separate-stderr ip netns exec "$S" "$NETTOOL" scan -a -P 1 -w 3 -p 5550-5565 10.77.0.2
	[ "$status" -eq 0 ]
	want=$(for p in $(seq 5550 5565); do
		case $p in 5555|5560) echo "$p/open" ;; 5556) echo "$p/filtered" ;; *) echo "$p/closed" ;; esac
	done | sort)
	[ "$(nt_states "$output")" = "$want" ]
	[[ "$stderr" == "16 scanned on 1 host: 2 open, 13 closed, 1 filtered in "* ]]
	# 5555's first SYN was dropped (the scanner is in the set).
	run ip netns exec "$T" nft list set inet nt_scan_slow seen
	[[ "$output" == *10.77.0.1* ]]
}

@test "scan: every port of an empty namespace's loopback is closed (no socket counts its own SYN or datagram)" {
	make_netns self; NSES+=("$NS"); NS=
	# Sockets are bound to ports of the ephemeral range; one probing its
	# own port would connect to itself (simultaneous open).
	run --separate-stderr ip netns exec "${NSES[-1]}" "$NETTOOL" scan -p - 127.0.0.1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == "65535 scanned on 1 host: 0 open, 65535 closed, 0 filtered in "* ]]
	run --separate-stderr ip netns exec "${NSES[-1]}" "$NETTOOL" scan -6 -p - ::1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == "65535 scanned on 1 host: 0 open, 65535 closed, 0 filtered in "* ]]
	# UDP: a socket given the port it probes would read its own datagram.
	run --separate-stderr ip netns exec "${NSES[-1]}" "$NETTOOL" scan -u -p - 127.0.0.1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == "65535 scanned on 1 host: 0 open, 65535 closed, 0 filtered, 0 open|filtered in "* ]]
}

@test "scan: sockets take ports of the ephemeral range, never a reserved one" {
	need_cmd python3 sysctl
	make_netns lport; NSES+=("$NS"); N=$NS; NS=
	# One usable port: every probe must come from 40009.
	ip netns exec "$N" sysctl -qw net.ipv4.ip_local_port_range="40000 40009" ||
		skip "cannot set the ephemeral range"
	ip netns exec "$N" sysctl -qw net.ipv4.ip_local_reserved_ports=40000-40008 ||
		skip "cannot reserve ports"
	peers "$N" tcp 127.0.0.1 5555 5557
	run --separate-stderr ip netns exec "$N" "$NETTOOL" scan -p 5540-5560 127.0.0.1
	[ "$status" -eq 0 ]
	[ "$(awk 'NR>1 {print $2}' <<<"$output")" = "$(printf '%s\n' 5555 5557)" ]
	[[ "$stderr" == "21 scanned on 1 host: 2 open, 19 closed, 0 filtered in "* ]]
	wait_file_has "$TMP/peers.4.tcp" " to 5555$"
	wait_file_has "$TMP/peers.4.tcp" " to 5557$"
	[ "$(awk '/^from / {print $3}' "$TMP/peers.4.tcp" | sort -u)" = 40009 ]
	# Open ports were closed with a RST: no TIME_WAIT holds 40009 now.
	run ip netns exec "$N" ss -Htan state time-wait
	[ -z "$output" ]
}
