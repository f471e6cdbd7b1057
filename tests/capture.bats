#!/usr/bin/env bats
# capture: live capture on loopback (root), pcap files, filters, output forms.
# Every capture filters by a port or address this test holds (a fixture
# bound it, port 0, and printed it), so other loopback traffic on the
# machine does not disturb it; -c and a bounded wait keep every capture
# from hanging.
load helper
load capture_helper

FIX="$BATS_TEST_DIRNAME/fixtures"

setup() {
	CAP_PID= PEER_PIDS=() GO=
	TMP=$(mktemp -d)
}

teardown() {
	[ -z "$GO" ] || exec {GO}>&-
	kill_pids "$CAP_PID" "${PEER_PIDS[@]}"
	rm -rf "$TMP"
}

# held OUT CMD...: runs CMD in the background, a fixture that binds port 0,
# prints the port, and sends nothing until a line comes on its stdin (go);
# its stdout goes to $TMP/OUT. Sets port to the port printed.
held() {
	local out=$TMP/$1
	shift
	rm -f "$TMP/go"
	mkfifo "$TMP/go"
	exec {GO}<>"$TMP/go"
	"$@" <"$TMP/go" >"$out" 3>&- {GO}>&- &
	PEER=$!
	PEER_PIDS+=("$PEER")
	port=$(printed_port "$out")
}

# go: the held peer's line; waits (bounded) until the peer ended, its exit
# status in PEER_STATUS.
go() {
	echo go >&"$GO"
	exec {GO}>&-
	GO=
	wait_gone "$PEER"
	PEER_STATUS=0
	wait "$PEER" || PEER_STATUS=$?
}

# hold PROTO [ADDR]: port_holder.py on port 0 of ADDR (127.0.0.1 unless
# given) for this test (tcp bound without listening: refused by a RST);
# sets port.
hold() {
	python3 "$FIX/port_holder.py" "$1" "${2:-127.0.0.1}" >"$TMP/hold" 3>&- &
	PEER_PIDS+=($!)
	port=$(printed_port "$TMP/hold")
}

@test "capture: usage errors name the bad value and exit 2" {
	run --separate-stderr nt capture -c 0
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool capture: count '0'"* ]]
	run --separate-stderr nt capture -r /nonexistent/x.pcap
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool capture: cannot read '/nonexistent/x.pcap'"* ]]
	run --separate-stderr nt capture -r /dev/null tcp prot 80
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"prot"* ]]
	run --separate-stderr nt capture -r /dev/null port 70000
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'70000'"* ]]
	run --separate-stderr nt capture -r /dev/null host 1.2.3
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'1.2.3'"* ]]
	run --separate-stderr nt capture -r /dev/null "(tcp"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"')'"* ]]
}

@test "capture: a file that is not pcap is an input error" {
	printf 'not a pcap file at all, no\n' >"$TMP/bad.pcap"
	run --separate-stderr nt capture -r "$TMP/bad.pcap"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"not a pcap file"* ]]
}

@test "capture -r: a packet cut by the snapshot length shows its length on the wire, as tcpdump does" {
	# raw IP, snapshot length 60: a UDP datagram of 300 bytes, a TCP
	# segment of 1000, each cut to 60 bytes
	python3 -c '
import struct, sys
def ip(proto, body_len, l4):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + body_len, 1, 0, 64, proto, 0,
                    bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return h + l4
udp = struct.pack("!HHHH", 1000, 2000, 8 + 300, 0) + b"u" * 300
tcp = struct.pack("!HHIIBBHHH", 1000, 2000, 5, 0, 5 << 4, 0x18, 512, 0, 0) + b"t" * 1000
f = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 60, 101)
for n, (proto, l4) in enumerate(((17, udp), (6, tcp))):
    pkt = ip(proto, len(l4), l4)
    f += struct.pack("<IIII", n, 0, 60, len(pkt)) + pkt[:60]
