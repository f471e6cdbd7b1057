#!/usr/bin/env bats
# nettool ping with many targets (fping's job): a far namespace holding a
# /24 on its end of a veth, nftables dropping echo for a known subset;
# compared with fping on the same targets.
load helper

setup() { NSA=; NSB=; RESP=; }
teardown() {
	kill_pids "$RESP"
	[ -n "$NSA" ] && ip netns del "$NSA" 2>/dev/null
	[ -n "$NSB" ] && ip netns del "$NSB" 2>/dev/null
	true
}

in_a() { ip netns exec "$NSA" "$@"; }

# A 10.207.0.1 -- B 10.207.0.2, and B holds 10.208.0.1-10.208.0.120 on its
# veth; A routes 10.208.0.0/24 through B. B drops echo requests to .10-.29.
make_sweep_bed() {
	need_root; need_cmd ip; need_cmd nft
	local n=$(( $$ % 100000 ))
	NSA=nma${n}_$BATS_TEST_NUMBER NSB=nmb${n}_$BATS_TEST_NUMBER
	ip netns add "$NSA" 2>/dev/null || skip "cannot make network namespaces"
	ip netns add "$NSB"
	ip link add "ma$n" netns "$NSA" type veth peer name "mb$n" netns "$NSB" || skip "no veth"
	ip -n "$NSA" addr add 10.207.0.1/24 dev "ma$n"
	ip -n "$NSB" addr add 10.207.0.2/24 dev "mb$n"
	for i in $(seq 1 120); do echo "addr add 10.208.0.$i/24 dev mb$n"; done | ip -n "$NSB" -batch -
	ip -n "$NSA" link set lo up; ip -n "$NSB" link set lo up
	ip -n "$NSA" link set "ma$n" up; ip -n "$NSB" link set "mb$n" up
	ip -n "$NSA" route add 10.208.0.0/24 via 10.207.0.2
	ip netns exec "$NSB" nft -f - <<'NFT' || skip "nftables unusable"
table inet ntsweep {
	counter dropped { }
	chain input {
		type filter hook input priority 0;
		ip daddr 10.208.0.10-10.208.0.29 icmp type echo-request drop
	}
}
NFT
}

answering() { { seq -f '10.208.0.%g' 1 9; seq -f '10.208.0.%g' 30 120; } | sort; }
silent() { { seq -f '10.208.0.%g' 10 29; seq -f '10.208.0.%g' 121 254; } | sort; }

@test "sweep: -a prints exactly the answering set and -u the rest, as fping -a/-u" {
	make_sweep_bed
	run --separate-stderr in_a "$NETTOOL" ping -a -g 10.208.0.0/24 -W 0.3 --retries 1
	[ "$status" -eq 1 ]
	[ "$(sort <<<"$output")" = "$(answering)" ]
	run --separate-stderr in_a "$NETTOOL" ping -u -g 10.208.0.0/24 -W 0.3 --retries 1
	[ "$status" -eq 1 ]
	[ "$(sort <<<"$output")" = "$(silent)" ]
	need_cmd fping
	[ "$(in_a fping -a -g 10.208.0.0/24 -t 300 -r 1 2>/dev/null | sort)" = "$(answering)" ]
	[ "$(in_a fping -u -g 10.208.0.0/24 -t 300 -r 1 2>/dev/null | sort)" = "$(silent)" ]
}

