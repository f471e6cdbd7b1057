#!/usr/bin/env bats
# Habits from the tools nettool replaces (nc, ping, netstat/ss, tcpdump,
# ipcalc): each typed as a user would, accepted with the same meaning or
# refused with the nettool spelling (man nettool, "Habits from other
# tools"); and errors that name a bad protocol or subcommand word.
load helper
load netio
load capture_helper

setup() {
	TMP=$(mktemp -d)
	PIDS=() CAP_PID=
}

teardown() {
	kill_pids "${PIDS[@]}" "$CAP_PID"
	rm -rf "$TMP"
}

# refused CMD... : exit 2, nothing on stdout; $stderr holds the message.
refused() {
	run --separate-stderr nt "$@"
	[ "$status" -eq 2 ] || { echo "status $status: $stderr"; return 1; }
	[ -z "$output" ]
}

# Starts nettool listen ARGS... on port 0; PORT is the port it announced.
start_listen() {
	"$NETTOOL" listen "$@" 0 > "$TMP/recv" 2> "$TMP/listen.log" &
	PIDS+=("$!")
	PORT=$(announced_port "$TMP/listen.log")
}

@test "nc habits on send: -l, -u, -z refused with the nettool spelling" {
	refused send -l tcp 127.0.0.1 9
	[ "$stderr" = "nettool send: '-l' is nc's listen mode: use 'nettool listen tcp|udp PORT'" ]
	refused send -u 127.0.0.1 53
	[ "$stderr" = "nettool send: '-u' is nc's UDP: name the protocol, 'nettool send udp HOST PORT'" ]
	refused send -zv 127.0.0.1 22
	[ "$stderr" = "nettool send: '-z' is nc's port scan: use 'nettool scan -p PORTS HOST'" ]
}

@test "nc habits on send: -v and -N accepted, the data arrives" {
	start_listen -b 127.0.0.1 --once tcp
	run --separate-stderr nt send -v -N tcp 127.0.0.1 "$PORT" hello habit
	[ "$status" -eq 0 ]
	wait_file_has "$TMP/recv" "hello habit"
}

@test "nc habits on listen: -l, -v, -n (and -lvn) accepted; -u, -p, -z refused" {
	start_listen -l -v -n -b 127.0.0.1 --once tcp
	run nt send tcp 127.0.0.1 "$PORT" one
	[ "$status" -eq 0 ]
	wait_file_has "$TMP/recv" one
	start_listen -lvn -b 127.0.0.1 --once tcp
	run nt send tcp 127.0.0.1 "$PORT" two
	[ "$status" -eq 0 ]
	wait_file_has "$TMP/recv" two
	refused listen -l -u 5000
	[ "$stderr" = "nettool listen: '-u' is nc's UDP: name the protocol, 'nettool listen udp PORT'" ]
	refused listen -l -p 5000
	[ "$stderr" = "nettool listen: '-p' is nc's port option: the port is an operand, 'nettool listen tcp|udp PORT'" ]
	refused listen -lp 5000
	[ "$stderr" = "nettool listen: '-p' is nc's port option: the port is an operand, 'nettool listen tcp|udp PORT'" ]
	refused listen -z tcp 5000
	[ "$stderr" = "nettool listen: '-z' is nc's port scan: use 'nettool scan -p PORTS HOST'" ]
}

@test "nc -zv habits on scan: accepted" {
	start_listen -b 127.0.0.1 tcp
	run --separate-stderr nt scan -zv -p "$PORT" 127.0.0.1
	[ "$status" -eq 0 ]
	[[ "$output" == *"127.0.0.1"*"$PORT"*open* ]]
}

# Skips unless ICMP echo works here (a ping socket or a raw socket).
need_ping() {
	run nt ping -c 1 -W 2 127.0.0.1
	[ "$status" -eq 0 ] || skip "no ICMP echo here (no ping socket or raw socket)"
}

