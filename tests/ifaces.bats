#!/usr/bin/env bats
# ifaces: loopback, and a veth pair in a namespace this test makes.
load helper

teardown() {
	del_netns
}

@test "ifaces lo: flags, loopback addresses with their categories, counters" {
	run nt ifaces lo
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^lo:\ flags=[0-9]+\<UP,LOOPBACK,RUNNING ]]
	[[ "${lines[0]}" == *"mtu "[0-9]* ]]
	[[ "$output" == *"inet 127.0.0.1/8  loopback"* ]]
	[[ "$output" == *"RX packets "[0-9]*"  bytes "[0-9]*"  errors "[0-9]*"  dropped "[0-9]* ]]
	[[ "$output" == *"TX packets "* ]]
	if [ -e /proc/net/if_inet6 ] && grep -q ' lo$' /proc/net/if_inet6; then
		[[ "$output" == *"inet6 ::1/128  scope host  loopback"* ]]
	fi
}

@test "ifaces --json lo: parsed JSON with its fields" {
	run nt ifaces --json lo
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "${#lines[@]}" -eq 1 ]
	[ "$(json_field name)" = lo ]
	[ "$(json_field ipv4)" = '["127.0.0.1/8"]' ]
	[ "$(json_field ipv4_category)" = '["loopback"]' ]
	json_field flags | grep -q '"LOOPBACK"'
	[[ "$(json_field rx_packets)" =~ ^[0-9]+$ ]]
	[[ "$(json_field mtu)" =~ ^[0-9]+$ ]]
}

@test "ifaces -j is --json, fields in the documented order" {
	run nt ifaces -j lo
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "$(json_field name)" = lo ]
	[ "$(printf '%s\n' "$output" | jq -r 'keys_unsorted | join(",")')" = \
	  "name,index,flags,mtu,mac,ipv4,ipv4_category,ipv4_label,ipv6,ipv6_scope,ipv6_category,rx_bytes,rx_packets,rx_errors,rx_dropped,tx_bytes,tx_packets,tx_errors,tx_dropped" ]
}

@test "ifaces without a name lists lo among all" {
	run nt ifaces --json
	[ "$status" -eq 0 ]
	assert_json_lines
	printf '%s\n' "$output" | grep -q '"name":"lo"'
}

@test "ifaces: a veth pair with a secondary IPv4 address shows both addresses" {
	make_netns ifaces
	ip -n "$NS" link add ntva type veth peer name ntvb || skip "no veth support"
	ip -n "$NS" link set ntva address 02:00:00:00:07:01
	ip -n "$NS" addr add 10.77.0.1/24 dev ntva
	ip -n "$NS" addr add 10.77.0.9/24 dev ntva
	ip -n "$NS" addr add 192.0.2.5/24 dev ntva label ntva:doc
	ip -n "$NS" addr add 2001:db8::7/64 dev ntva nodad
	ip -n "$NS" link set ntva mtu 1400 up
	ip -n "$NS" link set ntvb up
	run ip netns exec "$NS" "$NETTOOL" ifaces ntva
	[ "$status" -eq 0 ]
	echo "$output"
	[[ "${lines[0]}" == "ntva: flags="*"<UP,BROADCAST"*"MULTICAST"*">  mtu 1400  index "* ]]
	[[ "$output" == *"inet 10.77.0.1/24  private"* ]]
	[[ "$output" == *"inet 10.77.0.9/24  private"* ]]
	[[ "$output" == *"inet 192.0.2.5/24  documentation  label ntva:doc"* ]]
	[[ "$output" == *"inet6 2001:db8::7/64  scope global  documentation"* ]]
	[[ "$output" == *"ether 02:00:00:00:07:01"* ]]
	run ip netns exec "$NS" "$NETTOOL" ifaces --json ntva
	assert_json_lines
	# the kernel's order: compare as sets, addresses paired with categories
	pairs=$(printf '%s\n' "$output" | python3 -c 'import json,sys; o=json.loads(sys.stdin.read()); print(" ".join(sorted(a+"="+c for a,c in zip(o["ipv4"], o["ipv4_category"]))))')
	[ "$pairs" = "10.77.0.1/24=private 10.77.0.9/24=private 192.0.2.5/24=documentation" ]
	[ "$(json_field mac)" = 02:00:00:00:07:01 ]
	[ "$(json_field mtu)" = 1400 ]
	run ip netns exec "$NS" "$NETTOOL" ifaces --json
	[ "${#lines[@]}" -eq 3 ]
}

@test "ifaces: an unknown name exits 1 naming it; two names exit 2" {
	run --separate-stderr nt ifaces ntnosuch0
	[ "$status" -eq 1 ]
	[ "$stderr" = "nettool ifaces: no interface 'ntnosuch0'" ]
	run --separate-stderr nt ifaces lo lo2
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'lo2'"* ]]
}
