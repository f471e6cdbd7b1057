#!/usr/bin/env bats
# nettool neigh: ARP and NDP entries over rtnetlink, every record compared
# with `ip -j neigh show` in the same namespace: permanent entries, one
# learned by a ping (REACHABLE), then FAILED once the peer is gone.
load helper
load lib/route_ns

setup() { NS=; PEER=; need_cmd ip python3 ping; make_pair; }
teardown() { del_pair; }

# Waits (bounded, 10 s) until ip shows neighbour $1 in state $2, sending a
# ping each round so the kernel keeps probing.
wait_neigh_state() {
	local i
	for i in $(seq 1 100); do
		ip -n "$NS" neigh show "$1" | grep -q " $2" && return 0
		ip netns exec "$NS" ping -c 1 -W 0.1 "$1" >/dev/null 2>&1 || true
	done
	echo "neighbour $1 never $2:"; ip -n "$NS" neigh show; return 1
}

@test "permanent ARP and NDP entries equal ip neigh show" {
	ip -n "$NS" neigh add 10.77.0.50 lladdr 02:00:00:00:00:50 dev v0 nud permanent
	ip -n "$NS" -6 neigh add 2001:db8:77::50 lladdr 02:00:00:00:00:51 dev v0 nud permanent
	ip -n "$NS" neigh add 10.77.0.51 lladdr 02:00:00:00:00:52 dev v0 nud stale router
	same_records neigh neigh show -- neigh
	run --separate-stderr in_ns neigh -4
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ADDRESS\ +DEV\ +LLADDR\ +STATE\ +FLAGS$ ]]
	grep -qE '^10\.77\.0\.50 +v0 +02:00:00:00:00:50 +PERMANENT +-$' <<<"$output"
	grep -qE '^10\.77\.0\.51 +v0 +02:00:00:00:00:52 +STALE +router$' <<<"$output"
	run in_ns neigh -6 --json
	assert_json_lines
	[ "$(json_field dst)" = 2001:db8:77::50 ]
	[ "$(json_field state)" = PERMANENT ]
	[ "$(json_field lladdr)" = 02:00:00:00:00:51 ]
	run in_ns neigh v0 -j
	[ "${#lines[@]}" -eq 3 ]
	run --separate-stderr in_ns neigh lo
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}

@test "a learned neighbour: REACHABLE after a ping, FAILED after the peer goes" {
	peer_mac=$(ip -n "$PEER" -j link show v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
	ip netns exec "$NS" ping -c 1 -W 2 10.77.0.2 >/dev/null
	ip -n "$NS" neigh show 10.77.0.2 | grep -q REACHABLE
	same_records neigh -4 neigh show -- neigh -4
	run in_ns neigh -4 -j
	grep -q "\"dst\":\"10.77.0.2\",\"family\":4,\"dev\":\"v0\",\"lladdr\":\"$peer_mac\",\"state\":\"REACHABLE\"" <<<"$output"
	# the peer goes; short timers so the entry fails within the wait
	ip -n "$PEER" link set v1 down
	for k in base_reachable_time_ms=200 delay_first_probe_time=1 retrans_time_ms=100 ucast_solicit=1 mcast_solicit=1; do
		ip netns exec "$NS" sysctl -qw "net.ipv4.neigh.v0.$k"
	done
	wait_neigh_state 10.77.0.2 FAILED
	same_records neigh -4 neigh show -- neigh -4
	run in_ns neigh -4 -j
	grep -q '"dst":"10.77.0.2","family":4,"dev":"v0","state":"FAILED"' <<<"$output"
}

@test "bad input: an unknown interface is exit 2, two operands too" {
	run --separate-stderr in_ns neigh nosuch0
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool neigh: no interface 'nosuch0' (see 'nettool ifaces')" ]
	run --separate-stderr in_ns neigh v0 lo
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool neigh: unexpected argument 'lo' (neigh takes at most one interface)" ]
	run --separate-stderr in_ns neigh --bogus
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool neigh: unknown option '--bogus' (see 'nettool neigh --help')" ]
}
