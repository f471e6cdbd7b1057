#!/usr/bin/env bats
# nettool netstat: the socket table from /proc/net, checked against two
# fixture trees (hand-made: tests/fixtures/proc; from a real kernel:
# tests/fixtures/kernel), against sockets a holder process opens in a
# namespace of its own, and against ss at the same moment.
load helper
load lib/route_ns

FIX=$BATS_TEST_DIRNAME/fixtures/proc
KFIX=$BATS_TEST_DIRNAME/fixtures/kernel

setup() { HOLDER=; W=; NS=; PEER=; PEERL=; FIFO=; }
teardown() {
	[ -n "$FIFO" ] && [ -p "$FIFO" ] && echo end >"$FIFO"
	kill_pids "$W" "$HOLDER" "$PEERL"
	del_pair
}

# Starts tests/lib/sockholder.py (inside namespace $NS when set) and waits,
# bounded, for its report: HPID, LPORT (listener), CPORT (its client end),
# UPORT (UDP), L6PORT (IPv6 listener), UNIX_PATH.
start_holder() {
	local i held=$BATS_TEST_TMPDIR/held
	UNIX_PATH="$BATS_TEST_TMPDIR/holder sock"
	if [ -n "$NS" ]; then
		ip netns exec "$NS" python3 "$BATS_TEST_DIRNAME/lib/sockholder.py" "$held" "$BATS_TEST_TMPDIR" 3>&- &
	else
		python3 "$BATS_TEST_DIRNAME/lib/sockholder.py" "$held" "$BATS_TEST_TMPDIR" 3>&- &
	fi
	HOLDER=$!
	for i in $(seq 1 100); do [ -f "$held" ] && break; sleep 0.05; done
	grep -q '^ready$' "$held" || { echo "holder did not start"; return 1; }
	HPID=$(awk '$1=="pid"{print $2}' "$held")
	LPORT=$(awk '$1=="listen"{print $2}' "$held")
	CPORT=$(awk '$1=="client"{print $2}' "$held")
	UPORT=$(awk '$1=="udp"{print $2}' "$held")
	L6PORT=$(awk '$1=="listen6"{print $2}' "$held")
}

in_ns() { ip netns exec "$NS" "$NETTOOL" "$@"; }

# Starts tests/lib/sockset.py in $NS (first a link where its SYN_SENT
# goes unanswered: a veth pair whose far end drops what it gets, the
# neighbour set by hand so no failed ARP ends the connect)
# and reads its ports: S_L4, S_L6, S_LANY, S_SYN, S_PEERLOCAL. $1: the
# peer ADDR:PORT to connect to, or "-".
start_sockset() {
	local i held=$BATS_TEST_TMPDIR/sockset
	ip -n "$NS" link add d0 type veth peer name d1
	ip -n "$NS" addr add 10.88.0.1/24 dev d0
	ip -n "$NS" link set d0 up
	ip -n "$NS" link set d1 up
	ip -n "$NS" neigh add 10.88.0.2 lladdr 02:00:00:00:88:02 dev d0 nud permanent
	FIFO=$BATS_TEST_TMPDIR/sockset.cmd
	mkfifo "$FIFO"
	ip netns exec "$NS" python3 "$BATS_TEST_DIRNAME/lib/sockset.py" "$held" "$FIFO" "${1:--}" 3>&- &
	HOLDER=$!
	exec 5<>"$FIFO" # keeps the FIFO open so the holder's read waits
	for i in $(seq 1 100); do [ -f "$held" ] && break; sleep 0.05; done
	grep -q '^ready$' "$held" || { echo "sockset did not start"; return 1; }
	S_L4=$(awk '$1=="l4"{print $2}' "$held")
	S_L6=$(awk '$1=="l6"{print $2}' "$held")
	S_LANY=$(awk '$1=="lany"{print $2}' "$held")
	S_SYN=$(awk '$1=="syn"{print $2}' "$held")
	S_PEERLOCAL=$(awk '$1=="peerlocal"{print $2}' "$held")
}

