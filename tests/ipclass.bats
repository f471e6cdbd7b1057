#!/usr/bin/env bats
# nettool ipclass: classes, ranges, CIDR arithmetic, bulk mode, errors.
load helper

# field NAME: the value on the "NAME  value" line of a list record.
field() { printf '%s\n' "$output" | sed -n "s/^$1  \+//p" | head -n 1; }

@test "172.20.1.5 is class B, network 172.20, host 1.5, private RFC 1918" {
	run --separate-stderr nt ipclass 172.20.1.5
	[ "$status" -eq 0 ]
	[ "$(field class)" = B ]
	[ "$(field 'leading bits')" = 10 ]
	[ "$(field 'default mask')" = 255.255.0.0 ]
	[ "$(field 'network part')" = 172.20 ]
	[ "$(field 'host part')" = 1.5 ]
	[ "$(field binary)" = 10101100.00010100.00000001.00000101 ]
	[ "$(field category)" = private ]
	[ "$(field range)" = 172.16.0.0/12 ]
	[ "$(field rfc)" = "RFC 1918" ]
	[ -z "$stderr" ]
}

@test "class A, C, D and E with their leading bits" {
	run nt ipclass 10.1.2.3
	[ "$(field class)" = A ]; [ "$(field 'leading bits')" = 0 ]
	[ "$(field 'network part')" = 10 ]; [ "$(field 'host part')" = 1.2.3 ]
	run nt ipclass 192.168.1.7
	[ "$(field class)" = C ]; [ "$(field 'leading bits')" = 110 ]
	[ "$(field 'network part')" = 192.168.1 ]; [ "$(field 'host part')" = 7 ]
	run nt ipclass 224.0.0.1
	[ "$(field class)" = D ]; [ "$(field 'leading bits')" = 1110 ]
	[ "$(field category)" = multicast ]; [ -z "$(field 'network part')" ]
	run nt ipclass 250.1.2.3
	[ "$(field class)" = E ]; [ "$(field category)" = reserved ]
}

@test "IPv6: no class, category with RFC, multicast scope" {
	run nt ipclass 2001:db8::1
	[ "$status" -eq 0 ]
	[ "$(field class)" = - ]
	[ "$(field category)" = documentation ]
	[ "$(field rfc)" = "RFC 3849" ]
	run nt ipclass ff02::1
	[ "$(field category)" = multicast ]
	[ "$(field scope)" = link-local ]
	run nt ipclass ::ffff:10.0.0.1
	[ "$(field category)" = ipv4-mapped ]
}

@test "ADDR/PREFIX gives network, netmask, wildcard, broadcast, hosts" {
	run nt ipclass 192.168.1.77/26
	[ "$status" -eq 0 ]
	[ "$(field network)" = 192.168.1.64 ]
	[ "$(field netmask)" = 255.255.255.192 ]
	[ "$(field wildcard)" = 0.0.0.63 ]
	[ "$(field broadcast)" = 192.168.1.127 ]
	[ "$(field 'first host')" = 192.168.1.65 ]
	[ "$(field 'last host')" = 192.168.1.126 ]
	[ "$(field hosts)" = 62 ]
}

@test "ADDR NETMASK works like ADDR/PREFIX" {
	run nt ipclass 10.9.8.7 255.255.240.0
	[ "$status" -eq 0 ]
	[ "$(field prefix)" = 20 ]
	[ "$(field network)" = 10.9.0.0 ]
	[ "$(field broadcast)" = 10.9.15.255 ]
	[ "$(field hosts)" = 4094 ]
}

@test "/31 and /32, /127 and /128" {
	run nt ipclass 10.0.0.0/31
	[ "$(field 'first host')" = 10.0.0.0 ]; [ "$(field 'last host')" = 10.0.0.1 ]
	[ "$(field hosts)" = 2 ]; [ -z "$(field broadcast)" ]
	run nt ipclass 10.0.0.5/32
	[ "$(field 'first host')" = 10.0.0.5 ]; [ "$(field hosts)" = 1 ]
	run nt ipclass 2001:db8::/127
	[ "$(field 'last host')" = 2001:db8::1 ]; [ "$(field hosts)" = 2 ]
	run nt ipclass 2001:db8::7/128
	[ "$(field hosts)" = 1 ]; [ "$(field network)" = 2001:db8::7 ]
}

@test "a non-contiguous netmask is an error" {
	run --separate-stderr nt ipclass 10.0.0.1 255.0.255.0
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool ipclass: '255.0.255.0': netmask '255.0.255.0' is not a contiguous netmask" ]
	run --separate-stderr nt ipclass 10.0.0.1/255.255.0.255
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"netmask '255.255.0.255' is not a contiguous netmask" ]]
}

