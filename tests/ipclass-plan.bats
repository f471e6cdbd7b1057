#!/usr/bin/env bats
# nettool ipclass subnet planning: --split, --subnets, --range, --merge,
# --in/--in-file, --reverse; checked against python3's ipaddress, grepcidr,
# iprange and aggregate on seeded random data made here.
load helper

@test "--split 26 of a /24 gives four /26 in order" {
	run --separate-stderr nt ipclass --split 26 192.168.1.0/24
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '192.168.1.0/26\n192.168.1.64/26\n192.168.1.128/26\n192.168.1.192/26')" ]
	[ -z "$stderr" ]
	run nt ipclass --split /66 2001:db8::/64
	[ "$output" = "$(printf '2001:db8::/66\n2001:db8:0:0:4000::/66\n2001:db8:0:0:8000::/66\n2001:db8:0:0:c000::/66')" ]
}

@test "--split with host bits set works on the network; the same prefix gives itself" {
	run nt ipclass --split 25 10.1.2.77/24
	[ "$output" = "$(printf '10.1.2.0/25\n10.1.2.128/25')" ]
	run nt ipclass --split 24 10.1.2.0/24
	[ "$output" = 10.1.2.0/24 ]
}

@test "--subnets N: the smallest prefix giving N subnets, all of them" {
	run nt ipclass --subnets 4 192.168.1.0/24
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[3]}" = 192.168.1.192/26 ]
	run nt ipclass --subnets 3 10.0.0.0/8
	[ "$output" = "$(printf '10.0.0.0/10\n10.64.0.0/10\n10.128.0.0/10\n10.192.0.0/10')" ]
	run nt ipclass --subnets 1 10.0.0.0/8
	[ "$output" = 10.0.0.0/8 ]
}

@test "--json for a split: cidr, network, prefix, first, last, addresses" {
	run --separate-stderr nt ipclass -j --split 127 2001:db8::/126
	[ "$status" -eq 0 ]
	assert_json_lines
	[ "${#lines[@]}" -eq 2 ]
	output=${lines[1]}
	[ "$(json_field cidr)" = 2001:db8::2/127 ]
	[ "$(json_field network)" = 2001:db8::2 ]
	[ "$(json_field prefix)" = 127 ]
	[ "$(json_field first)" = 2001:db8::2 ]
	[ "$(json_field last)" = 2001:db8::3 ]
	[ "$(json_field addresses)" = 2 ]
}

@test "--range START END and START-END give the fewest CIDRs" {
	run --separate-stderr nt ipclass --range 10.0.0.1 10.0.0.20
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '10.0.0.1/32\n10.0.0.2/31\n10.0.0.4/30\n10.0.0.8/29\n10.0.0.16/30\n10.0.0.20/32')" ]
	run nt ipclass --range 0.0.0.0-255.255.255.255
	[ "$output" = 0.0.0.0/0 ]
	run nt ipclass --range ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
	[ "$output" = ::/0 ]
	run nt ipclass --range '10.0.0.0 - 10.0.0.255' 10.0.1.0-10.0.1.0
	[ "$output" = "$(printf '10.0.0.0/24\n10.0.1.0/32')" ]
	run nt ipclass --range ::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
	[ "${#lines[@]}" -eq 128 ]
	[ "${lines[127]}" = 8000::/1 ]
}

@test "--merge: operands, overlapping, adjacent, ranges, both families" {
	run --separate-stderr nt ipclass --merge 10.0.0.128/25 10.0.0.0/25 10.0.1.0-10.0.1.255 \
		10.0.0.7 2001:db8::1 2001:db8::/127 10.0.3.9/24
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '10.0.0.0/23\n10.0.3.0/24\n2001:db8::/127')" ]
	[ -z "$stderr" ]
}

