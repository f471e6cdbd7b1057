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
	CAP_PREFIX="nsenter --net=/run/netns/$NS"
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

# A tun interface tun0 (10.9.3.1, raw IP, no link header) in $NS, held
# open by a reader so it is up; its PID joins PEER_PIDS.
make_tun() {
	local py
	py=$(python3 -c 'import sys; print(sys.executable)')
	nsenter --net="/run/netns/$NS" "$py" -c '
import fcntl, os, struct, sys
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"tun0", 0x0001 | 0x1000))
print("ready", flush=True)
while os.read(fd, 65536):
    pass' >"$TMP/tun.out" 2>&1 &
	PEER_PIDS+=($!)
	for i in $(seq 1 100); do grep -q ready "$TMP/tun.out" && break; sleep 0.05; done
	grep -q ready "$TMP/tun.out" || skip "no tun support: $(cat "$TMP/tun.out")"
	ip -n "$NS" addr add 10.9.3.1/24 dev tun0
	ip -n "$NS" link set tun0 up
}

@test "capture -i any: a tun (raw IP) and a veth decoded and filtered right; -w is LINUX_SLL2 tcpdump reads" {
	need_cmd tcpdump ping
	make_veth_ns any
	make_tun
	start_capture -i any -c 2 icmp and host 10.9.3.2
	nsenter --net="/run/netns/$NS" ping -c 2 -i 0.2 -W 1 10.9.3.2 >/dev/null || true
	wait_capture
	[ "$CAP_STATUS" -eq 0 ]
	[ "$(grep -c '^[0-9:.]* tun0 Out IP 10.9.3.1 > 10.9.3.2: ICMP echo request, id [0-9]*, seq [12], length 64$' "$TMP/out")" -eq 2 ]
	start_capture -i any -c 4 -w "$TMP/any.pcap" 'icmp and (host 10.9.3.2 or host 10.9.1.2)'
	nsenter --net="/run/netns/$NS" ping -c 1 -W 1 10.9.3.2 >/dev/null || true
	nsenter --net="/run/netns/$NS" ping -c 1 -W 1 -I va 10.9.1.2 >/dev/null || true
	nsenter --net="/run/netns/$NS" ping -c 1 -W 1 10.9.3.2 >/dev/null || true
	nsenter --net="/run/netns/$NS" ping -c 1 -W 1 10.9.3.2 >/dev/null || true
	nsenter --net="/run/netns/$NS" ping -c 1 -W 1 10.9.3.2 >/dev/null || true
	wait_capture
	[ "$CAP_STATUS" -eq 0 ]
	tcpdump -nr "$TMP/any.pcap" 2>&1 >/dev/null | grep -q 'link-type LINUX_SLL2'
	[ "$(tcpdump -nr "$TMP/any.pcap" 2>/dev/null | wc -l)" -eq 4 ]
	[ "$(tcpdump -nr "$TMP/any.pcap" icmp 2>/dev/null | wc -l)" -eq 4 ]
	run "$NETTOOL" capture -r "$TMP/any.pcap" 'icmp[icmptype] = icmp-echo and dst host 10.9.3.2'
	[ "${#lines[@]}" -ge 1 ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -d' ' -f1)" = "$(tcpdump -nr "$TMP/any.pcap" \
		'icmp[icmptype] = icmp-echo and dst host 10.9.3.2' 2>/dev/null | cut -d' ' -f1)" ]
}

@test "capture: a named interface goes promiscuous; -p leaves it alone" {
	make_veth_ns promisc
	start_capture -i va
	ip -n "$NS" -d link show va | grep -q 'promiscuity 1'
	kill_pids "$CAP_PID"
	CAP_PID=
	ip -n "$NS" -d link show va | grep -q 'promiscuity 0'
	start_capture -i va -p
	ip -n "$NS" -d link show va | grep -q 'promiscuity 0'
}

# N UDP datagrams of 1400 bytes out of va (to a neighbour that is not
# there, so they leave by the veth rather than loopback).
flood() {
	ip -n "$NS" neigh replace 10.9.1.99 lladdr 02:00:00:00:00:99 dev va
	nsenter --net="/run/netns/$NS" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"x" * 1400, ("10.9.1.99", 9))' "$1"
}

