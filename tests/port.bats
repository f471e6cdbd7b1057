#!/usr/bin/env bats
# nettool port: services lookups by number and name, ranges, the services
# file and the built-in table, --list, --who, bad input.
load helper

FIX="$BATS_TEST_DIRNAME/fixtures"

setup() { HOLDER=; NS=; }
teardown() {
	kill_pids "$HOLDER"
	del_netns
}

# The fixtures: tests/fixtures/services and a /proc whose ephemeral range
# is 32768-60999.
use_fixtures() {
	export NETTOOL_SERVICES="$FIX/services"
	export NETTOOL_PROC="$FIX/kernel"
}

# A services file of the test's own, with the system's /proc.
svc_file() {
	cat > "$BATS_TEST_TMPDIR/services" <<'S'
# a services file for tests
http		80/tcp		www www-http	# WorldWideWeb
http		80/udp
myapp		7777/tcp	myalias
broken line here
also-bad	70000/tcp
S
	export NETTOOL_SERVICES=$BATS_TEST_TMPDIR/services
}

@test "by number: service, aliases, protocol, IANA range, ephemeral range" {
	use_fixtures
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
	run nt port -j 40000
	[ "$status" -eq 1 ]
	[ "$(json_field range)" = registered ]
	[ "$(json_field ephemeral)" = true ]  # fixture range 32768-60999
	[ "$(json_field service)" = null ]
	run nt port --json 61000
	[ "$(json_field range)" = dynamic ]
	[ "$(json_field ephemeral)" = false ]

	svc_file
	unset NETTOOL_PROC
	run --separate-stderr nt port 80
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "PORT  PROTO  SERVICE  ALIASES"* ]]
	grep -qE '^ *80 +tcp +http +www,www-http +well-known +no$' <<<"$output"
	grep -qE '^ *80 +udp +http +- +well-known +no$' <<<"$output"
	run nt port --json 7777
	[ "$(json_field service)" = myapp ]
	[ "$(json_field range)" = registered ]
	[ "$(json_field aliases)" = '["myalias"]' ]
	[ "$(json_field ephemeral)" = false ]
	run nt port --json 50000
	[ "$(json_field range)" = dynamic ]
}

@test "by name, by alias, with a /tcp or /udp suffix" {
	use_fixtures
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

	svc_file
	run nt port www
	[ "$status" -eq 0 ]
	[ "$(sed 1d <<<"$output" | wc -l)" -eq 1 ]
	grep -qE '^ *80 +tcp +http' <<<"$output"
	run nt port http/udp
	[ "$(sed 1d <<<"$output" | awk '{print $2}')" = udp ]
	run nt port myalias
	grep -qE '^ *7777 +tcp +myapp' <<<"$output"
	run nt port 80/udp
	[ "$(sed 1d <<<"$output" | wc -l)" -eq 1 ]
}

@test "the built-in table fills what the file lacks; the file wins where both name a port" {
	use_fixtures
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

	svc_file
	run nt port redis mysql tomcat
	[ "$status" -eq 0 ]
	grep -qE '^ *6379 +tcp +redis' <<<"$output"
	grep -qE '^ *3306 +tcp +mysql' <<<"$output"
	grep -qE '^ *8080 +tcp +http-alt +tomcat' <<<"$output"
	run nt port --json mongodb
	[ "$(json_field source)" = built-in ]
	[ "$(json_field port)" = 27017 ]

	printf 'notredis 6379/tcp\n' > "$BATS_TEST_TMPDIR/s2"
	NETTOOL_SERVICES=$BATS_TEST_TMPDIR/s2 run nt port 6379
	grep -qE '^ *6379 +tcp +notredis' <<<"$output"
	# the built-in name survives only as an alias of the file's entry
	NETTOOL_SERVICES=$BATS_TEST_TMPDIR/s2 run nt port --json 6379
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]
	[ "$(json_field service)" = notredis ]
	[ "$(json_field source)" = "services file" ]
	[ "$(json_field aliases)" = '["redis"]' ]
}

@test "NETTOOL_SERVICES: a missing file is exit 2; a malformed one: bad lines skipped, the good and the built-ins answer" {
	NETTOOL_SERVICES=$BATS_TEST_TMPDIR/nope run --separate-stderr nt port 80
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool port: cannot read services file '$BATS_TEST_TMPDIR/nope' (NETTOOL_SERVICES): No such file or directory" ]]
	printf '\x00\x01garbage\nzzz\nok-svc 4242/udp  # fine\n/tcp\n' > "$BATS_TEST_TMPDIR/s3"
	NETTOOL_SERVICES=$BATS_TEST_TMPDIR/s3 run --separate-stderr nt port ok-svc
	[ "$status" -eq 0 ]
	grep -qE '^ *4242 +udp +ok-svc' <<<"$output"
	printf 'garbage\n\x01\x02 zz\n   \nssh 99999/tcp\n' >"$BATS_TEST_TMPDIR/bad"
	NETTOOL_SERVICES="$BATS_TEST_TMPDIR/bad" run --separate-stderr nt port --json ssh
	[ "$status" -eq 0 ]
	[ "$(json_field port)" = 22 ]
	[ "$(json_field source)" = built-in ]
	NETTOOL_SERVICES="$BATS_TEST_TMPDIR/bad" run nt port --json mongodb
	[ "$(json_field port)" = 27017 ]
}