# The pairs of filters compared: nettool's options | ss's expression.
filter_pairs() {
	local lo=$((S_L4 < S_L6 ? S_L4 : S_L6)) hi=$((S_L4 < S_L6 ? S_L6 : S_L4))
	cat <<-END
	--state established|state established
	--state listening|state listening
	--state time-wait|state time-wait
	--state syn-sent|state syn-sent
	--state connected|state connected
	--state synchronized|state synchronized
	--state established,time-wait|state established state time-wait
	--sport $S_L4|( sport = :$S_L4 )
	--dport $S_L6|( dport = :$S_L6 )
	--sport $lo-$hi|( sport >= :$lo and sport <= :$hi )
	--port $S_LANY|( sport = :$S_LANY or dport = :$S_LANY )
	--dport 5432|( dport = :5432 )
	--dport postgresql|( dport = :5432 )
	--dst 10.88.0.0/24|dst 10.88.0.0/24
	--src 127.0.0.0/8|src 127.0.0.0/8
	--src ::1 -6|-6 src [::1]
	--state established --dst 127.0.0.1 --dport $S_L4|state established dst 127.0.0.1 ( dport = :$S_L4 )
	END
}

# Waits (bounded, 5 s) until file $1 has a line matching ERE $2.
wait_line() {
	local i
	for i in $(seq 1 100); do grep -qE "$2" "$1" && return 0; sleep 0.05; done
	echo "no line matching '$2' in $1:"; cat "$1"; return 1
}

# ---- fixtures ---------------------------------------------------------------

@test "fixtures: every TCP state by name, IPv6, IPv4-mapped and scoped addresses" {
	NETTOOL_PROC=$FIX run --separate-stderr nt netstat -tan
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "${lines[0]}" == "Proto Recv-Q Send-Q Local Address"*"Foreign Address"*"State"* ]]
	for s in LISTEN ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK CLOSING; do
		grep -q " $s\$" <<<"$output" || { echo "no $s"; return 1; }
	done
	grep -qE '^tcp +7 +5 127\.0\.0\.1:5432 +127\.0\.0\.1:40001 +ESTABLISHED$' <<<"$output"
	grep -qF 'tcp6       0      0 [::ffff:127.0.0.1]:3306 [::ffff:127.0.0.1]:51000 ESTABLISHED' <<<"$output"
	grep -qF '[fe80::1]:22' <<<"$output"
	[ "$(grep -c '^tcp' <<<"$output")" -eq 15 ]
	NETTOOL_PROC=$KFIX run --separate-stderr nt netstat -tan
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	for s in LISTEN ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK CLOSING; do
		[[ "$output" == *" $s"* ]] || { echo "missing $s"; return 1; }
	done
	[[ "$output" == *"tcp6       0      0 [fe80::212:34ff:fe47:1]:50000 [fe80::2]:22 "* ]]
	[[ "$output" == *"[::ffff:127.0.0.1]:8080 [::ffff:127.0.0.1]:58144 ESTABLISHED"* ]]
	[[ "$output" == *"tcp      100      0 127.0.0.1:39945         127.0.0.1:55866         ESTABLISHED"* ]]
	[[ "$output" != *"300001"* ]]
}

@test "fixtures: default hides listening sockets, -l shows only them" {
	NETTOOL_PROC=$FIX run nt netstat -n
	[ "$status" -eq 0 ]
	! grep -q LISTEN <<<"$output"
	! grep -q UNCONN <<<"$output"
	grep -q '^udp .*10\.0\.0\.5:40500 .*ESTABLISHED$' <<<"$output"
	NETTOOL_PROC=$FIX run nt netstat -ln
	[ "$(sed 1d <<<"$output" | awk '{print $NF}' | sort -u | tr '\n' ' ')" = "LISTEN UNCONN " ]
	[ "$(sed 1d <<<"$output" | wc -l)" -eq 4 ]
	NETTOOL_PROC=$KFIX run nt netstat -t
	[ "$status" -eq 0 ]
	[[ "$output" != *LISTEN\ * ]]
	[[ "$output" == *"127.0.0.1:http "*"SYN_RECV"* ]]
	NETTOOL_PROC=$KFIX run nt netstat -tln
	[ "$(tail -n +2 <<<"$output" | awk '{print $6}' | sort -u)" = LISTEN ]
	[ "$(tail -n +2 <<<"$output" | wc -l)" -eq 4 ]
}