@test "range boundaries through the CLI: first, last and just outside" {
	input='0.255.255.255
1.0.0.0
9.255.255.255
10.0.0.0
10.255.255.255
11.0.0.0
100.63.255.255
100.64.0.0
100.127.255.255
100.128.0.0
127.0.0.0
127.255.255.255
169.254.0.0
169.254.255.255
169.255.0.0
172.15.255.255
172.16.0.0
172.31.255.255
172.32.0.0
192.0.0.0
192.0.0.255
192.0.2.0
192.0.2.255
192.0.3.0
192.168.0.0
192.168.255.255
198.17.255.255
198.18.0.0
198.19.255.255
198.20.0.0
198.51.100.0
198.51.100.255
203.0.113.0
203.0.113.255
203.0.114.0
223.255.255.255
224.0.0.0
239.255.255.255
240.0.0.0
255.255.255.254
255.255.255.255
::
::1
::ffff:0.0.0.0
64:ff9b::
100::
100::ffff:ffff:ffff:ffff
2001::
2001:db8::
2001:db8:ffff:ffff:ffff:ffff:ffff:ffff
2001:db9::
2002::
fc00::
fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
fe00::
fe80::
febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff
fec0::
ff00::
4000::'
	run --separate-stderr nt ipclass <<<"$input"
	[ "$status" -eq 0 ]
	expected='this-network global global private private global global shared shared global loopback loopback link-local link-local global global private private global ietf-protocol ietf-protocol documentation documentation global private private global benchmarking benchmarking global documentation documentation documentation documentation global global multicast multicast reserved reserved broadcast unspecified loopback ipv4-mapped nat64 discard discard teredo documentation documentation global 6to4 unique-local unique-local reserved link-local link-local reserved multicast reserved'
	[ "$(cut -f3 <<<"$output" | tr '\n' ' ' | sed 's/ $//')" = "$expected" ]
	[ "$(cut -f2 <<<"$output" | sort -u | tr -d '\n')" = "-ABCDE" ]
}

@test "bulk: exact ADDRESS<TAB>CLASS<TAB>CATEGORY lines, CRLF and blanks accepted" {
	run --separate-stderr nt ipclass < <(printf '10.1.2.3\r\n  8.8.8.8\t\n::1\n')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '10.1.2.3\tA\tprivate\n8.8.8.8\tA\tglobal\n::1\t-\tloopback')" ]
	[ -z "$stderr" ]
}

@test "bulk: bad lines are reported with their number, the rest still printed, exit 2" {
	run --separate-stderr nt ipclass < <(printf '10.0.0.1\n256.1.1.1\n192.168.0.1\n1.2.3\n')
	[ "$status" -eq 2 ]
	[ "$output" = "$(printf '10.0.0.1\tA\tprivate\n192.168.0.1\tC\tprivate')" ]
	[ "${stderr_lines[0]}" = "nettool ipclass: line 2: '256.1.1.1': part '256' is out of range (0-255)" ]
	[ "${stderr_lines[1]}" = "nettool ipclass: line 4: '1.2.3': too few parts (an IPv4 address has 4)" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "--filter prints only that category; exit 1 when nothing matched" {
	run nt ipclass --filter private < <(printf '10.0.0.1\n8.8.8.8\n172.16.5.4\n')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '10.0.0.1\tA\tprivate\n172.16.5.4\tB\tprivate')" ]
	run nt ipclass --filter loopback < <(printf '10.0.0.1\n8.8.8.8\n')
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	run nt ipclass 8.8.8.8 127.0.0.1 --filter loopback
	[ "$status" -eq 0 ]
	[ "$(field address)" = 127.0.0.1 ]
	[ "$(grep -c '^address' <<<"$output")" -eq 1 ]
}

@test "--filter with an unknown category is a usage error" {
	run --separate-stderr nt ipclass --filter privat 10.0.0.1
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool ipclass: unknown category 'privat'"* ]]
	[ -z "$output" ]
}

@test "--json on operands: one object each, parsed" {
	run --separate-stderr nt ipclass --json 172.20.1.5/16 2001:db8::1/64
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "${#lines[@]}" -eq 2 ]
	[ "$(json_field class)" = B ]
	[ "$(json_field category)" = private ]
	[ "$(json_field network)" = 172.20.0.0 ]
	[ "$(json_field hosts)" = 65534 ]
	[ "$(json_field default_prefix)" = 16 ]
	output=${lines[1]}
	[ "$(json_field class)" = null ]
	[ "$(json_field hosts)" = 18446744073709551616 ]
	printf '%s\n' "${lines[@]}" | python3 -m json.tool --json-lines >/dev/null
}

@test "--json in bulk mode and with --filter" {
	run nt ipclass --json --filter documentation < <(printf '192.0.2.1\n8.8.8.8\n2001:db8::5\n')
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "${#lines[@]}" -eq 2 ]
	[ "$(json_field address)" = 192.0.2.1 ]
	[ "$(json_field range_name)" = "Documentation (TEST-NET-1)" ]
}