@test "sweep: -g START END, fping's alive/unreachable lines, exit 0 only when all answered" {
	make_sweep_bed
	run --separate-stderr in_a "$NETTOOL" ping -g 10.208.0.8 10.208.0.11 -W 0.3 --retries 0
	[ "$status" -eq 1 ]
	grep -qx '10.208.0.8 is alive ([0-9.]* ms)' <<<"$output"
	grep -qx '10.208.0.9 is alive ([0-9.]* ms)' <<<"$output"
	grep -qx '10.208.0.10 is unreachable' <<<"$output"
	grep -qx '10.208.0.11 is unreachable' <<<"$output"
	[ "${#lines[@]}" -eq 4 ]
	run --separate-stderr in_a "$NETTOOL" ping 10.208.0.1 10.208.0.2 10.208.0.3
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "-c 5 with a numgen random drop on one target: its xmt/rcv match the rule's counter" {
	make_sweep_bed
	ip netns exec "$NSB" nft -f - <<'NFT'
table inet ntrand {
	counter dropped { }
	chain input {
		type filter hook input priority -10;
		ip daddr 10.208.0.2 icmp type echo-request numgen random mod 2 == 0 counter name dropped drop
	}
}
NFT
	run --separate-stderr in_a "$NETTOOL" ping -c 5 -i 0.05 -W 0.5 10.208.0.1 10.208.0.2 10.208.0.3
	dropped=$(ip netns exec "$NSB" nft list counter inet ntrand dropped | sed -nE 's/.*packets ([0-9]+).*/\1/p')
	echo "$output"; echo "dropped=$dropped"
	grep -qE '^10\.208\.0\.1 : xmt/rcv/%loss = 5/5/0%, min/avg/max = [0-9.]+/[0-9.]+/[0-9.]+$' <<<"$output"
	grep -qE '^10\.208\.0\.3 : xmt/rcv/%loss = 5/5/0%, min/avg/max = ' <<<"$output"
	line=$(grep '^10\.208\.0\.2 ' <<<"$output")
	want="10.208.0.2 : xmt/rcv/%loss = 5/$((5 - dropped))/$(( dropped * 100 / 5 ))%"
	[[ "$line" == "$want"* ]]
	if [ "$dropped" -gt 0 ]; then [ "$status" -eq $(( dropped == 5 )) ]; fi
}

@test "--json: one object per target; duplicates go to the right target" {
	make_sweep_bed
	ip netns exec "$NSB" sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	ip netns exec "$NSB" python3 "$BATS_TEST_DIRNAME/fixtures/icmp_responder.py" dup "$BATS_TEST_TMPDIR/ready" &
	RESP=$!
	for i in $(seq 1 100); do [ -e "$BATS_TEST_TMPDIR/ready" ] && break; sleep 0.05; done
	run --separate-stderr in_a "$NETTOOL" ping --json -c 3 -i 0.05 -W 0.5 10.208.0.5 10.208.0.6 10.208.0.11
	[ "$status" -eq 1 ]
	assert_json_lines
	[ "${#lines[@]}" -eq 3 ]
	for i in 0 1; do
		output=${lines[$i]}
		[ "$(json_field type)" = target ]
		[ "$(json_field alive)" = true ]
		[ "$(json_field transmitted)" = 3 ]
		[ "$(json_field received)" = 3 ]
		[ "$(json_field duplicates)" -ge 2 ]
	done
	output=${lines[2]}
	[ "$(json_field address)" = 10.208.0.11 ]
	[ "$(json_field alive)" = false ]
	[ "$(json_field received)" = 0 ]
	[ "$(json_field duplicates)" = 0 ]
}

@test "IPv4 and IPv6 targets mixed on loopback" {
	need_root
	[ -e /proc/net/if_inet6 ] || skip "no IPv6"
	run --separate-stderr nt ping -c 2 -i 0.05 127.0.0.1 ::1 127.0.0.2
	[ "$status" -eq 0 ]
	grep -qE '^127\.0\.0\.1 : xmt/rcv/%loss = 2/2/0%' <<<"$output"
	grep -qE '^::1       : xmt/rcv/%loss = 2/2/0%' <<<"$output"
	grep -qE '^127\.0\.0\.2 : xmt/rcv/%loss = 2/2/0%' <<<"$output"
}

@test "--file: targets from stdin and from a file; a bad line names its number" {
	need_root
	run --separate-stderr nt ping --file - -a <<<$'127.0.0.1\n# a comment\n\n  127.0.0.2   # trailing\n'
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = $'127.0.0.1\n127.0.0.2' ]
	printf '127.0.0.1\nno.such.host.invalid\n' > "$BATS_TEST_TMPDIR/list"
	run --separate-stderr nt ping --file "$BATS_TEST_TMPDIR/list"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == "nettool ping: $BATS_TEST_TMPDIR/list line 2: cannot resolve 'no.such.host.invalid'"* ]]
	run --separate-stderr nt ping --file - <<<$'127.0.0.1\n127.0.0.1 127.0.0.2\n'
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool ping: standard input line 2: one target per line" ]]
	run --separate-stderr nt ping --file "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 2 ]
}

@test "-g: more than 65536 addresses refused without --force, before anything is sent; bad ranges" {
	run --separate-stderr nt ping -g 10.0.0.0/15
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "nettool ping: -g: more than 65536 addresses; add --force to probe them all" ]
	run --separate-stderr nt ping -g 2001:db8::/100
	[ "$status" -eq 2 ]
	run --separate-stderr nt ping -g 10.0.0.9 10.0.0.1
	[ "$status" -eq 2 ]; [[ "$stderr" == *"range is empty"* ]]
	run --separate-stderr nt ping -g 10.0.0.1
	[ "$status" -eq 2 ]; [[ "$stderr" == *"needs END"* ]]
	run --separate-stderr nt ping -g 10.0.0.300/24
	[ "$status" -eq 2 ]
	run --separate-stderr nt ping -f 127.0.0.1 127.0.0.2
	[ "$status" -eq 2 ]
	run --separate-stderr nt ping -a 127.0.0.1
	[ "$status" -eq 2 ]
}
