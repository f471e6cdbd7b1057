#!/usr/bin/env bats
# nettool port: service lookup by number and name, ranges, --who.
load helper

setup() { HOLDER=; }
teardown() { kill_pids "$HOLDER"; }

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

@test "by number: service, aliases, IANA range, ephemeral" {
	svc_file
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
	NETTOOL_PROC=$BATS_TEST_DIRNAME/fixtures/proc run nt port --json 40000
	[ "$status" -eq 1 ]
	[ "$(json_field ephemeral)" = true ]
	[ "$(json_field range)" = registered ]
	run nt port --json 50000
	[ "$(json_field range)" = dynamic ]
}

@test "by name and alias, with /tcp and /udp" {
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

@test "built-in table fills what the services file lacks" {
	svc_file
	run nt port redis mysql tomcat
	[ "$status" -eq 0 ]
	grep -qE '^ *6379 +tcp +redis' <<<"$output"
	grep -qE '^ *3306 +tcp +mysql' <<<"$output"
	grep -qE '^ *8080 +tcp +http-alt +tomcat' <<<"$output"
	run nt port --json mongodb
	[ "$(json_field source)" = built-in ]
	[ "$(json_field port)" = 27017 ]
}

@test "the system file wins where both name a port" {
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

@test "a missing services file named by NETTOOL_SERVICES is an error" {
	NETTOOL_SERVICES=$BATS_TEST_TMPDIR/nope run --separate-stderr nt port 80
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool port: cannot read services file '$BATS_TEST_TMPDIR/nope' (NETTOOL_SERVICES): No such file or directory" ]]
}

@test "a malformed services file: bad lines skipped, good ones used" {
	printf '\x00\x01garbage\nzzz\nok-svc 4242/udp  # fine\n/tcp\n' > "$BATS_TEST_TMPDIR/s3"
	NETTOOL_SERVICES=$BATS_TEST_TMPDIR/s3 run --separate-stderr nt port ok-svc
	[ "$status" -eq 0 ]
	grep -qE '^ *4242 +udp +ok-svc' <<<"$output"
}

@test "unknown name and unassigned port: exit 1" {
	svc_file
	run --separate-stderr nt port no-such-service
	[ "$status" -eq 1 ]
	[ "$stderr" = "nettool port: no service named 'no-such-service'" ]
	run --separate-stderr nt port 4999
	[ "$status" -eq 1 ]
	grep -qE '^ *4999 +- +- +- +registered' <<<"$output"
}

@test "--list, with --range" {
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

@test "--who names the process on a port the test holds" {
	need_cmd python3
	ports=$BATS_TEST_TMPDIR/ports
	python3 "$BATS_TEST_DIRNAME/fixtures/hold_sockets.py" "$ports" "$BATS_TEST_TMPDIR/u.sock" &
	HOLDER=$!
	for i in $(seq 1 100); do [ -s "$ports" ] && break; sleep 0.05; done
	read -r LPORT CPORT UPORT P6 < "$ports"
	run --separate-stderr nt port --who "$LPORT"
	[ "$status" -eq 0 ]
	grep -qE "^tcp +127\.0\.0\.1:$LPORT +0\.0\.0\.0:\* +LISTEN +$HOLDER/python3$" <<<"$output"
	grep -qE "^tcp +127\.0\.0\.1:$LPORT +127\.0\.0\.1:$CPORT +ESTABLISHED +$HOLDER/python3$" <<<"$output"
	run nt port -p --json "$UPORT/udp"
	[ "$(json_field pid)" = "$HOLDER" ]
	[ "$(json_field program)" = python3 ]
	[ "$(json_field state)" = UNCONN ]
	run nt port --who "$UPORT/tcp"
	[ "$status" -eq 1 ]
}

@test "bad ports: 0, 65536, -1, 1a, 70000, bad protocol" {
	for p in 0 65536 70000; do
		run --separate-stderr nt port "$p"
		[ "$status" -eq 2 ]
		[ "$stderr" = "nettool port: port '$p' is out of range (1-65535)" ]
	done
	run --separate-stderr nt port 1a
	[ "$status" -eq 2 ]; [ "$stderr" = "nettool port: port '1a' is not a number" ]
	run --separate-stderr nt port -- -1
	[ "$status" -eq 2 ]; [ "${#stderr_lines[@]}" -eq 1 ]
	run --separate-stderr nt port -1
	[ "$status" -eq 2 ]; [ "${#stderr_lines[@]}" -eq 1 ]
	run --separate-stderr nt port 80/xyz
	[ "$status" -eq 2 ]; [[ "$stderr" == "nettool port: unknown protocol 'xyz'"* ]]
	run --separate-stderr nt port --list --range nope
	[ "$status" -eq 2 ]
	run --separate-stderr nt port
	[ "$status" -eq 2 ]
}