@test "fixtures: ports by service name unless -n" {
	NETTOOL_PROC=$FIX NETTOOL_SERVICES=/dev/null run nt netstat -tl
	grep -q '0\.0\.0\.0:ssh ' <<<"$output"
	grep -q '\[::\]:http ' <<<"$output"
	NETTOOL_PROC=$FIX run nt netstat -tln
	grep -q '0\.0\.0\.0:22 ' <<<"$output"
}

@test "fixtures: -p names the owning process, -e adds uid and inode" {
	NETTOOL_PROC=$KFIX run nt netstat -tunape
	[ "$status" -eq 0 ]
	[[ "$output" == *"127.0.0.1:39945         0.0.0.0:*               LISTEN      0        146684     4242/python3"* ]]
	[[ "$output" == *"127.0.0.1:55866         127.0.0.1:39945         ESTABLISHED 0        146685     4243/nc"* ]]
	[[ "$output" == *"146686     -"* ]]
	[[ "$output" == *"udp        0      0 0.0.0.0:5353            0.0.0.0:*               UNCONN      0        146690     4242/python3"* ]]
	NETTOOL_PROC=$FIX run nt netstat -tne
	[[ "${lines[0]}" == *"UID"*"Inode"* ]]
	grep -qE '127\.0\.0\.1:40001 +ESTABLISHED +1000 +5002' <<<"$output"
}

@test "fixtures: unix sockets (spaces in paths, abstract names) and raw sockets" {
	NETTOOL_PROC=$FIX run nt netstat -ax
	[ "$(grep -c '^unix' <<<"$output")" -eq 4 ]
	grep -qF '/tmp/a path with spaces' <<<"$output"
	grep -qF '@abstract name' <<<"$output"
	NETTOOL_PROC=$FIX run nt netstat -awn
	grep -qE '^raw +0 +0 0\.0\.0\.0:1 ' <<<"$output"
	NETTOOL_PROC=$KFIX run nt netstat -xap
	[ "$status" -eq 0 ]
	[[ "$output" == *"unix       0      0 /tmp/fix3/my sock       -                       LISTENING   4243/nc"* ]]
	[[ "$output" == *"@nettool-abstract"*UNCONN* ]]
	[[ "$output" == *"@/tmp/.X11-unix/X0"*LISTENING* ]]
	NETTOOL_PROC=$KFIX run nt netstat -wan
	[[ "$output" == *"raw6       0      0 [::]:58"*UNCONN* ]]
	[[ "$output" == *"raw        0      0 0.0.0.0:1 "*UNCONN* ]]
}

@test "fixtures: -4/-6, --state and --port" {
	NETTOOL_PROC=$FIX run nt netstat -tan -6
	[ "$(sed 1d <<<"$output" | grep -vc '^tcp6')" -eq 0 ]
	NETTOOL_PROC=$FIX run nt netstat -tan -4
	[ "$(sed 1d <<<"$output" | grep -c '^tcp ')" -eq 11 ]
	NETTOOL_PROC=$FIX run nt netstat --state time-wait -n
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *":40104 "*"TIME_WAIT" ]]
	NETTOOL_PROC=$FIX run nt netstat -an --port 443
	[ "$(sed 1d <<<"$output" | wc -l)" -eq 9 ]
	NETTOOL_PROC=$KFIX run nt netstat -tan4 --port 443
	[ "$(tail -n +2 <<<"$output" | wc -l)" -eq 7 ]
	[[ "$output" != *tcp6* ]]
	NETTOOL_PROC=$KFIX run nt netstat -tan --state time-wait
	[ "$(tail -n +2 <<<"$output" | awk '{print $6}')" = TIME_WAIT ]
}

