#!/usr/bin/env bats
# nettool netstat: the socket table from /proc/net.
load helper

FIX=$BATS_TEST_DIRNAME/fixtures/proc

setup() { HOLDER=; W=; }
teardown() { kill_pids "$W" "$HOLDER"; del_netns; }

# Starts the socket holder (optionally inside namespace $NS) and reads the
# ports it opened: LPORT (listener), CPORT (client end), UPORT, P6.
hold_sockets() {
	local ports=$BATS_TEST_TMPDIR/ports i
	UNIX_PATH=$BATS_TEST_TMPDIR/u.sock
	if [ -n "${NS:-}" ]; then
		ip netns exec "$NS" python3 "$BATS_TEST_DIRNAME/fixtures/hold_sockets.py" "$ports" "$UNIX_PATH" &
	else
		python3 "$BATS_TEST_DIRNAME/fixtures/hold_sockets.py" "$ports" "$UNIX_PATH" &
	fi
	HOLDER=$!
	for i in $(seq 1 100); do [ -s "$ports" ] && break; sleep 0.05; done
	read -r LPORT CPORT UPORT P6 < "$ports"
	[ -n "$LPORT" ]
}

@test "fixtures: every TCP state by name, IPv6, IPv4-mapped and scoped addresses" {
	NETTOOL_PROC=$FIX run --separate-stderr nt netstat -tan
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Proto Recv-Q Send-Q Local Address"*"Foreign Address"*"State"* ]]
	for s in LISTEN ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK CLOSING; do
		grep -q " $s\$" <<<"$output" || { echo "no $s"; return 1; }
	done
	grep -qE '^tcp +7 +5 127\.0\.0\.1:5432 +127\.0\.0\.1:40001 +ESTABLISHED$' <<<"$output"
	grep -qF 'tcp6       0      0 [::ffff:127.0.0.1]:3306 [::ffff:127.0.0.1]:51000 ESTABLISHED' <<<"$output"
	grep -qF '[fe80::1]:22' <<<"$output"
	[ "$(grep -c '^tcp' <<<"$output")" -eq 15 ]
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
}

@test "fixtures: ports by service name unless -n" {
	NETTOOL_PROC=$FIX NETTOOL_SERVICES=/dev/null run nt netstat -tl
	grep -q '0\.0\.0\.0:ssh ' <<<"$output"
	grep -q '\[::\]:http ' <<<"$output"
	NETTOOL_PROC=$FIX run nt netstat -tln
	grep -q '0\.0\.0\.0:22 ' <<<"$output"
}

@test "fixtures: unix, raw, -4/-6, -e, --state, --port" {
	NETTOOL_PROC=$FIX run nt netstat -ax
	[ "$(grep -c '^unix' <<<"$output")" -eq 4 ]
	grep -qF '/tmp/a path with spaces' <<<"$output"
	grep -qF '@abstract name' <<<"$output"
	NETTOOL_PROC=$FIX run nt netstat -awn
	grep -qE '^raw +0 +0 0\.0\.0\.0:1 ' <<<"$output"
	NETTOOL_PROC=$FIX run nt netstat -tan -6
	[ "$(sed 1d <<<"$output" | grep -vc '^tcp6')" -eq 0 ]
	NETTOOL_PROC=$FIX run nt netstat -tan -4
	[ "$(sed 1d <<<"$output" | grep -c '^tcp ')" -eq 11 ]
	NETTOOL_PROC=$FIX run nt netstat -tne
	[[ "${lines[0]}" == *"UID"*"Inode"* ]]
	grep -qE '127\.0\.0\.1:40001 +ESTABLISHED +1000 +5002' <<<"$output"
	NETTOOL_PROC=$FIX run nt netstat --state time-wait -n
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *":40104 "*"TIME_WAIT" ]]
	NETTOOL_PROC=$FIX run nt netstat -an --port 443
	[ "$(sed 1d <<<"$output" | wc -l)" -eq 9 ]
}

@test "fixtures: -s counts per protocol and state" {
	NETTOOL_PROC=$FIX run nt netstat -s
	[ "$status" -eq 0 ]
	grep -qE '^tcp6 +ESTABLISHED +3$' <<<"$output"
	grep -qE '^tcp +TIME_WAIT +1$' <<<"$output"
	grep -qE '^udp +UNCONN +1$' <<<"$output"
	NETTOOL_PROC=$FIX run nt netstat -s --json
	assert_json_lines
	[ "$(printf '%s\n' "$output" | jq -s 'map(select(.proto=="tcp")) | map(.count) | add')" -eq 11 ]
}

@test "fixtures: --json fields" {
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
	NETTOOL_PROC=$FIX run nt netstat -lx --json
	assert_json_lines
	[ "$(json_field path)" = /run/dbus/system_bus_socket ]
	[ "$(json_field type)" = stream ]
}