@test "unknown name or unassigned port: exit 1" {
	use_fixtures
	run --separate-stderr nt port no-such-service
	[ "$status" -eq 1 ]
	[ "$stderr" = "nettool port: no service named 'no-such-service'" ]
	run nt port 3
	[ "$status" -eq 1 ]
	[[ "$output" == *"3  -      -        -        well-known  no"* ]]
	svc_file
	run --separate-stderr nt port 4999
	[ "$status" -eq 1 ]
	grep -qE '^ *4999 +- +- +- +registered' <<<"$output"
}

@test "--list and --range" {
	use_fixtures
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

	svc_file
	run nt port --list
	[ "$status" -eq 0 ]
	grep -qE '^ *7777 +tcp +myapp' <<<"$output"
	run nt port --list --range well-known --json
	assert_json_lines
	[ "$(printf '%s\n' "$output" | jq -s 'map(.port) | max')" -le 1023 ]
	run nt port --list --range dynamic
	! grep -qE '^ *(80|7777) ' <<<"$output"
}

@test "--who: the sockets the test holds, with PID and program" {
	# In a namespace of its own: on a shared host another process may use
	# the same port number.
	make_netns who
	need_cmd python3
	held=$BATS_TEST_TMPDIR/held
	ip netns exec "$NS" python3 "$BATS_TEST_DIRNAME/lib/sockholder.py" "$held" "$BATS_TEST_TMPDIR" &
	HOLDER=$!
	for i in $(seq 1 100); do [ -f "$held" ] && break; sleep 0.05; done
	[ -f "$held" ]
	lport=$(awk '$1=="listen"{print $2}' "$held")
	cport=$(awk '$1=="client"{print $2}' "$held")
	uport=$(awk '$1=="udp"{print $2}' "$held")
	hpid=$(awk '$1=="pid"{print $2}' "$held")
	run --separate-stderr ip netns exec "$NS" "$NETTOOL" port --who "$lport"
	[ "$status" -eq 0 ]
	grep -qE "^tcp +127\.0\.0\.1:$lport +0\.0\.0\.0:\* +LISTEN +$hpid/python3$" <<<"$output"
	grep -qE "^tcp +127\.0\.0\.1:$lport +127\.0\.0\.1:$cport +ESTABLISHED +$hpid/python3$" <<<"$output"
	[ "$(printf '%s\n' "$output" | grep -c ESTABLISHED)" -eq 1 ]
	run ip netns exec "$NS" "$NETTOOL" port --json -p "$uport/udp"
	[ "$status" -eq 0 ]
	[ "$(json_field protocol)" = udp ]
	[ "$(json_field pid)" = "$hpid" ]
	[ "$(json_field program)" = python3 ]
	[ "$(json_field state)" = UNCONN ]
	run ip netns exec "$NS" "$NETTOOL" port --who "$uport/tcp"
	[ "$status" -eq 1 ]
}

@test "--who on fixtures: owners from /proc/PID/fd, - when unknown" {
	use_fixtures
	run nt port --who 8080 --json
	[ "$status" -eq 0 ]
	[[ "$output" == *'"local_address":"[::]:8080"'*'"state":"LISTEN","pid":4242,"program":"python3"'* ]]
	[[ "$output" == *'"pid":null'* ]]
}

@test "bad input: exit 2 with one stderr line naming the value" {
	use_fixtures
	for p in 0 65536 70000; do
		run --separate-stderr nt port "$p"
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		[ "$stderr" = "nettool port: port '$p' is out of range (1-65535)" ]
	done
	run --separate-stderr nt port -1
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "nettool port: "*"'-1'"* ]]
	run --separate-stderr nt port -- -1
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool port: port '-1' is out of range (1-65535)" ]
	run --separate-stderr nt port 1a
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool port: port '1a' is not a number (1-65535)" ]
	run --separate-stderr nt port 80/icmp
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool port: unknown protocol 'icmp' in '80/icmp'"* ]]
	run --separate-stderr nt port 80/xyz
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool port: unknown protocol 'xyz'"* ]]
	run --separate-stderr nt port --list --range huge
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool port: unknown range 'huge' (well-known, registered or dynamic)" ]
	run --separate-stderr nt port --bogus
	[ "$status" -eq 2 ]
	run --separate-stderr nt port
	[ "$status" -eq 2 ]
}