sys.stdout.buffer.write(f)' >"$TMP/cut.pcap"
	run --separate-stderr nt capture -n -r "$TMP/cut.pcap"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == *"IP 10.0.0.1.1000 > 10.0.0.2.2000: UDP, length 300" ]]
	[[ "${lines[1]}" == *"Flags [P.], seq 5:1005, ack 0, win 512, length 1000" ]]
	if command -v tcpdump >/dev/null; then
		tcpdump -nr "$TMP/cut.pcap" 2>/dev/null | grep -q 'UDP, length 300$'
		tcpdump -nr "$TMP/cut.pcap" 2>/dev/null | grep -q 'length 1000$'
	fi
}

@test "capture -r: a -W file still being rewritten shows its new packets and names the end mark" {
	# header, one 4-byte record, the end mark, then an old record's bytes
	python3 -c '
import struct, sys
f = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)
f += struct.pack("<IIII", 7, 0, 4, 4) + bytes([0x45, 0, 0, 4])
f += struct.pack("<IIII", 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)
f += struct.pack("<IIII", 8, 0, 20, 20) + bytes(8)
sys.stdout.buffer.write(f)' >"$TMP/mid.pcap"
	run --separate-stderr nt capture -r "$TMP/mid.pcap"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "00:00:07."* ]] || [[ "${lines[0]}" == *":00:07."* ]]
	[ "$stderr" = "nettool capture: '$TMP/mid.pcap': reached the end mark of a file still being rewritten (capture -W) after 1 packets" ]
}

@test "capture: an unknown interface exits 1 naming it" {
	need_root
	run --separate-stderr nt capture -i ntnosuch0 -c 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"'ntnosuch0'"* ]]
}

@test "capture: without CAP_NET_RAW, one line naming the fix" {
	need_root
	need_cmd setpriv
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$NETTOOL" capture -c 1
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"CAP_NET_RAW"* || "$stderr" == *"cap_net_raw"* ]]
}

@test "capture: a TCP exchange shows SYN, SYN-ACK, ACK, data and FIN in order" {
	held x python3 "$FIX/tcp_exchange.py" hello
	start_capture -i lo -c 8 tcp port "$port"
	go
	[ "$PEER_STATUS" -eq 0 ]
	[ "$(sed 1d "$TMP/x")" = hello ]
	wait_capture
	[ "$CAP_STATUS" -eq 0 ]
	cat "$TMP/out"
	[ "$(wc -l <"$TMP/out")" -eq 8 ]
	flags=$(sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' "$TMP/out" | tr '\n' ' ')
	# Linux closes with FIN, FIN+ACK, ACK (the second ACK rides on the FIN).
	[ "$flags" = "S S. . P. . F. F. . " ]
	# the client's port is the SYN's source and the SYN-ACK's destination
	cport=$(sed -n '1s/.* IP 127\.0\.0\.1\.\([0-9]*\) > 127\.0\.0\.1\.'"$port"': .*/\1/p' "$TMP/out")
	[ -n "$cport" ]
	sed -n 2p "$TMP/out" | grep -q "IP 127.0.0.1.$port > 127.0.0.1.$cport: Flags \[S.\]"
	sed -n 4p "$TMP/out" | grep -q "> 127.0.0.1.$port: Flags \[P.\], seq [0-9]*:[0-9]*, ack [0-9]*, win [0-9]*.*, length 6$"
	grep -q 'lo In ' "$TMP/out"
	grep -q 'options \[mss 65495' "$TMP/out"
	grep -q '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{6\} ' "$TMP/out"
	grep -q '^8 packets captured$' "$TMP/err"
	grep -q 'packets dropped by kernel$' "$TMP/err"
}

@test "capture --follow names the handshake and teardown steps" {
	held x python3 "$FIX/tcp_exchange.py"
	start_capture -i lo -c 8 --follow tcp port "$port"
	go
	[ "$PEER_STATUS" -eq 0 ]
	wait_capture
	steps=$(sed -n 's/.*  <\(.*\)>$/\1/p' "$TMP/out" | tr '\n' ',')
	[ "$steps" = "handshake 1/3 SYN,handshake 2/3 SYN-ACK,handshake 3/3 ACK,teardown 1/4 FIN,teardown 2+3/4 FIN-ACK,teardown 4/4 ACK," ]
}

@test "capture -w writes a pcap that tcpdump reads with the same count, and -r reads it back" {
	need_cmd tcpdump
	held x python3 "$FIX/tcp_exchange.py"
	start_capture -i lo -c 8 -w "$TMP/x.pcap" tcp port "$port"
	go
	[ "$PEER_STATUS" -eq 0 ]
	wait_capture
	[ "$CAP_STATUS" -eq 0 ]
	[ ! -s "$TMP/out" ]
	n=$(tcpdump -nr "$TMP/x.pcap" 2>/dev/null | wc -l)
	[ "$n" -eq 8 ]
	run nt capture -r "$TMP/x.pcap"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 8 ]
	# the same filter runs in user space over the file
	run nt capture -r "$TMP/x.pcap" "tcp[13]" 2>/dev/null
	[ "$status" -eq 2 ]
	run nt capture -r "$TMP/x.pcap" src port "$port"
	[ "${#lines[@]}" -eq 3 ]
	run nt capture -r "$TMP/x.pcap" udp or icmp
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run nt capture -r "$TMP/x.pcap" -c 2 not src port "$port"
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *"Flags [.]"* ]]
	# tcpdump agrees on what is in the file
	[ "$(tcpdump -nr "$TMP/x.pcap" 2>/dev/null | grep -c 'Flags \[S\]')" -eq 1 ]
}