@test "capture -C 1 -W 3: a ring of three files of about 1 MB that tcpdump reads" {
	need_cmd tcpdump
	make_veth_ns ring
	start_capture -i va -C 1 -W 3 -w "$TMP/ring.pcap" udp port 9
	flood 4000
	kill_pids "$CAP_PID"
	CAP_PID=
	ls "$TMP"
	[ "$(ls "$TMP" | grep -c '^ring.pcap[012]$')" -eq 3 ]
	[ ! -e "$TMP/ring.pcap3" ]
	for f in "$TMP"/ring.pcap[012]; do
		size=$(stat -c %s "$f")
		[ "$size" -le 1002000 ]
		tcpdump -nr "$f" >/dev/null 2>&1
	done
	[ "$(stat -c %s "$TMP/ring.pcap0")" -ge 900000 ] || [ "$(stat -c %s "$TMP/ring.pcap1")" -ge 900000 ]
}

# N numbered UDP datagrams of 1400 bytes out of va ("n=000042;" first).
flood_numbered() {
	ip -n "$NS" neigh replace 10.9.1.99 lladdr 02:00:00:00:00:99 dev va
	nsenter --net="/run/netns/$NS" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"n=%06d;" % i + b"x" * 1391, ("10.9.1.99", 9))' "$1"
}

# The numbers of the datagrams in pcap file $1, one a line, as tcpdump reads them.
numbers_in() {
	tcpdump -nAr "$1" 2>/dev/null | grep -o 'n=[0-9]\{6\};' | sed 's/n=0*\([0-9]\)/\1/; s/;$//'
}

@test "capture -C 1 -W: read back by tcpdump, the files hold every packet once, in order" {
	need_cmd tcpdump
	make_veth_ns once
	start_capture -i va -c 3000 -C 1 -W 9 -w "$TMP/all.pcap" udp port 9
	flood_numbered 3000
	wait_capture
	[ "$CAP_STATUS" -eq 0 ]
	grep -qx '0 packets dropped by kernel' "$TMP/err"
	[ "$(ls "$TMP" | grep -c '^all\.pcap[0-9]$')" -eq 5 ]
	for f in "$TMP"/all.pcap[0-4]; do
		[ "$(stat -c %s "$f")" -le $((1000000 + 16 + 1442)) ]
		numbers_in "$f"
	done >"$TMP/got"
	seq 0 2999 >"$TMP/want"
	diff "$TMP/want" "$TMP/got"
	# around a ring of three: the newest packets, each once, in order
	start_capture -i va -c 3000 -C 1 -W 3 -w "$TMP/ring.pcap" udp port 9
	flood_numbered 3000
	wait_capture
	[ "$CAP_STATUS" -eq 0 ] || { cat "$TMP/err"; ls -l "$TMP"; false; }
	for f in "$TMP"/ring.pcap[0-2]; do
		numbers_in "$f" >"$f.n"
		echo "$(head -1 "$f.n") $f.n"
	done | sort -n | cut -d' ' -f2 | xargs cat >"$TMP/got"
	first=$(head -1 "$TMP/got")
	[ "$first" -gt 0 ]
	seq "$first" 2999 >"$TMP/want"
	diff "$TMP/want" "$TMP/got"
}

@test "capture -G 1: one file per second named by strftime" {
	need_cmd tcpdump
	make_veth_ns rotg
	start_capture -i va -G 1 -w "$TMP/g-%Y%m%d-%H%M%S.pcap" udp port 9
	for i in $(seq 1 25); do flood 1; sleep 0.1; done # traffic across three seconds, not synchronisation
	kill_pids "$CAP_PID"
	CAP_PID=
	n=$(ls "$TMP" | grep -c '^g-[0-9]\{8\}-[0-9]\{6\}\.pcap$')
	[ "$n" -ge 2 ]
	total=0
	for f in "$TMP"/g-*.pcap; do
		total=$((total + $(tcpdump -nr "$f" 2>/dev/null | wc -l)))
	done
	[ "$total" -eq 25 ]
}