@test "--merge reads stdin: blank lines and # comments skipped, bad lines by number, exit 2" {
	run --separate-stderr nt ipclass --merge < <(printf '# list\n10.0.0.0/24\n\n10.0.1.0/24 # second\r\n10.0.2.256\n10.0.9.0-10.0.8.0\n')
	[ "$status" -eq 2 ]
	[ "$output" = 10.0.0.0/23 ]
	[ "${stderr_lines[0]}" = "nettool ipclass: line 5: '10.0.2.256': part '256' is out of range (0-255)" ]
	[ "${stderr_lines[1]}" = "nettool ipclass: line 6: '10.0.9.0-10.0.8.0': the range starts after its end" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "--in: lines whose first address is in a CIDR, exactly as given; -v the others" {
	input=$(printf '10.1.2.3 - - "GET /"\r\n8.8.8.8 x\nno address\n  172.16.0.9:443 y\n2001:db8::5 z\n10.1.2.3x q')
	run --separate-stderr nt ipclass --in 10.0.0.0/8,172.16.0.0/12,2001:db8::/32 <<<"$input"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '10.1.2.3 - - "GET /"\r\n  172.16.0.9:443 y\n2001:db8::5 z')" ]
	run nt ipclass -v --in 10.0.0.0/8,172.16.0.0/12,2001:db8::/32 <<<"$input"
	[ "$output" = "$(printf '8.8.8.8 x\nno address\n10.1.2.3x q')" ]
	run nt ipclass --in 192.0.2.0/24 <<<"$input"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}

@test "--in --json: address and line" {
	run nt ipclass --json --in 10.0.0.0/8 < <(printf '10.0.0.1 a\n')
	assert_json_lines
	[ "$(json_field address)" = 10.0.0.1 ]
	[ "$(json_field line)" = "10.0.0.1 a" ]
}

@test "--in-file: bad lines named with their number, the rest still used, exit 2 at the end" {
	printf '# ours\n10.0.0.0/8\n10.0.0.0/33\n\n192.168.0.0-192.168.0.9\nbogus\n' > "$BATS_TEST_TMPDIR/nets"
	run --separate-stderr nt ipclass --in-file "$BATS_TEST_TMPDIR/nets" < <(printf '10.9.9.9\n192.168.0.5\n192.168.0.10\n')
	[ "$status" -eq 2 ]
	[ "$output" = "$(printf '10.9.9.9\n192.168.0.5')" ]
	[ "${stderr_lines[0]}" = "nettool ipclass: $BATS_TEST_TMPDIR/nets: line 3: '10.0.0.0/33': prefix length '33' is out of range (0-32)" ]
	[ "${stderr_lines[1]}" = "nettool ipclass: $BATS_TEST_TMPDIR/nets: line 6: 'bogus': unexpected character 'b' at position 1" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	run --separate-stderr nt ipclass --in-file "$BATS_TEST_TMPDIR/none" < /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool ipclass: cannot open '$BATS_TEST_TMPDIR/none': No such file"* ]]
}

@test "--reverse: pointer names, the zone of a /24, zones of a /23, RFC 2317 below a /24" {
	run --separate-stderr nt ipclass --reverse 192.168.1.5 192.168.1.0/24 10.0.0.0/23 192.168.1.64/26 2001:db8::1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 5.1.168.192.in-addr.arpa ]
	[ "${lines[1]}" = 1.168.192.in-addr.arpa ]
	[ "${lines[2]}" = 0.0.10.in-addr.arpa ]
	[ "${lines[3]}" = 1.0.10.in-addr.arpa ]
	[ "${lines[4]}" = 64/26.1.168.192.in-addr.arpa ]
	[ "${lines[5]}" = 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa ]
	run nt ipclass --reverse 2001:db8::/32 0.0.0.0/0
	[ "$output" = "$(printf '8.b.d.0.1.0.0.2.ip6.arpa\nin-addr.arpa')" ]
	run nt ipclass --json --reverse 192.168.1.0/24
	[ "$(json_field reverse)" = 1.168.192.in-addr.arpa ]
	[ "$(json_field cidr)" = 192.168.1.0/24 ]
}

bad_plan() {
	local want=$1; shift
	run --separate-stderr nt ipclass "$@"
	[ "$status" -eq 2 ] || { echo "status $status for $*"; return 1; }
	[ -z "$output" ] || { echo "stdout for $*: $output"; return 1; }
	[ "${#stderr_lines[@]}" -eq 1 ] || { echo "stderr for $*: $stderr"; return 1; }
	[ "$stderr" = "nettool ipclass: $want" ] || { echo "got '$stderr'"; return 1; }
}

@test "bad planning input: each exits 2 with one line naming it" {
	bad_plan "--split '23': shorter than the prefix of 192.168.1.0/24 (/24)" --split 23 192.168.1.0/24
	bad_plan "--split '33': not a prefix length for IPv4 (0-32)" --split 33 192.168.1.0/24
	bad_plan "--split '/129': not a prefix length for IPv6 (0-128)" --split /129 2001:db8::/32
	bad_plan "'192.168.1.0/33': prefix length '33' is out of range (0-32)" --split 26 192.168.1.0/33
	bad_plan "'10.0.0.9-10.0.0.1': the range starts after its end" --range 10.0.0.9 10.0.0.1
	bad_plan "'10.0.0.1-::1': the range mixes IPv4 and IPv6" --range 10.0.0.1-::1
	bad_plan "'10.0.0.1-::1': the range mixes IPv4 and IPv6" --merge 10.0.0.1-::1
	bad_plan "10.0.0.0/8 in /30 subnets is 4194304 lines, more than 2^20 (add --force)" --split 30 10.0.0.0/8
	bad_plan "2001:db8::/32 in /64 subnets is 4294967296 lines, more than 2^20 (add --force)" --subnets 4294967296 2001:db8::/32
	bad_plan "'10.0.0.0/30' has room for 4 subnets at most, not 5" --subnets 5 10.0.0.0/30
	bad_plan "subnet count '0' is out of range (1-4611686018427387904)" --subnets 0 10.0.0.0/8
	bad_plan "--in: '10.0.0.0/x': prefix length 'x' is not a plain decimal number (0-32)" --in 10.0.0.0/x
	bad_plan "--split and --merge cannot be combined" --split 24 --merge 10.0.0.0/8
	bad_plan "-v only applies to --in and --in-file" -v --merge 10.0.0.0/8
	bad_plan "--range takes START END or START-END..., not '10.0.0.1'" --range 10.0.0.1
	bad_plan "--split needs an address or a CIDR" --split 24
}

@test "--force lets a split pass 2^20 lines; a closed pipe stops it" {
	run bash -c '"$NETTOOL" ipclass --force --split 32 10.0.0.0/11 | head -n 2'
	[ "$output" = "$(printf '10.0.0.0/32\n10.0.0.1/32')" ]
	run bash -c '"$NETTOOL" ipclass --force --split 30 10.0.0.0/8 | wc -l'
	[ "$output" -eq 4194304 ]
}

# ---- against python3's ipaddress, seeded -----------------------------------

@test "--split agrees with python's subnets() on 10,000 random networks" {
	need_cmd python3
	cd "$BATS_TEST_TMPDIR"
	python3 - <<'PY'
import ipaddress, random
r = random.Random(1501)
groups = {}
for _ in range(10000):
    v6 = r.random() < 0.5
    bits = 128 if v6 else 32
    plen = r.randint(0, bits)
    new = min(bits, plen + r.randint(0, 5))
    a = r.getrandbits(bits)
    net = ipaddress.ip_network((a, plen), strict=False)
    groups.setdefault((new, v6), []).append(net)
with open("want", "w") as w, open("plan", "w") as p:
    for (new, v6), nets in sorted(groups.items()):
        name = "in-%d-%d" % (new, v6)
        open(name, "w").write("".join("%s\n" % n for n in nets))
        p.write("%d %s\n" % (new, name))
        for n in nets:
            w.writelines("%s\n" % s for s in n.subnets(new_prefix=new))
PY
	while read -r new f; do xargs "$NETTOOL" ipclass --split "$new" < "$f"; done < plan > got
	cmp want got
	[ "$(wc -l < want)" -gt 10000 ]
}

@test "--range agrees with python's summarize_address_range() on 10,000 random ranges" {
	need_cmd python3
	cd "$BATS_TEST_TMPDIR"
	python3 - <<'PY'
import ipaddress, random
r = random.Random(1502)
with open("ranges", "w") as f, open("want", "w") as w:
    for _ in range(10000):
        bits = 32 if r.random() < 0.7 else 128
        a = r.getrandbits(bits)
        b = a + r.getrandbits(r.randint(0, bits)) if r.random() < 0.7 else r.getrandbits(bits)
        a, b = min(a, b), min(max(a, b), 2 ** bits - 1)
        A, B = ipaddress.ip_address(a if bits == 32 else ipaddress.IPv6Address(a)), ipaddress.ip_address(b if bits == 32 else ipaddress.IPv6Address(b))
        f.write("%s-%s\n" % (A, B))
        w.writelines("%s\n" % n for n in ipaddress.summarize_address_range(A, B))
PY
	xargs "$NETTOOL" ipclass --range < ranges > got
	cmp want got
}

@test "--merge agrees with python's collapse_addresses() on 10,000 random lists" {
	need_cmd python3
	cd "$BATS_TEST_TMPDIR"
	# Each list lives in its own block with a gap to the next, so one run
	# merges all of them and the result is each list's collapse in turn.
	python3 - <<'PY'
import ipaddress, random
r = random.Random(1503)
items, want = [], []
for i in range(10000):
    v6 = i >= 5000
    bits, block = (128, 104) if v6 else (32, 14)
    base = (2 * (i % 5000)) << (bits - block)
    cls = ipaddress.IPv6Address if v6 else ipaddress.IPv4Address
    cover = []
    for _ in range(r.randint(1, 8)):
        plen = r.randint(block + 1, min(bits, block + 12))
        net = ipaddress.ip_network((base + r.getrandbits(bits - block), plen), strict=False)
        if r.random() < 0.2:
            lo = int(net.network_address)
            hi = min(lo + r.getrandbits(bits - block - 1), base + 2 ** (bits - block) - 1)
            items.append("%s-%s" % (cls(lo), cls(hi)))
            cover.extend(ipaddress.summarize_address_range(cls(lo), cls(hi)))
        else:
            items.append(str(net))
            cover.append(net)
    want.extend(ipaddress.collapse_addresses(cover))
r.shuffle(items)
open("items", "w").write("".join(s + "\n" for s in items))
open("want", "w").write("".join("%s\n" % n for n in want))
PY
	"$NETTOOL" ipclass --merge < items > got
	cmp want got
}

@test "--reverse agrees with python's reverse_pointer on 10,000 random addresses" {
	need_cmd python3
	cd "$BATS_TEST_TMPDIR"
	python3 - <<'PY'
import ipaddress, random
r = random.Random(1504)
with open("addrs", "w") as f, open("want", "w") as w:
    for _ in range(10000):
        a = ipaddress.IPv4Address(r.getrandbits(32)) if r.random() < 0.5 else ipaddress.IPv6Address(r.getrandbits(128))
        f.write("%s\n" % a)
        w.write(a.reverse_pointer + "\n")
PY
	xargs "$NETTOOL" ipclass --reverse < addrs > got
	cmp want got
}

# ---- against grepcidr, iprange and aggregate --------------------------------

@test "--in-file prints exactly grepcidr -f's lines over 1 M lines and 10,000 networks; -v the others" {
	need_cmd python3
	need_cmd grepcidr
	cd "$BATS_TEST_TMPDIR"
	python3 - <<'PY'
import random
r = random.Random(1505)
nets = []
with open("nets", "w") as f:
    for i in range(10000):
        if i % 10 == 9:
            plen = r.randint(32, 128)
            a = (0x2001 << 112 | r.getrandbits(100)) >> (128 - plen) << (128 - plen)
            h = "%032x" % a
            f.write("%s/%d\n" % (":".join(h[j:j + 4] for j in range(0, 32, 4)), plen))
            nets.append((6, a, plen))
        else:
            plen = r.randint(12, 32)
            a = r.getrandbits(32) >> (32 - plen) << (32 - plen)
            f.write("%d.%d.%d.%d/%d\n" % (a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255, plen))
            nets.append((4, a, plen))
def v4(a): return "%d.%d.%d.%d" % (a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255)
def v6(a):
    h = "%032x" % a
    return ":".join(h[j:j + 4] for j in range(0, 32, 4))
with open("log", "w") as f:
    out = []
    for i in range(1000000):
        if r.random() < 0.5:
            ver, a, plen = r.choice(nets)
            bits = 32 if ver == 4 else 128
            a |= r.getrandbits(bits - plen) if plen < bits else 0
        else:
            ver = 6 if r.random() < 0.1 else 4
            a = (0x2001 << 112 | r.getrandbits(100)) if ver == 6 else r.getrandbits(32)
        out.append('%s - - [30/Nov/2026:06:00:00 +0000] "GET /p%d HTTP/1.1" 200 %d' % (v4(a) if ver == 4 else v6(a), i, r.randint(0, 99999)))
        if len(out) == 100000:
            f.write("\n".join(out) + "\n"); out = []
PY
	grepcidr -f nets log > want
	"$NETTOOL" ipclass --in-file nets < log > got
	cmp want got
	[ "$(wc -l < want)" -gt 300000 ]
	grepcidr -v -f nets log > want
	"$NETTOOL" ipclass -v --in-file nets < log > got
	cmp want got
	[ "$(wc -l < want)" -gt 300000 ]
}

@test "--merge of 100,000 mixed prefixes covers what iprange and aggregate do, in python's fewest CIDRs" {
	need_cmd python3
	need_cmd iprange
	need_cmd aggregate
	cd "$BATS_TEST_TMPDIR"
	# aggregate's time grows with the square of its input, so it gets the
	# same prefixes as 20 lists of 5,000 in separate /8s (their results
	# cannot merge with each other); nettool and iprange get all at once.
	python3 - <<'PY'
import ipaddress, random
r = random.Random(1506)
nets = []
for k in range(20):
    base = (20 + 10 * k) << 24
    chunk = []
    for _ in range(5000):
        plen = r.choice((r.randint(18, 24), 24, 24, r.randint(24, 32), 32))
        a = base | r.getrandbits(24)
        chunk.append(ipaddress.IPv4Network((a >> (32 - plen) << (32 - plen), plen)))
    open("chunk%02d" % k, "w").write("".join("%s\n" % n for n in chunk))
    nets += chunk
r.shuffle(nets)
open("prefixes", "w").write("".join("%s\n" % n for n in nets))
open("want", "w").write("".join("%s\n" % n for n in ipaddress.collapse_addresses(nets)))
PY
	"$NETTOOL" ipclass --merge < prefixes > got
	cmp want got
	[ "$(wc -l < got)" -gt 20000 ]
	iprange --optimize prefixes > iprange.out
	for f in chunk*; do aggregate -q < "$f"; done > aggregate.out
	python3 - <<'PY'
import ipaddress
def load(name): return [ipaddress.ip_network(l.strip()) for l in open(name) if l.strip()]
ours = load("got")
for other in ("iprange.out", "aggregate.out"):
    assert list(ipaddress.collapse_addresses(load(other))) == ours, other
PY
}

@test "IPv6 is written as python writes it (RFC 5952) for 10,000 addresses full of zero groups" {
	need_cmd python3
	cd "$BATS_TEST_TMPDIR"
	# python 3.11 writes IPv4-mapped addresses in hex, RFC 5952 and nettool
	# with a dotted quad: those are left out here (tested in test_addr).
	python3 - <<'PY'
import ipaddress, random
r = random.Random(1507)
with open("nets", "w") as f, open("want", "w") as w:
    n = 0
    while n < 10000:
        words = [r.choice((0, 0, 0, 1, 0xffff, r.getrandbits(16))) for _ in range(8)]
        a = ipaddress.IPv6Address(int("".join("%04x" % x for x in words), 16))
        if a.ipv4_mapped:
            continue
        f.write("%s/128\n" % a.exploded)
        w.write("%s/128\n" % a)
        n += 1
PY
	xargs "$NETTOOL" ipclass --split 128 < nets > got
	cmp want got
}