bad_operand() {
	run --separate-stderr nt ipclass -- "$1"
	[ "$status" -eq 2 ] || { echo "status $status for '$1'"; return 1; }
	[ -z "$output" ] || { echo "stdout for '$1': $output"; return 1; }
	[ "${#stderr_lines[@]}" -eq 1 ] || { echo "stderr for '$1': $stderr"; return 1; }
	[[ "$stderr" == "nettool ipclass: "* ]] || return 1
	[[ "$stderr" == *"$2"* ]] || { echo "'$stderr' does not say '$2'"; return 1; }
}

@test "bad operands: each exits 2 with one line naming the bad part" {
	bad_operand 256.1.1.1 "part '256' is out of range"
	bad_operand 1.2.3 "too few parts"
	bad_operand 1.2.3.4.5 "too many parts"
	bad_operand 1.2.3.4x "unexpected character 'x'"
	bad_operand "" "empty address"
	bad_operand 1.2.3.4/33 "prefix length '33' is out of range (0-32)"
	bad_operand ::1/129 "prefix length '129' is out of range (0-128)"
	bad_operand 01.2.3.4 "part '01' has a leading zero"
	bad_operand 10.010.1.1 "part '010' has a leading zero"
	bad_operand +1.2.3.4 "unexpected character '+'"
	bad_operand -1.2.3.4 "unexpected character '-'"
	bad_operand "1.2. 3.4" "unexpected character ' '"
	bad_operand 0x7f.0.0.1 "unexpected character 'x'"
	bad_operand 0177.0.0.1 "part '0177'"
	bad_operand 1.2.3.4/x "prefix length 'x'"
	bad_operand 1:2:3 "not a valid IPv6 address"
	bad_operand "$(printf 'a\001b')" "'a\\x01b'"
}

@test "bad stdin: overlong line, binary garbage, empty input" {
	run --separate-stderr nt ipclass < <(head -c 5000 /dev/zero | tr '\0' '1'; printf '\n10.0.0.1\n')
	[ "$status" -eq 2 ]
	[ "$output" = "$(printf '10.0.0.1\tA\tprivate')" ]
	[ "$stderr" = "nettool ipclass: line 1: line is too long (5000 bytes) to be an address" ]
	run --separate-stderr nt ipclass < <(printf '\001\377\000xyz\n')
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "nettool ipclass: line 1: '\\x01\\xff\\x00xyz': unexpected character"* ]]
	run --separate-stderr nt ipclass < /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool ipclass: no addresses on standard input" ]
	run --separate-stderr nt ipclass < <(printf '10.0.0.1\n\n')
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool ipclass: line 2: empty address" ]
}

@test "a line of megabytes without a newline is one error, not a hang" {
	run --separate-stderr nt ipclass < <(head -c 3000000 /dev/zero | tr '\0' 'a'; printf '\n8.8.8.8\n')
	[ "$status" -eq 2 ]
	[ "$output" = "$(printf '8.8.8.8\tA\tglobal')" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "nettool ipclass: line 1: line is too long"* ]]
}

@test "unknown option exits 2 with one line" {
	run --separate-stderr nt ipclass --bogus 1.2.3.4
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool ipclass: unknown option '--bogus' (see 'nettool ipclass --help')" ]
}

@test "bulk agrees with python's ipaddress on private/loopback/multicast for random input" {
	need_cmd python3
	python3 - "$BATS_TEST_TMPDIR/in" <<'PY'
import random, sys
r = random.Random(7)
with open(sys.argv[1], "w") as f:
    for _ in range(20000):
        a = r.getrandbits(32)
        if r.random() < 0.3:
            a = r.choice([0x0a000000, 0xac100000, 0xc0a80000, 0x7f000000, 0xe0000000, 0x64400000]) | r.getrandbits(16)
        f.write("%d.%d.%d.%d\n" % (a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255))
PY
	nt ipclass < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out"
	run python3 - "$BATS_TEST_TMPDIR/out" <<'PY'
import ipaddress, sys
bad = 0
for line in open(sys.argv[1]):
    addr, cls, cat = line.rstrip("\n").split("\t")
    a = ipaddress.ip_address(addr)
    want = None
    if a in ipaddress.ip_network("127.0.0.0/8"): want = "loopback"
    elif a.is_multicast: want = "multicast"
    elif any(a in ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")): want = "private"
    elif a in ipaddress.ip_network("100.64.0.0/10"): want = "shared"
    first = int(addr.split(".")[0])
    wcls = "A" if first < 128 else "B" if first < 192 else "C" if first < 224 else "D" if first < 240 else "E"
    if (want and cat != want) or cls != wcls:
        bad += 1
        print(line, end="")
print("mismatches", bad)
PY
	[ "${lines[-1]}" = "mismatches 0" ]
}