@test "fixtures: --json fields (-j too)" {
	NETTOOL_PROC=$FIX run nt netstat -tn --json --port 5432
	assert_json_lines
	[ "${#lines[@]}" -eq 1 ]
	[ "$(json_field local_address)" = 127.0.0.1 ]
	[ "$(json_field local_port)" = 5432 ]
	[ "$(json_field remote_port)" = 40001 ]
	[ "$(json_field state)" = ESTABLISHED ]
	[ "$(json_field recv_q)" = 7 ]
	[ "$(json_field send_q)" = 5 ]
	[ "$(json_field uid)" = 1000 ]
	[ "$(json_field inode)" = 5002 ]
	NETTOOL_PROC=$FIX run nt netstat -lx -j
	assert_json_lines
	[ "$(json_field path)" = /run/dbus/system_bus_socket ]
	[ "$(json_field type)" = stream ]
	NETTOOL_PROC=$KFIX run --separate-stderr nt netstat -j -6 -t --state established
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "${#lines[@]}" -eq 3 ]
	[ "$(json_field proto)" = tcp6 ]
	[ "$(json_field family)" = 6 ]
	[ "$(json_field local_address)" = ::ffff:127.0.0.1 ]
	[ "$(json_field local_port)" = 8080 ]
	[ "$(json_field remote_port)" = 58144 ]
	[ "$(json_field state)" = ESTABLISHED ]
	[ "$(json_field inode)" = 146689 ]
}

@test "fixtures: -s counts sockets per protocol and state" {
	NETTOOL_PROC=$FIX run nt netstat -s
	[ "$status" -eq 0 ]
	grep -qE '^tcp6 +ESTABLISHED +3$' <<<"$output"
	grep -qE '^tcp +TIME_WAIT +1$' <<<"$output"
	grep -qE '^udp +UNCONN +1$' <<<"$output"
	NETTOOL_PROC=$FIX run nt netstat -s --json
	assert_json_lines
	[ "$(printf '%s\n' "$output" | jq -s 'map(select(.proto=="tcp" and .state!="total")) | map(.count) | add')" -eq 11 ]
	# totals per protocol and family, and both families summed
	[ "$(printf '%s\n' "$output" | jq -r 'select(.proto=="tcp" and .state=="total") | .count')" -eq 11 ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.proto=="tcp6" and .state=="total") | .count')" -eq 4 ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.proto=="tcp+tcp6" and .state=="total") | .count')" -eq 15 ]
	NETTOOL_PROC=$KFIX run --separate-stderr nt netstat -s
	[ "$status" -eq 0 ]
	[ "$(awk '$1=="tcp" && $2=="LISTEN"{print $3}' <<<"$output")" = 2 ]
	[ "$(awk '$1=="tcp6" && $2=="ESTABLISHED"{print $3}' <<<"$output")" = 3 ]
	[ "$(awk '$1=="udp" && $2=="UNCONN"{print $3}' <<<"$output")" = 1 ]
	NETTOOL_PROC=$KFIX run nt netstat -s --json -t
	assert_json_lines
	[[ "$output" == *'{"proto":"tcp","state":"TIME_WAIT","count":1}'* ]]
}

# ---- live sockets -----------------------------------------------------------