@test "ping habit: -n accepted, the output as without it" {
	need_ping
	run --separate-stderr nt ping -n -c 1 -W 2 127.0.0.1
	[ "$status" -eq 0 ]
	[[ "$output" == "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data."* ]]
	[[ "$output" == *"1 packets transmitted, 1 received"* ]]
}

@test "ping habit: -a is fping's alive filter; with one target refused (no audible ping)" {
	refused ping -a 127.0.0.1
	[ "$stderr" = "nettool ping: '-a' is not iputils' audible ping (nettool has none): it is fping's alive filter, for several targets ('nettool ping -a HOST HOST...', -g CIDR, --file FILE)" ]
	need_ping
	run --separate-stderr nt ping -a 127.0.0.1 127.0.0.2
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '127.0.0.1\n127.0.0.2')" ]
}

@test "netstat habits: -tulpn bundled; -r and -i answered" {
	start_listen -b 127.0.0.1 tcp
	run --separate-stderr nt netstat -tulpn
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"PID/Program"* ]]
	[[ "$output" == *"127.0.0.1:$PORT "*LISTEN* ]]
	run --separate-stderr nt netstat -r
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Kernel IP routing table" ]
	[[ "${lines[1]}" == Destination*Gateway*Genmask*Iface ]]
	run --separate-stderr nt netstat -i
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Kernel Interface table" ]
	[[ "${lines[1]}" == Iface*MTU* ]]
	[[ "$output" == *$'\nlo '* ]]
}

@test "tcpdump habits: capture -i any -nn -X -A -e" {
	need_root
	local port=$((40000 + RANDOM % 20000))
	start_capture -i any -nn -X -A -e -c 1 udp port "$port"
	udp_send 127.0.0.1 "$port" "hello habit"
	wait_capture
	[ "$CAP_STATUS" -eq 0 ]
	run cat "$TMP/out"
	[[ "${lines[0]}" == *"ethertype IPv4"*"127.0.0.1."*" > 127.0.0.1.$port: UDP, length 11" ]]
	[[ "$output" == *"0x0000:  6865 6c6c 6f20 6861 6269 74"*"hello habit"* ]]
	[ "$(grep -c '^hello habit$' "$TMP/out")" -eq 1 ]
}

@test "ipcalc habits: -n and -b refused with the nettool spelling, --split accepted" {
	refused ipclass -n 10.1.2.3/24
	[ "$stderr" = "nettool ipclass: '-n' is ipcalc's: 'nettool ipclass ADDR/PREFIX' prints the network (add --json for scripts)" ]
	refused ipclass -b 10.1.2.3/24
	[ "$stderr" = "nettool ipclass: '-b' is ipcalc's: 'nettool ipclass ADDR/PREFIX' prints the broadcast address (add --json for scripts)" ]
	run nt ipclass 10.1.2.3/24
	[[ "$output" == *10.1.2.0* ]]
	[[ "$output" == *10.1.2.255* ]]
	run nt ipclass --split 26 10.1.2.0/24
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '10.1.2.0/26\n10.1.2.64/26\n10.1.2.128/26\n10.1.2.192/26')" ]
}

@test "a bad protocol or subcommand word is named with the words known" {
	refused chat tcp 1
	[ "$stderr" = "nettool chat: 'tcp' is not a protocol chat speaks (only udp)" ]
	refused send sctp 127.0.0.1 9
	[[ "$stderr" == "nettool send: "*"'sctp'"*tcp*udp* ]]
	refused listen icmp 9
	[[ "$stderr" == "nettool listen: "*"'icmp'"*tcp*udp* ]]
	refused file put 127.0.0.1 9 x
	[[ "$stderr" == "nettool file: "*"'put'"*serve*get* ]]
	refused route gte 192.0.2.1
	[ "$stderr" = "nettool route: unexpected argument 'gte' (route takes options, or 'get ADDR')" ]
}