@test "live: the test's own sockets with state, ports and PID" {
	hold_sockets
	run --separate-stderr nt netstat -anp --port "$LPORT"
	[ "$status" -eq 0 ]
	grep -qE "^tcp +0 +0 127\.0\.0\.1:$LPORT +0\.0\.0\.0:\* +LISTEN +$HOLDER/python3\$" <<<"$output"
	grep -qE "^tcp +0 +0 127\.0\.0\.1:$LPORT +127\.0\.0\.1:$CPORT +ESTABLISHED +$HOLDER/python3\$" <<<"$output"
	grep -qE "^tcp +0 +0 127\.0\.0\.1:$CPORT +127\.0\.0\.1:$LPORT +ESTABLISHED +$HOLDER/python3\$" <<<"$output"
	run nt netstat -lunp --port "$UPORT"
	grep -qE "^udp +0 +0 127\.0\.0\.1:$UPORT +0\.0\.0\.0:\* +UNCONN +$HOLDER/python3\$" <<<"$output"
	if [ "$P6" != 0 ]; then
		run nt netstat -ltnp -6 --port "$P6"
		grep -qE "^tcp6 +0 +0 \[::1\]:$P6 +\[::\]:\* +LISTEN +$HOLDER/python3\$" <<<"$output"
	fi
	run nt netstat -lxp
	grep -qE "^unix .*$UNIX_PATH +- +LISTENING +$HOLDER/python3\$" <<<"$output"
	run nt netstat -anp --port "$LPORT" --json
	assert_json_lines
	[ "$(json_field pid)" = "$HOLDER" ]
	[ "$(json_field program)" = python3 ]
}

@test "live: the TCP/UDP set equals what ss -tuanp reports (own namespace)" {
	need_cmd ss python3
	make_netns ss
	hold_sockets
	a=$(ip netns exec "$NS" "$NETTOOL" netstat -tuanp --json | jq -r '[.proto, .local_address, .local_port, .remote_address, .remote_port, .pid] | @tsv' | sed 's/^\(tcp\|udp\)6/\1/' | sort)
	b=$(ip netns exec "$NS" ss -tuanpH | awk '{
		split($5, l, ":"); split($6, r, ":");
		lp = l[length(l)]; rp = r[length(r)]; la = substr($5, 1, length($5) - length(lp) - 1); ra = substr($6, 1, length($6) - length(rp) - 1);
		gsub(/[][]/, "", la); gsub(/[][]/, "", ra); gsub(/%.*/, "", la);
		if (rp == "*") rp = 0; if (ra == "*") ra = (la ~ /:/) ? "::" : "0.0.0.0";
		pid = "-"; if (match($7, /pid=[0-9]+/)) pid = substr($7, RSTART + 4, RLENGTH - 4);
		print $1 "\t" la "\t" lp "\t" ra "\t" rp "\t" pid }' | sort)
	[ -n "$a" ]
	echo "nettool:"; echo "$a"; echo "ss:"; echo "$b"
	[ "$a" = "$b" ]
	[ "$(wc -l <<<"$a")" -ge 4 ]
}

@test "--watch prints the handshake and teardown as changes" {
	hold_sockets
	out=$BATS_TEST_TMPDIR/watch
	"$NETTOOL" netstat -tan --port "$LPORT" --watch 0.05 > "$out" &
	W=$!
	for i in $(seq 1 100); do [ -s "$out" ] && break; sleep 0.05; done
	kill_pids "$HOLDER"; HOLDER=
	for i in $(seq 1 100); do grep -q '^[0-9:.]* - ' "$out" && break; sleep 0.05; done
	kill_pids "$W"
	cat "$out"
	grep -qE "^[0-9:.]+ - tcp .*127\.0\.0\.1:$LPORT +0\.0\.0\.0:\* +LISTEN" "$out"
	# the closed pair moves through teardown states or goes away
	grep -qE "^[0-9:.]+ [~-] tcp .*:$CPORT " "$out"
}

@test "bad input: unknown state, bad port, operand, unknown option" {
	run --separate-stderr nt netstat --state BOGUS
	[ "$status" -eq 2 ]; [[ "$stderr" == "nettool netstat: unknown state 'BOGUS'"* ]]
	run --separate-stderr nt netstat --port 0
	[ "$status" -eq 2 ]; [ "$stderr" = "nettool netstat: port '0' is out of range (1-65535)" ]
	run --separate-stderr nt netstat --port 65536
	[ "$status" -eq 2 ]; [ "$stderr" = "nettool netstat: port '65536' is out of range (1-65535)" ]
	run --separate-stderr nt netstat --port 1a
	[ "$status" -eq 2 ]; [ "$stderr" = "nettool netstat: port '1a' is not a number (1-65535)" ]
	run --separate-stderr nt netstat extra
	[ "$status" -eq 2 ]; [ "${#stderr_lines[@]}" -eq 1 ]
	run --separate-stderr nt netstat -Z
	[ "$status" -eq 2 ]; [ "$stderr" = "nettool netstat: unknown option '-Z' (see 'nettool netstat --help')" ]
	run --separate-stderr nt netstat --watch abc
	[ "$status" -eq 2 ]
}