@test "live: the holder's sockets with state, ports and PID" {
	need_cmd python3
	make_netns live
	start_holder
	run --separate-stderr in_ns netstat -tuanp
	[ "$status" -eq 0 ]
	[[ "$output" == *"tcp        0      0 127.0.0.1:$LPORT "*"LISTEN      $HPID/python3"* ]]
	[[ "$output" == *"127.0.0.1:$CPORT "*"127.0.0.1:$LPORT "*"ESTABLISHED $HPID/python3"* ]]
	[[ "$output" == *"127.0.0.1:$LPORT "*"127.0.0.1:$CPORT "*"ESTABLISHED $HPID/python3"* ]]
	[[ "$output" == *"udp        0      0 127.0.0.1:$UPORT "*"0.0.0.0:*"*"UNCONN      $HPID/python3"* ]]
	[[ "$output" == *"tcp6       0      0 [::1]:$L6PORT "*"[::]:*"*"LISTEN      $HPID/python3"* ]]
	run in_ns netstat -anp --port "$LPORT"
	grep -qE "^tcp +0 +0 127\.0\.0\.1:$LPORT +0\.0\.0\.0:\* +LISTEN +$HPID/python3\$" <<<"$output"
	grep -qE "^tcp +0 +0 127\.0\.0\.1:$CPORT +127\.0\.0\.1:$LPORT +ESTABLISHED +$HPID/python3\$" <<<"$output"
	run in_ns netstat -lunp --port "$UPORT"
	grep -qE "^udp +0 +0 127\.0\.0\.1:$UPORT +0\.0\.0\.0:\* +UNCONN +$HPID/python3\$" <<<"$output"
	run in_ns netstat -ltnp -6 --port "$L6PORT"
	grep -qE "^tcp6 +0 +0 \[::1\]:$L6PORT +\[::\]:\* +LISTEN +$HPID/python3\$" <<<"$output"
	run in_ns netstat -xlp
	[[ "$output" == *"$UNIX_PATH"*"LISTENING   $HPID/python3"* ]]
	run in_ns netstat -anp --port "$LPORT" --json
	assert_json_lines
	[ "$(json_field pid)" = "$HPID" ]
	[ "$(json_field program)" = python3 ]
}

@test "live: the TCP/UDP set equals ss -tuanp at the same moment (addresses, ports, states, PIDs)" {
	need_cmd python3 ss
	make_netns same
	start_holder
	in_ns netstat -tuanp --json >"$BATS_TEST_TMPDIR/nt.json"
	ip netns exec "$NS" ss -tuanpH >"$BATS_TEST_TMPDIR/ss.txt"
	python3 "$BATS_TEST_DIRNAME/lib/ss_norm.py" nettool <"$BATS_TEST_TMPDIR/nt.json" >"$BATS_TEST_TMPDIR/a"
	python3 "$BATS_TEST_DIRNAME/lib/ss_norm.py" ss <"$BATS_TEST_TMPDIR/ss.txt" >"$BATS_TEST_TMPDIR/b"
	diff "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/a")" -eq 5 ]
	grep -q "^tcp 127.0.0.1 $LPORT 127.0.0.1 $CPORT ESTABLISHED $HPID\$" "$BATS_TEST_TMPDIR/a"
}

@test "--watch prints the listener's removal and the pair's teardown" {
	need_cmd python3
	start_holder
	out=$BATS_TEST_TMPDIR/watch
	"$NETTOOL" netstat -tan --port "$LPORT" --watch 0.05 >"$out" &
	W=$!
	wait_line "$out" "127\.0\.0\.1:$LPORT +0\.0\.0\.0:\* +LISTEN"
	kill_pids "$HOLDER"; HOLDER=
	wait_line "$out" "^[0-9:.]+ - tcp .*127\.0\.0\.1:$LPORT +0\.0\.0\.0:\* +LISTEN"
	# the closed pair moves through teardown states or goes away
	wait_line "$out" "^[0-9:.]+ [~-] tcp .*:$CPORT "
}

@test "--watch --json: a new connection, then its teardown state by state" {
	need_cmd python3
	make_netns watch
	fifo=$BATS_TEST_TMPDIR/cmd
	mkfifo "$fifo"
	# a listener that connects to itself when told, and closes when told
	ip netns exec "$NS" python3 -c '
import socket, sys
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
open(sys.argv[2] + ".tmp", "w").write(str(l.getsockname()[1]))
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
f = open(sys.argv[1])
f.readline(); c = socket.create_connection(l.getsockname()); a, _ = l.accept()
f.readline(); c.close(); a.close()
f.readline()' "$fifo" "$BATS_TEST_TMPDIR/port" &
	HOLDER=$!
	exec 4>"$fifo"
	for i in $(seq 1 100); do [ -f "$BATS_TEST_TMPDIR/port" ] && break; sleep 0.05; done
	port=$(cat "$BATS_TEST_TMPDIR/port")
	out=$BATS_TEST_TMPDIR/watch
	ip netns exec "$NS" "$NETTOOL" netstat -tan --port "$port" --watch 0.05 --json >"$out" &
	W=$!
	wait_line "$out" '"state":"LISTEN"'
	echo connect >&4
	wait_line "$out" '"event":"new".*"remote_port":'"$port"',.*"state":"ESTABLISHED"'
	echo close >&4
	wait_line "$out" '"event":"state".*"state":"TIME_WAIT","old_state":"ESTABLISHED"'
	echo end >&4
	exec 4>&-
	kill -TERM "$W"
	wait "$W"; rc=$?
	W=
	[ "$rc" -eq 0 ]
	output=$(cat "$out")
	assert_json_lines
	# the accepted end shows up too (new, or new as SYN_RECV then a state change)
	grep -qE '"event":"(new|state)".*"local_port":'"$port"',"remote_address":"127\.0\.0\.1"' <<<"$output"
	[[ "$output" == *'"event":"gone"'* || "$output" == *'"event":"state"'* ]]
}