@test "capture -w --nano writes nanosecond stamps tcpdump reads" {
	need_cmd tcpdump
	hold udp
	start_capture -i lo -c 1 --nano -w "$TMP/n.pcap" udp port "$port"
	udp_send 127.0.0.1 "$port" ping
	wait_capture
	[ "$(od -An -tx4 -N4 "$TMP/n.pcap" | tr -d ' ')" = a1b23c4d ]
	[ "$(tcpdump -nr "$TMP/n.pcap" 2>/dev/null | wc -l)" -eq 1 ]
}

@test "capture: UDP is kept by 'udp port N' while ICMP and TCP are left out" {
	need_cmd ping
	hold tcpudp
	addr=$(own_loopback)
	start_capture -i lo -c 1 udp and port "$port"
	ping -c 1 -W 2 "$addr" >/dev/null || true
	tcp_poke "$port"
	udp_send 127.0.0.1 "$port" hello
	wait_capture
	cat "$TMP/out"
	[ "$(wc -l <"$TMP/out")" -eq 1 ]
	grep -q "IP 127.0.0.1.[0-9]* > 127.0.0.1.$port: UDP, length 5$" "$TMP/out"
}

@test "capture: a ping is kept by 'icmp and host ADDR' and TCP to it is left out" {
	need_cmd ping
	addr=$(own_loopback)
	hold tcp "$addr"
	start_capture -i lo -c 2 icmp and host "$addr"
	tcp_poke "$port" "$addr"
	ping -c 1 -W 2 "$addr" >/dev/null
	wait_capture
	cat "$TMP/out"
	[ "$(wc -l <"$TMP/out")" -eq 2 ]
	grep -q "IP [0-9.]* > $addr: ICMP echo request, id [0-9]*, seq 1, length 64$" "$TMP/out"
	grep -q "IP $addr > [0-9.]*: ICMP echo reply, id [0-9]*, seq 1, length 64$" "$TMP/out"
	! grep -q Flags "$TMP/out"
}

@test "capture: 'not' and parentheses: UDP to ADDR kept, ICMP to it left out" {
	need_cmd ping
	addr=$(own_loopback)
	hold udp "$addr"
	start_capture -i lo -c 1 "dst host $addr and not (icmp or tcp)"
	ping -c 1 -W 2 "$addr" >/dev/null
	udp_send "$addr" "$port" x
	wait_capture
	[ "$(wc -l <"$TMP/out")" -eq 1 ]
	grep -q "> $addr.$port: UDP, length 1$" "$TMP/out"
}

