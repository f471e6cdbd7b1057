#!/usr/bin/env bats
# nettool netstat: the socket table from /proc/net, checked against
# fixtures, against sockets a holder process opens in a namespace of its
# own, and against ss at the same moment.
load helper

FIX="$BATS_TEST_DIRNAME/fixtures/kernel"

setup() {
	HOLDER=
	NS=
}

teardown() {
	kill_pids "$HOLDER"
	del_netns
}

# Starts tests/lib/sockholder.py inside namespace $NS and waits (bounded)
# for it to report; sets HOLDER and the port variables.
start_holder() {
	local i
	ip netns exec "$NS" python3 "$BATS_TEST_DIRNAME/lib/sockholder.py" \
		"$BATS_TEST_TMPDIR/held" "$BATS_TEST_TMPDIR" 3>&- &
	HOLDER=$!
	for i in $(seq 1 100); do
		[ -f "$BATS_TEST_TMPDIR/held" ] && break
		sleep 0.05
	done
	grep -q '^ready$' "$BATS_TEST_TMPDIR/held" || { echo "holder did not start"; return 1; }
	HPID=$(awk '$1=="pid"{print $2}' "$BATS_TEST_TMPDIR/held")
	LPORT=$(awk '$1=="listen"{print $2}' "$BATS_TEST_TMPDIR/held")
	CPORT=$(awk '$1=="client"{print $2}' "$BATS_TEST_TMPDIR/held")
	UPORT=$(awk '$1=="udp"{print $2}' "$BATS_TEST_TMPDIR/held")
	L6PORT=$(awk '$1=="listen6"{print $2}' "$BATS_TEST_TMPDIR/held")
}

in_ns() { ip netns exec "$NS" "$NETTOOL" "$@"; }

@test "fixtures: every TCP state by name, IPv6 in full, ports as numbers with -n" {
	NETTOOL_PROC=$FIX run --separate-stderr nt netstat -tan
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	for s in LISTEN ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE \
		 CLOSE_WAIT LAST_ACK CLOSING; do
		[[ "$output" == *" $s"* ]] || { echo "missing $s"; return 1; }
	done
	[[ "$output" == *"tcp6       0      0 [fe80::212:34ff:fe47:1]:50000 [fe80::2]:22 "* ]]
	[[ "$output" == *"[::ffff:127.0.0.1]:8080 [::ffff:127.0.0.1]:58144 ESTABLISHED"* ]]
	[[ "$output" == *"tcp      100      0 127.0.0.1:39945         127.0.0.1:55866         ESTABLISHED"* ]]
	[[ "$output" != *"300001"* ]]
}

@test "fixtures: default hides listeners, -l shows only them, service names without -n" {
	NETTOOL_PROC=$FIX run nt netstat -t
	[ "$status" -eq 0 ]
	[[ "$output" != *LISTEN\ * ]]
	[[ "$output" == *"127.0.0.1:http "*"SYN_RECV"* ]]
	NETTOOL_PROC=$FIX run nt netstat -tln
	[ "$(printf '%s\n' "$output" | tail -n +2 | awk '{print $6}' | sort -u)" = LISTEN ]
	[ "$(printf '%s\n' "$output" | tail -n +2 | wc -l)" -eq 4 ]
}

@test "fixtures: -p names the owning process, -e adds uid and inode" {
	NETTOOL_PROC=$FIX run nt netstat -tunape
	[ "$status" -eq 0 ]
	[[ "$output" == *"127.0.0.1:39945         0.0.0.0:*               LISTEN      0        146684     4242/python3"* ]]
	[[ "$output" == *"127.0.0.1:55866         127.0.0.1:39945         ESTABLISHED 0        146685     4243/nc"* ]]
	[[ "$output" == *"146686     -"* ]]
	[[ "$output" == *"udp        0      0 0.0.0.0:5353            0.0.0.0:*               UNCONN      0        146690     4242/python3"* ]]
}

@test "fixtures: unix sockets with spaces in paths and abstract names, raw sockets" {
	NETTOOL_PROC=$FIX run nt netstat -xap
	[ "$status" -eq 0 ]
	[[ "$output" == *"unix       0      0 /tmp/fix3/my sock       -                       LISTENING   4243/nc"* ]]
	[[ "$output" == *"@nettool-abstract"*UNCONN* ]]
	[[ "$output" == *"@/tmp/.X11-unix/X0"*LISTENING* ]]
	NETTOOL_PROC=$FIX run nt netstat -wan
	[[ "$output" == *"raw6       0      0 [::]:58"*UNCONN* ]]
	[[ "$output" == *"raw        0      0 0.0.0.0:1 "*UNCONN* ]]
}

@test "fixtures: --json fields, -4/-6, --state and --port filters" {
	NETTOOL_PROC=$FIX run --separate-stderr nt netstat --json -6 -t --state established
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
	[ "$(json_field proto)" = tcp6 ]
	[ "$(json_field family)" = 6 ]
	[ "$(json_field local_address)" = ::ffff:127.0.0.1 ]
	[ "$(json_field local_port)" = 8080 ]
	[ "$(json_field remote_port)" = 58144 ]
	[ "$(json_field state)" = ESTABLISHED ]
	[ "$(json_field inode)" = 146689 ]
	NETTOOL_PROC=$FIX run nt netstat -tan4 --port 443
	[ "$(printf '%s\n' "$output" | tail -n +2 | wc -l)" -eq 7 ]
	[[ "$output" != *tcp6* ]]
	NETTOOL_PROC=$FIX run nt netstat -tan --state time-wait
	[ "$(printf '%s\n' "$output" | tail -n +2 | awk '{print $6}')" = TIME_WAIT ]
}