# ---- filters, timers, internals, counters (against ss and nstat) -------------

@test "filters as ss writes them: the same sockets as ss -tan for 17 filters; nothing matched is exit 1" {
	need_cmd ss python3
	make_netns filters
	start_sockset
	n=0
	while IFS='|' read -r ours theirs; do
		# shellcheck disable=SC2086
		b=$(ip netns exec "$NS" ss -tanH $theirs | python3 "$BATS_TEST_DIRNAME/lib/ss_norm.py" ss)
		mode=; grep -q ' ? ' <<<"$b" && mode=nostate
		# shellcheck disable=SC2086
		a=$(in_ns netstat -tan --json $ours | python3 "$BATS_TEST_DIRNAME/lib/ss_norm.py" nettool $mode)
		echo "netstat $ours / ss $theirs:"; echo "$a"
		[ "$a" = "$b" ] || { echo "ss says:"; echo "$b"; return 1; }
		[ -n "$a" ] || { echo "no socket matched"; return 1; }
		n=$((n + 1))
	done < <(filter_pairs)
	[ "$n" -ge 17 ]
	run --separate-stderr in_ns netstat -tan --sport 1-10
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]   # the header alone
	[ -z "$stderr" ]
	[ -z "$(ip netns exec "$NS" ss -tanH '( sport >= :1 and sport <= :10 )')" ]
	run --separate-stderr in_ns netstat -tan --json --dst 192.0.2.0/24
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}

@test "-s: TCP counts per state and family equal ss -tan's, as /proc/net/tcp gives them too" {
	need_cmd ss jq
	make_netns scount
	start_sockset
	for fam in 4 6; do
		ours=$(in_ns netstat -s -t -$fam --json |
			jq -r 'select(.proto!=null and .state!="total" and .state!=null) | "\(.state) \(.count)"' | sort)
		theirs=$(ip netns exec "$NS" ss -tanH -$fam | awk '{ n[$1]++ } END { for (s in n) print s, n[s] }' |
			sed 's/^ESTAB /ESTABLISHED /; s/^TIME-WAIT /TIME_WAIT /; s/^SYN-SENT /SYN_SENT /; s/^UNCONN /CLOSE /' | sort)
		echo "IPv$fam ours:"; echo "$ours"; echo "ss:"; echo "$theirs"
		[ -n "$ours" ]
		[ "$ours" = "$theirs" ]
	done
	# the same counts read from /proc/net/tcp (another proc root path)
	a=$(in_ns netstat -s -t --json | jq -c 'select(.state!=null)')
	b=$(NETTOOL_PROC=/proc/. in_ns netstat -s -t --json | jq -c 'select(.state!=null)')
	[ "$a" = "$b" ]
}