@test "capture --json: one object per packet with the documented fields" {
	hold udp
	start_capture -i lo -c 2 --json udp port "$port"
	udp_send 127.0.0.1 "$port" abc
	udp_send 127.0.0.1 "$port" defg
	wait_capture
	output=$(cat "$TMP/out")
	assert_json_lines
	[ "$(json_field protocol)" = udp ]
	[ "$(json_field dport)" = "$port" ]
	[ "$(json_field src)" = 127.0.0.1 ]
	[ "$(json_field network)" = ipv4 ]
	[ "$(json_field interface)" = lo ]
	[ "$(json_field payload_length)" = 3 ]
	[ "$(json_field length)" = 45 ]
	[[ "$(json_field time)" =~ ^[0-9]+\.[0-9]+$ ]]
}

@test "capture -v names the layers; -x dumps the payload in hex and ASCII" {
	hold udp
	start_capture -i lo -c 1 -v -x udp port "$port"
	udp_send 127.0.0.1 "$port" hello-layers
	wait_capture
	cat "$TMP/out"
	grep -q '^  link layer (OSI 2 data link, 1 physical): Ethernet ' "$TMP/out"
	grep -q '^  internet layer (OSI 3 network): IPv4 127.0.0.1 > 127.0.0.1, ttl 64' "$TMP/out"
	grep -q "^  transport layer (OSI 4 transport): UDP [0-9]* > $port, length 20" "$TMP/out"
	grep -q '^  application layer (OSI 5 session, 6 presentation, 7 application): 12 bytes' "$TMP/out"
	grep -q $'^\t0x0000:  6865 6c6c 6f2d 6c61 7965 7273 .* hello-layers$' "$TMP/out"
}

@test "capture over IPv6: host and port filters" {
	python3 -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' 2>/dev/null \
		|| skip "no IPv6 loopback"
	hold udp ::1
	start_capture -i lo -c 1 ip6 and host ::1 and udp dst port "$port"
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.sendto(b"v6", ("::1", int(sys.argv[1])))' "$port"
	wait_capture
	grep -q "IP6 ::1.[0-9]* > ::1.$port: UDP, length 2$" "$TMP/out"
}

@test "capture --pid keeps only the packets of that process's sockets" {
	python3 "$FIX/tcp_listener.py" 0 >"$TMP/l1" 3>&- &
	PEER_PIDS+=($!)
	pid1=$!
	python3 "$FIX/tcp_listener.py" 0 >"$TMP/l2" 3>&- &
	PEER_PIDS+=($!)
	# each prints its port once it listens
	p1=$(printed_port "$TMP/l1")
	p2=$(printed_port "$TMP/l2")
	start_capture -i lo -c 1 --pid "$pid1" tcp and "(port $p1 or port $p2)"
	tcp_poke "$p2"
	tcp_poke "$p1"
	wait_capture
	cat "$TMP/out"
	[ "$(wc -l <"$TMP/out")" -eq 1 ]
	grep -q "> 127.0.0.1.$p1: Flags \[S\]" "$TMP/out"
}

@test "capture -x and -A of a 60 KB loopback segment show every byte, every line ending in a newline" {
	held big python3 "$FIX/tcp_exchange.py" --bytes 60000
	start_capture -i lo -c 1 -x "tcp dst port $port and greater 20000"
	go
	[ "$PEER_STATUS" -eq 0 ]
	[ "$(sed 1d "$TMP/big")" = 60000 ]
	wait_capture
	[ "$CAP_STATUS" -eq 0 ]
	len=$(sed -n '1s/.*, length \([0-9]*\)$/\1/p' "$TMP/out")
	[ "$len" -gt 20000 ]
	[ "$(grep -c $'^\t0x' "$TMP/out")" -eq $(((len + 15) / 16)) ]
	[ "$(tail -c 1 "$TMP/out" | od -An -c | tr -d ' ')" = '\n' ]
	[ "$(grep -o 'x' <(grep $'^\t0x' "$TMP/out" | cut -c 50-) | wc -l)" -eq "$len" ]
	held big python3 "$FIX/tcp_exchange.py" --bytes 60000
	start_capture -i lo -c 1 -A "tcp dst port $port and greater 20000"
	go
	[ "$PEER_STATUS" -eq 0 ]
	wait_capture
	len=$(sed -n '1s/.*, length \([0-9]*\)$/\1/p' "$TMP/out")
	[ "$(sed -n 2p "$TMP/out" | tr -d '\n' | wc -c)" -eq "$len" ]
	[ "$(wc -l <"$TMP/out")" -eq 2 ]
}

