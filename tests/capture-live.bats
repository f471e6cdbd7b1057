#!/usr/bin/env bats
# capture on interfaces of a namespace made for the test: an interface
# that goes down, every interface at once (-i any) with a tun and a veth,
# promiscuous mode. Root and ip(8) needed; each test skips without them.
load helper
load capture_helper

setup() {
	CAP_PID= PEER_PIDS=() CAP_PREFIX=
	TMP=$(mktemp -d)
}

teardown() {
	kill_pids "$CAP_PID" "${PEER_PIDS[@]}"
	del_netns
	rm -rf "$TMP"
}

# A veth pair va (10.9.1.1) / vb (10.9.1.2) inside namespace $NS.
make_veth_ns() {
	make_netns "$1"
	ip -n "$NS" link add va type veth peer name vb || skip "no veth support"
	ip -n "$NS" addr add 10.9.1.1/24 dev va
	ip -n "$NS" addr add 10.9.1.2/24 dev vb
	ip -n "$NS" link set va up
	ip -n "$NS" link set vb up
	CAP_PREFIX="ip netns exec $NS"
}

# CPU ticks (utime + stime) process $1 has used.
cpu_ticks() {
	awk '{print $14 + $15}' "/proc/$1/stat"
}

@test "capture: an interface set down ends the capture with exit 1 and a message, without spinning" {
	make_veth_ns down
	start_capture -i va
	before=$(cpu_ticks "$CAP_PID")
	sleep 1 # a window to measure CPU in, not synchronisation
	after=$(cpu_ticks "$CAP_PID")
	[ $((after - before)) -le 10 ]
	ip -n "$NS" link set va down
	wait_capture
	[ "$CAP_STATUS" -eq 1 ]
	grep -qx "nettool capture: interface 'va' went down" "$TMP/err"
}

@test "capture: privileges are dropped once the socket is open (CapEff 0)" {
	make_veth_ns caps
	start_capture -i va
	grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$CAP_PID/status"
	grep -q '^CapPrm:[[:space:]]*0000000000000000$' "/proc/$CAP_PID/status"
}