@test "-o and --info: the timer, retransmits and TCP internals ss -tano / -tani show" {
	need_cmd ss python3
	make_pair
	ip netns exec "$PEER" python3 -c '
import socket, sys, os
l = socket.socket(); l.bind(("10.77.0.2", 0)); l.listen()
open(sys.argv[1] + ".tmp", "w").write(str(l.getsockname()[1])); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
c, _ = l.accept()
import time; time.sleep(60)' "$BATS_TEST_TMPDIR/pport" </dev/null 3>&- &
	PEERL=$!
	for i in $(seq 1 100); do [ -f "$BATS_TEST_TMPDIR/pport" ] && break; sleep 0.05; done
	pport=$(cat "$BATS_TEST_TMPDIR/pport")
	start_sockset "10.77.0.2:$pport"
	# established sockets: cwnd equal, rto within the 10 ms /proc/net/tcp counts in
	in_ns netstat -tn --info --json --state established >"$BATS_TEST_TMPDIR/info"
	ip netns exec "$NS" ss -tniH state established >"$BATS_TEST_TMPDIR/ssi"
	python3 "$BATS_TEST_DIRNAME/lib/ss_info.py" "$BATS_TEST_TMPDIR/info" "$BATS_TEST_TMPDIR/ssi"
	# the SYN_SENT to a link that never answers: timer on, retransmits as ss counts them
	for i in $(seq 1 100); do
		run in_ns netstat -tno --state syn-sent --json
		[ "$(json_field retransmits)" -ge 1 ] && break
		sleep 0.05
	done
	# ss before and after ours: retransmits only grow, so ours lies between
	n1=$(ip netns exec "$NS" ss -tanoH state syn-sent)
	run in_ns netstat -tno --state syn-sent --json
	n2=$(ip netns exec "$NS" ss -tanoH state syn-sent)
	echo "ss: $n1 / $n2"
	[ "$(json_field timer)" = on ]
	ours=$(json_field retransmits)
	[[ "$n1" == *"timer:(on,"* ]]
	n1=$(sed -E 's/.*timer:\(on,[^,]*,([0-9]+)\).*/\1/' <<<"$n1")
	n2=$(sed -E 's/.*timer:\(on,[^,]*,([0-9]+)\).*/\1/' <<<"$n2")
	[ "$n1" -le "$ours" ] && [ "$ours" -le "$n2" ]
	# unacknowledged data to a peer that went away: on, retransmits growing
	ip -n "$PEER" link set v1 down
	echo send >"$FIFO"
	r=
	for i in $(seq 1 200); do
		run in_ns netstat -tno --dport "$pport"
		r=$(sed -nE 's/.* on \(([0-9.]+)\/([0-9]+)\/[0-9]+\)$/\2/p' <<<"${lines[1]:-}")
		[ -n "$r" ] && [ "$r" -ge 2 ] && break
		sleep 0.05
	done
	echo "$output"
	[[ "${lines[0]}" == *" Timer" ]]
	[ "$r" -ge 2 ]
	theirs=$(ip netns exec "$NS" ss -tanoH "( dport = :$pport )")
	echo "ss: $theirs"
	[[ "$theirs" == *"timer:(on,"* ]]
	n=$(sed -E 's/.*timer:\(on,[^,]*,([0-9]+)\).*/\1/' <<<"$theirs")
	[ "$n" -ge "$r" ]
}

@test "-s: counters equal nstat -az; 100 connects to a closed port are 100 resets sent" {
	need_cmd nstat python3 jq
	make_netns counters
	before=$(in_ns netstat -s --json | jq -r 'select(.group=="Tcp" and .counter=="OutRsts") | .value')
	ip netns exec "$NS" python3 -c '
import socket
for _ in range(100):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", 1))
    except ConnectionRefusedError:
        pass
    s.close()'
	run --separate-stderr in_ns netstat -s
	[ "$status" -eq 0 ]
	after=$(sed -nE 's/^ +([0-9]+) resets sent$/\1/p' <<<"$output")
	echo "resets sent: $before -> $after"
	[ $((after - before)) -ge 100 ]
	grep -qE '^ +[0-9]+ failed connection attempts$' <<<"$output"
	# every counter as nstat -az reads it (the namespace is quiet)
	in_ns netstat -s --json >"$BATS_TEST_TMPDIR/ours"
	ip netns exec "$NS" nstat -azs >"$BATS_TEST_TMPDIR/nstat"
	python3 "$BATS_TEST_DIRNAME/lib/nstat_cmp.py" "$BATS_TEST_TMPDIR/ours" "$BATS_TEST_TMPDIR/nstat"
}