@test "capture -v shows the payload's first 64 bytes escaped; -A and -x escape control bytes too" {
	hold udp
	start_capture -i lo -c 1 -v udp port "$port"
	python3 -c 'import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"\x1b]0;owned\x07hi\n[10.9.9.9:1] forged" + b"y" * 80, ("127.0.0.1", int(sys.argv[1])))' "$port"
	wait_capture
	grep -qF '  payload: "\x1b]0;owned\x07hi\n[10.9.9.9:1] forgedyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy..."' "$TMP/out"
	! grep -q $'\x1b' "$TMP/out"
	! grep -q '^\[10.9.9.9:1\]' "$TMP/out"
}

@test "capture: pcap written with -w reads back with -r as the same packets" {
	need_cmd tcpdump
	held x python3 "$FIX/tcp_exchange.py"
	start_capture -i lo -c 8 -w "$TMP/rt.pcap" tcp port "$port"
	go
	[ "$PEER_STATUS" -eq 0 ]
	wait_capture
	[ "$("$NETTOOL" capture -r "$TMP/rt.pcap" -w - | cmp - "$TMP/rt.pcap" && echo same)" = same ]
	[ "$(tcpdump -nr "$TMP/rt.pcap" 2>/dev/null | cut -d' ' -f1)" = "$("$NETTOOL" capture -r "$TMP/rt.pcap" | cut -d' ' -f1)" ]
}

@test "capture: -s cuts the records -w writes to the length its header announces" {
	python3 -c 'import struct,sys
f = open(sys.argv[1], "wb")
f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
f.write(struct.pack("<IIII", 1, 2, 200, 300) + bytes(range(200)))' "$TMP/in.pcap"
	run --separate-stderr nt capture -r "$TMP/in.pcap" -s 50 -w "$TMP/out.pcap"
	[ "$status" -eq 0 ]
	run python3 -c 'import struct,sys
d = open(sys.argv[1], "rb").read()
snap = struct.unpack_from("<I", d, 16)[0]
sec, frac, cap, wire = struct.unpack_from("<IIII", d, 24)
print(snap, cap, wire, len(d) - 40, d[40:90] == bytes(range(50)))' "$TMP/out.pcap"
	[ "$output" = "50 50 300 50 True" ]
}

@test "capture: -r filters len, less and greater on the length on the wire, as tcpdump" {
	python3 -c 'import struct,sys
eth = bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + b"\x08\x00"
ip = bytes([0x45, 0]) + struct.pack(">HHHBBH", 1478, 1, 0, 64, 17, 0) + bytes([10, 0, 0, 1, 10, 0, 0, 2])
udp = struct.pack(">HHHH", 5000, 6000, 1458, 0)
pkt = (eth + ip + udp + bytes(64))[:64]
f = open(sys.argv[1], "wb")
f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 64, 1))
f.write(struct.pack("<IIII", 1, 0, len(pkt), 1492) + pkt)' "$TMP/cut.pcap"
	run --separate-stderr nt capture -n -r "$TMP/cut.pcap" 'greater 1000 and len = 1492'
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '10.0.0.1.5000 > 10.0.0.2.6000')" -eq 1 ]
	run --separate-stderr nt capture -n -r "$TMP/cut.pcap" 'less 100'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
