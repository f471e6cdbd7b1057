#!/usr/bin/env bats
# nettool route: the routing tables and route get over rtnetlink, every
# record compared with iproute2's JSON for the same namespace.
load helper
load lib/route_ns

setup() { NS=; PEER=; need_cmd ip python3; make_pair; add_routes; }
teardown() { del_pair; }

@test "the main table equals ip route show, IPv4 and IPv6" {
	same_records route route show -- route -4
	same_records route -6 route show -- route -6
	run --separate-stderr in_ns route -4 --json
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "$(json_field dst)" = default ]
	[ "$(json_field gateway)" = 10.77.0.254 ]
	[ "$(json_field dev)" = v0 ]
	[ "$(json_field table)" = main ]
	grep -q '"dst":"192.0.2.0/24","gateway":"10.77.0.3","dev":"v0","protocol":"static","scope":"global","metric":50' <<<"$output"
	grep -q '"type":"blackhole","family":4,"dst":"203.0.113.0/24"' <<<"$output"
}

@test "--table all, local and a policy rule's table equal ip route show table ..." {
	same_records route route show table all -- route --table all
	same_records route -6 route show table all -- route -6 --table all
	same_records route route show table local -- route -4 --table local
	same_records route route show table 100 -- route -4 --table 100
	run in_ns route --table 100 -j
	[ "$(json_field table)" = 100 ]
	[ "$(json_field gateway)" = 10.77.0.4 ]
}

@test "route get equals ip route get: gateway, connected, host route, policy table, local, IPv6" {
	for a in 192.0.2.5 8.8.8.8 10.77.0.2 198.51.100.7 172.16.1.1 10.77.0.1 2001:db8:aa::1 2001:db8:77::2; do
		same_records route route get "$a" -- route get "$a"
	done
	run --separate-stderr in_ns route get 172.16.1.1
	[ "$status" -eq 0 ]
	grep -qE '^TABLE +100$' <<<"$output"
	grep -qE '^GATEWAY +10\.77\.0\.4$' <<<"$output"
	grep -qE '^DEV +v0$' <<<"$output"
	grep -qE '^SOURCE +10\.77\.0\.1$' <<<"$output"
	run in_ns route get -j 8.8.8.8
	[ "$(json_field gateway)" = 10.77.0.254 ]
	[ "$(json_field prefsrc)" = 10.77.0.1 ]
	[ "$(json_field uid)" = 0 ]
}

@test "route get: no route is exit 1 with the kernel's reason" {
	run --separate-stderr in_ns route get 203.0.113.9
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "nettool route: no route to 203.0.113.9: Invalid argument" ] ||
		[[ "$stderr" == "nettool route: no route to 203.0.113.9: "* ]]
	ip -n "$NS" route del default
	run --separate-stderr in_ns route get 8.8.8.8
	[ "$status" -eq 1 ]
	# glibc says "Network is unreachable", musl (the static build) "Network unreachable"
	[[ "$stderr" == "nettool route: no route to 8.8.8.8: Network is unreachable" ||
	   "$stderr" == "nettool route: no route to 8.8.8.8: Network unreachable" ]]
}

@test "the table for people: header, default, -n numbers, the type before the destination" {
	run --separate-stderr in_ns route -4
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^DESTINATION\ +GATEWAY\ +DEV\ +SOURCE\ +PROTO\ +SCOPE\ +METRIC\ +FLAGS$ ]]
	grep -qE '^default +10\.77\.0\.254 +v0 +- +boot +global +- +-$' <<<"$output"
	grep -qE '^192\.0\.2\.0/24 +10\.77\.0\.3 +v0 +- +static +global +50 +-$' <<<"$output"
	grep -qE '^blackhole 203\.0\.113\.0/24 ' <<<"$output"
	run in_ns route -4 -n
	grep -qE '^0\.0\.0\.0/0 +10\.77\.0\.254 +v0 +- +3 +0 ' <<<"$output"
	run in_ns route -4 --table all
	[[ "${lines[0]}" == TABLE\ * ]]
	grep -qE '^local +local 10\.77\.0\.1 ' <<<"$output"
}

@test "netstat -rn prints the table as net-tools netstat -rn does" {
	need_cmd netstat
	run --separate-stderr ip netns exec "$NS" "$NETTOOL" netstat -rn
	[ "$status" -eq 0 ]
	want=$(ip netns exec "$NS" netstat -rn)
	echo "$want"
	[ "$output" = "$want" ]
	run ip netns exec "$NS" "$NETTOOL" netstat -r
	[ "${lines[2]%% *}" = default ]
	run ip netns exec "$NS" "$NETTOOL" netstat -r --json
	assert_json_lines
	[ "$(json_field dst)" = default ]
}

@test "bad input: exit 2 with one line" {
	run --separate-stderr in_ns route --table bogus
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool route: table 'bogus' is not main, local, all or a number (1-4294967295)" ]
	run --separate-stderr in_ns route get
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool route: route get needs an address" ]
	run --separate-stderr in_ns route get 1.2.3.4 5.6.7.8
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool route: unexpected argument '5.6.7.8' (route get takes one address)" ]
	run --separate-stderr in_ns route get -6 10.0.0.1
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool route: '10.0.0.1' is not an IPv6 address" ]
	run --separate-stderr in_ns route extra
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	run --separate-stderr in_ns route -Z
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool route: unknown option '-Z' (see 'nettool route --help')" ]
}