@test "-s: a listen queue overflow provoked on purpose is counted" {
	need_cmd python3 jq
	make_netns overflow
	count() { in_ns netstat -s --json | jq -r 'select(.group=="TcpExt" and .counter=="ListenOverflows") | .value'; }
	before=$(count)
	ip netns exec "$NS" python3 -c '
import socket, sys
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(0)   # never accepted
cs = []
for _ in range(8):
    c = socket.socket(); c.setblocking(False); c.connect_ex(l.getsockname()); cs.append(c)
import time; time.sleep(60)' </dev/null 3>&- &
	HOLDER=$!
	for i in $(seq 1 100); do
		after=$(count)
		[ "$after" -gt "$before" ] && break
		sleep 0.05
	done
	echo "listen overflows: $before -> $after"
	[ "$after" -gt "$before" ]
	run in_ns netstat -s
	grep -qE "^ +$after times the listen queue of a socket overflowed\$" <<<"$output"
}

@test "-i prints the interface table as net-tools netstat -i does" {
	need_cmd netstat
	make_netns ifaces
	ip -n "$NS" link add v0 type veth peer name v1
	ip -n "$NS" link set v0 up
	run --separate-stderr in_ns netstat -i
	[ "$status" -eq 0 ]
	want=$(ip netns exec "$NS" netstat -i)
	echo "$want"
	[ "$output" = "$want" ]
	grep -qE '^lo +65536 .* LRU$' <<<"$output"
	run in_ns netstat -ia
	want=$(ip netns exec "$NS" netstat -ia)
	[ "$output" = "$want" ]
	grep -qE '^v1 ' <<<"$output"   # down: shown with -a only
	run --separate-stderr in_ns netstat -i --json
	[ "$status" -eq 2 ]
}

# ---- bad input --------------------------------------------------------------

@test "bad input: exit 2 with one stderr line naming the value" {
	run --separate-stderr nt netstat --state BOGUS
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool netstat: unknown state 'BOGUS'"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	for p in 0 65536 -1 1a; do
		run --separate-stderr nt netstat --port "$p"
		[ "$status" -eq 2 ]
		[[ "$stderr" == "nettool netstat: port '$p' is "* ]]
		[ -z "$output" ]
	done
	run --separate-stderr nt netstat --port 0
	[ "$stderr" = "nettool netstat: port '0' is out of range (1-65535)" ]
	run --separate-stderr nt netstat --port 65536
	[ "$stderr" = "nettool netstat: port '65536' is out of range (1-65535)" ]
	run --separate-stderr nt netstat --port 1a
	[ "$stderr" = "nettool netstat: port '1a' is not a number (1-65535)" ]
	run --separate-stderr nt netstat --bogus
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool netstat: unknown option '--bogus' (see 'nettool netstat --help')" ]
	run --separate-stderr nt netstat -Z
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool netstat: unknown option '-Z' (see 'nettool netstat --help')" ]
	run --separate-stderr nt netstat --watch 0
	[ "$status" -eq 2 ]
	run --separate-stderr nt netstat --watch abc
	[ "$status" -eq 2 ]
	run --separate-stderr nt netstat extra
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	run --separate-stderr nt netstat --sport 70000
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool netstat: port '70000' is not a port, a range LO-HI (0-65535) or a service name" ]
	run --separate-stderr nt netstat --dport 9-8
	[ "$status" -eq 2 ]
	run --separate-stderr nt netstat --dst 10.0.0.0/33
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool netstat: address '10.0.0.0/33' is not ADDR or ADDR/LEN: "* ]]
	run --separate-stderr nt netstat --state established,bogus
	[ "$status" -eq 2 ]
	NETTOOL_PROC=/nonexistent run --separate-stderr nt netstat -t
	[ "$status" -eq 1 ]
	[[ "$stderr" == "nettool netstat: cannot read /nonexistent/net: "* ]]
}
