#!/usr/bin/env bats
# nettool port: services lookups, ranges, the services file, --who.
load helper

FIX="$BATS_TEST_DIRNAME/fixtures"

setup() {
	HOLDER=
	NS=
	export NETTOOL_SERVICES="$FIX/services"
	export NETTOOL_PROC="$FIX/kernel"
}

teardown() {
	kill_pids "$HOLDER"
	del_netns
}

@test "by number: service, aliases, protocol, IANA range, ephemeral range" {
	run --separate-stderr nt port 80
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | sed -n 2p)" = "  80  tcp    http     www      well-known  no" ]
	run nt port --json 53
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 2 ]
	[ "$(json_field service)" = domain ]
	[ "$(json_field range)" = well-known ]
	[ "$(json_field ephemeral)" = false ]
	run nt port --json 40000
	[ "$status" -eq 1 ]
	[ "$(json_field range)" = registered ]
	[ "$(json_field ephemeral)" = true ]  # fixture range 32768-60999
	[ "$(json_field service)" = null ]
	run nt port --json 61000
	[ "$(json_field range)" = dynamic ]
	[ "$(json_field ephemeral)" = false ]
}

@test "by name, by alias, with a /tcp or /udp suffix" {
	run nt port --json krb5
	[ "$status" -eq 0 ]
	[ "$(json_field port)" = 88 ]
	[ "$(json_field service)" = kerberos ]
	[ "$(json_field aliases)" = '["kerberos5", "krb5", "kerberos-sec"]' ]
	run nt port --json WWW
	[ "$(json_field port)" = 80 ]
	run nt port --json domain/udp
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]
	[ "$(json_field protocol)" = udp ]
	run nt port 53/udp
	[[ "$output" == *"53  udp    domain"* ]]
	[[ "$output" != *tcp* ]]
	run --separate-stderr nt port ssh/udp
	[ "$status" -eq 1 ]
	[ "$stderr" = "nettool port: no service named 'ssh'/udp" ]
}

@test "the built-in table fills what the file lacks; the file wins where both name a port" {
	run nt port --json redis
	[ "$status" -eq 0 ]
	[ "$(json_field port)" = 6379 ]
	[ "$(json_field source)" = built-in ]
	run nt port --json 8080
	[ "$(json_field service)" = myapp ]
	[ "$(json_field source)" = "services file" ]
	run nt port --json tomcat
	[ "$(json_field port)" = 8080 ]
	run nt port --json rdp
	[ "$(json_field service)" = ms-wbt-server ]
}

@test "NETTOOL_SERVICES: a missing file is exit 2; without a system file the built-ins answer" {
	NETTOOL_SERVICES=/nonexistent/services run --separate-stderr nt port 22
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool port: cannot read services file '/nonexistent/services' (NETTOOL_SERVICES): "* ]]
	printf 'garbage\n\x01\x02 zz\n   \nssh 99999/tcp\n' >"$BATS_TEST_TMPDIR/bad"
	NETTOOL_SERVICES="$BATS_TEST_TMPDIR/bad" run --separate-stderr nt port --json ssh
	[ "$status" -eq 0 ]
	[ "$(json_field port)" = 22 ]
	[ "$(json_field source)" = built-in ]
	NETTOOL_SERVICES="$BATS_TEST_TMPDIR/bad" run nt port --json mongodb
	[ "$(json_field port)" = 27017 ]
}

@test "unknown name or unassigned port: exit 1" {
	run --separate-stderr nt port no-such-service
	[ "$status" -eq 1 ]
	[ "$stderr" = "nettool port: no service named 'no-such-service'" ]
	run nt port 3
	[ "$status" -eq 1 ]
	[[ "$output" == *"3  -      -        -        well-known  no"* ]]
}

@test "--list and --range" {
	run nt port --list --json
	[ "$status" -eq 0 ]
	assert_json_lines
	[[ "$output" == *'"service":"tcpmux"'* ]]
	[[ "$output" == *'"service":"redis"'* ]]
	[[ "$output" != *sctp-echo* ]]
	run nt port --list --range well-known
	[ "$status" -eq 0 ]
	[ -z "$(printf '%s\n' "$output" | tail -n +2 | awk '$1 > 1023')" ]
	run nt port --list --range dynamic
	[ "$status" -eq 1 ]
}

@test "--who: the socket the test holds, with PID and program" {
	make_netns who
	need_cmd python3
	ip netns exec "$NS" python3 "$BATS_TEST_DIRNAME/lib/sockholder.py" \
		"$BATS_TEST_TMPDIR/held" "$BATS_TEST_TMPDIR" &
	HOLDER=$!
	for i in $(seq 1 100); do
		[ -f "$BATS_TEST_TMPDIR/held" ] && break
		sleep 0.05
	done
	lport=$(awk '$1=="listen"{print $2}' "$BATS_TEST_TMPDIR/held")
	uport=$(awk '$1=="udp"{print $2}' "$BATS_TEST_TMPDIR/held")
	hpid=$(awk '$1=="pid"{print $2}' "$BATS_TEST_TMPDIR/held")
	unset NETTOOL_PROC
	run --separate-stderr ip netns exec "$NS" "$NETTOOL" port --who "$lport"
	[ "$status" -eq 0 ]
	[[ "$output" == *"tcp    127.0.0.1:$lport"*"0.0.0.0:*"*"LISTEN"*"$hpid/python3"* ]]
	[ "$(printf '%s\n' "$output" | grep -c ESTABLISHED)" -eq 1 ]
	run ip netns exec "$NS" "$NETTOOL" port --json -p "$uport/udp"
	[ "$status" -eq 0 ]
	[ "$(json_field protocol)" = udp ]
	[ "$(json_field pid)" = "$hpid" ]
	[ "$(json_field program)" = python3 ]
	run ip netns exec "$NS" "$NETTOOL" port --who "$uport/tcp"
	[ "$status" -eq 1 ]
}

@test "--who on fixtures: owners from /proc/PID/fd, - when unknown" {
	run nt port --who 8080 --json
	[ "$status" -eq 0 ]
	[[ "$output" == *'"local_address":"[::]:8080"'*'"state":"LISTEN","pid":4242,"program":"python3"'* ]]
	[[ "$output" == *'"pid":null'* ]]
}

@test "bad input: exit 2 with one stderr line naming the value" {
	for p in 0 65536 -1 70000; do
		run --separate-stderr nt port "$p"
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
		[[ "$stderr" == "nettool port: "*"'$p'"* ]]
	done
	run --separate-stderr nt port -- -1
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool port: port '-1' is out of range (1-65535)" ]
	run --separate-stderr nt port 1a
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool port: port '1a' is not a number" ]
	run --separate-stderr nt port 80/icmp
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool port: unknown protocol 'icmp' in '80/icmp'"* ]]
	run --separate-stderr nt port --list --range huge
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool port: unknown range 'huge' (well-known, registered or dynamic)" ]
	run --separate-stderr nt port --bogus
	[ "$status" -eq 2 ]
	run --separate-stderr nt port
	[ "$status" -eq 2 ]
}