@test "fixtures: -s counts sockets per protocol and state" {
	NETTOOL_PROC=$FIX run --separate-stderr nt netstat -s
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | awk '$1=="tcp" && $2=="LISTEN"{print $3}')" = 2 ]
	[ "$(printf '%s\n' "$output" | awk '$1=="tcp6" && $2=="ESTABLISHED"{print $3}')" = 3 ]
	[ "$(printf '%s\n' "$output" | awk '$1=="udp" && $2=="UNCONN"{print $3}')" = 1 ]
	NETTOOL_PROC=$FIX run nt netstat -s --json -t
	assert_json_lines
	[[ "$output" == *'{"proto":"tcp","state":"TIME_WAIT","count":1}'* ]]
}

@test "live: the holder's sockets with the right states, ports and PID" {
	make_netns live
	need_cmd python3
	start_holder
	run --separate-stderr in_ns netstat -tuanp
	[ "$status" -eq 0 ]
	[[ "$output" == *"tcp        0      0 127.0.0.1:$LPORT "*"LISTEN      $HPID/python3"* ]]
	[[ "$output" == *"127.0.0.1:$CPORT "*"127.0.0.1:$LPORT "*"ESTABLISHED $HPID/python3"* ]]
	[[ "$output" == *"127.0.0.1:$LPORT "*"127.0.0.1:$CPORT "*"ESTABLISHED $HPID/python3"* ]]
	[[ "$output" == *"udp        0      0 127.0.0.1:$UPORT "*"0.0.0.0:*"*"UNCONN      $HPID/python3"* ]]
	[[ "$output" == *"tcp6       0      0 [::1]:$L6PORT "*"[::]:*"*"LISTEN      $HPID/python3"* ]]
	run in_ns netstat -xlp
	[[ "$output" == *"$BATS_TEST_TMPDIR/holder sock"*"LISTENING   $HPID/python3"* ]]
}

@test "live: the TCP/UDP socket set equals ss -tuanp at the same moment" {
	make_netns same
	need_cmd python3 ss
	start_holder
	ip netns exec "$NS" "$NETTOOL" netstat -tuanp --json >"$BATS_TEST_TMPDIR/nt.json"
	ip netns exec "$NS" ss -tuanpH >"$BATS_TEST_TMPDIR/ss.txt"
	python3 "$BATS_TEST_DIRNAME/lib/ss_norm.py" nettool <"$BATS_TEST_TMPDIR/nt.json" >"$BATS_TEST_TMPDIR/a"
	python3 "$BATS_TEST_DIRNAME/lib/ss_norm.py" ss <"$BATS_TEST_TMPDIR/ss.txt" >"$BATS_TEST_TMPDIR/b"
	diff "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/a")" -eq 5 ]
}

@test "live: --watch prints a new connection and its teardown" {
	make_netns watch
	need_cmd python3
	ip netns exec "$NS" python3 -c '
import socket, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
open("'"$BATS_TEST_TMPDIR"'/port", "w").write(str(l.getsockname()[1]))
time.sleep(0.6)
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
time.sleep(0.6)
c.close(); a.close()
time.sleep(0.6)' &
	HOLDER=$!
	# timeout ends the watch with SIGTERM, which it takes as a clean stop.
	run timeout --preserve-status 4 ip netns exec "$NS" "$NETTOOL" netstat -tn --watch 0.1 --json
	wait "$HOLDER" || true # the script ends by itself after 1.8 s
	HOLDER=
	[ "$status" -eq 0 ]
	assert_json_lines
	port=$(cat "$BATS_TEST_TMPDIR/port")
	[[ "$output" == *'"event":"new"'*'"local_port":'$port',"remote_address"'*'"state":"ESTABLISHED"'* ]]
	[[ "$output" == *'"event":"gone"'* ]]
	[[ "$output" == *'"event":"state"'*'"state":"TIME_WAIT","old_state":"ESTABLISHED"'* ]]
}

@test "bad input: exit 2 with one stderr line naming the value" {
	run --separate-stderr nt netstat --state BOGUS
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool netstat: unknown state 'BOGUS'"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	for p in 0 65536 -1 1a; do
		run --separate-stderr nt netstat --port "$p"
		[ "$status" -eq 2 ]
		[[ "$stderr" == "nettool netstat: port '$p' is "* ]]
		[ -z "$output" ]
	done
	run --separate-stderr nt netstat --bogus
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool netstat: unknown option '--bogus' (see 'nettool netstat --help')" ]
	run --separate-stderr nt netstat --watch 0
	[ "$status" -eq 2 ]
	run --separate-stderr nt netstat extra
	[ "$status" -eq 2 ]
	NETTOOL_PROC=/nonexistent run --separate-stderr nt netstat -t
	[ "$status" -eq 1 ]
	[[ "$stderr" == "nettool netstat: cannot read /nonexistent/net: "* ]]
}
