#!/usr/bin/env bash
# ipclass speed, each against its peer in one run on seeded data:
# - classification of 1 M and 5 M IPv4 addresses: grepcidr (RFC 1918 only)
#   and python3 ipaddress;
# - --in-file with 10,000 networks over the 5 M lines: grepcidr -f;
# - --merge of 1 M random IPv4 prefixes: iprange --optimize and python3's
#   collapse_addresses.
# Prints seconds, rates and ratios. LINES=N changes the large size.
set -euo pipefail
NETTOOL=${NETTOOL:-./nettool}
LINES=${LINES:-5000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

for t in grepcidr iprange bc; do
	command -v $t >/dev/null || { echo "bench/ipclass: needs $t (apt-get install $t)" >&2; exit 2; }
done

# A quarter private or special, the rest random: seeded so runs compare.
python3 - "$dir/addrs" "$LINES" <<'PY'
import random, sys
r = random.Random(20261126)
special = [0x0a000000, 0xac100000, 0xc0a80000, 0x7f000000, 0x64400000,
           0xa9fe0000, 0xe0000000, 0xc0000200, 0xc6120000]
with open(sys.argv[1], "w") as f:
    out = []
    for i in range(int(sys.argv[2])):
        a = r.getrandbits(32)
        if r.random() < 0.25:
            a = r.choice(special) | r.getrandbits(16)
        out.append("%d.%d.%d.%d" % (a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255))
        if len(out) == 100000:
            f.write("\n".join(out) + "\n"); out = []
    if out:
        f.write("\n".join(out) + "\n")
PY
head -n 1000000 "$dir/addrs" > "$dir/addrs1m"

# 10,000 networks of /12 to /32, and 1 M prefixes of /16 to /32.
python3 - "$dir/nets" "$dir/prefixes" <<'PY'
import random, sys
r = random.Random(20261130)
def net(lo, hi):
    plen = r.randint(lo, hi)
    a = r.getrandbits(32) >> (32 - plen) << (32 - plen)
    return "%d.%d.%d.%d/%d" % (a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255, plen)
open(sys.argv[1], "w").write("".join(net(12, 32) + "\n" for _ in range(10000)))
open(sys.argv[2], "w").write("".join(net(16, 32) + "\n" for _ in range(1000000)))
PY

cat > "$dir/classify.py" <<'PY'
import ipaddress, sys
cats = [(ipaddress.ip_network(n), c) for n, c in [
    ("0.0.0.0/8", "this-network"), ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared"), ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"), ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "ietf-protocol"), ("192.0.2.0/24", "documentation"),
    ("192.168.0.0/16", "private"), ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"), ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"), ("255.255.255.255/32", "broadcast"),
    ("240.0.0.0/4", "reserved")]]
out = sys.stdout
for line in sys.stdin:
    s = line.strip()
    a = ipaddress.ip_address(s)
    first = int(s.split(".", 1)[0])
    cls = "A" if first < 128 else "B" if first < 192 else "C" if first < 224 else "D" if first < 240 else "E"
    cat = next((c for n, c in cats if a in n), "global")
    out.write("%s\t%s\t%s\n" % (s, cls, cat))
PY

cat > "$dir/collapse.py" <<'PY'
import ipaddress, sys
nets = [ipaddress.IPv4Network(l.strip()) for l in sys.stdin]
sys.stdout.writelines("%s\n" % n for n in ipaddress.collapse_addresses(nets))
PY

# best of three wall-clock seconds for a command reading file $IN
IN=$dir/addrs
best() {
	local b=999999 t0 t1 t i
	for i in 1 2 3; do
		t0=$(date +%s.%N)
		"$@" < "$IN" > /dev/null
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		b=$(echo "if ($t < $b) $t else $b" | bc -l)
	done
	echo "$b"
}
once() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" < "$IN" > /dev/null
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

grepcidr_private() { grepcidr -e 10.0.0.0/8 -e 172.16.0.0/12 -e 192.168.0.0/16; }

grepcidr_nets() { grepcidr -f "$dir/nets"; }
iprange_merge() { iprange --optimize; }

# The outputs must agree before the times mean anything.
head -n 200000 "$dir/addrs" | "$NETTOOL" ipclass > "$dir/nettool.out"
head -n 200000 "$dir/addrs" | python3 "$dir/classify.py" > "$dir/python.out"
cmp -s "$dir/nettool.out" "$dir/python.out" || { echo "bench/ipclass: nettool and python disagree" >&2; exit 1; }
"$NETTOOL" ipclass --in-file "$dir/nets" < "$dir/addrs" > "$dir/nettool.out"
grepcidr -f "$dir/nets" < "$dir/addrs" > "$dir/grepcidr.out"
cmp -s "$dir/nettool.out" "$dir/grepcidr.out" || { echo "bench/ipclass: --in-file and grepcidr -f disagree" >&2; exit 1; }
"$NETTOOL" ipclass --merge < "$dir/prefixes" > "$dir/nettool.out"
iprange --optimize < "$dir/prefixes" | sed '/\//!s/$/\/32/' > "$dir/iprange.out"
cmp -s "$dir/nettool.out" "$dir/iprange.out" || { echo "bench/ipclass: --merge and iprange disagree" >&2; exit 1; }

rate() { printf "%.2f" "$(echo "$1 / $2 / 1000000" | bc -l)"; }
row() { printf '%-46s %8.3f %12s\n' "$1" "$2" "$(rate "$3" "$2")"; }
ratio() { printf '%.1f' "$(echo "$1 / $2" | bc -l)"; }

IN=$dir/addrs1m
N1=$(wc -l < "$IN")
c1_nt=$(best "$NETTOOL" ipclass)
c1_gc=$(best grepcidr_private)
c1_py=$(once python3 "$dir/classify.py")
IN=$dir/addrs
c5_nt=$(best "$NETTOOL" ipclass)
c5_gc=$(best grepcidr_private)
in_nt=$(best "$NETTOOL" ipclass --in-file "$dir/nets")
in_gc=$(best grepcidr_nets)
IN=$dir/prefixes
mg_nt=$(best "$NETTOOL" ipclass --merge)
mg_ip=$(best iprange_merge)
mg_py=$(once python3 "$dir/collapse.py")

printf '%-46s %8s %12s\n' "ipclass (shared machine: best of 3)" "seconds" "M lines/s"
row "classify $N1: nettool ipclass" "$c1_nt" "$N1"
row "classify $N1: grepcidr (RFC 1918 only)" "$c1_gc" "$N1"
row "classify $N1: python3 ipaddress (once)" "$c1_py" "$N1"
row "classify $LINES: nettool ipclass" "$c5_nt" "$LINES"
row "classify $LINES: grepcidr (RFC 1918 only)" "$c5_gc" "$LINES"
row "10,000 networks over $LINES: nettool --in-file" "$in_nt" "$LINES"
row "10,000 networks over $LINES: grepcidr -f" "$in_gc" "$LINES"
row "merge 1 M prefixes: nettool --merge" "$mg_nt" 1000000
row "merge 1 M prefixes: iprange --optimize" "$mg_ip" 1000000
row "merge 1 M prefixes: python3 collapse (once)" "$mg_py" 1000000
echo "ratio classify nettool/grepcidr: $N1 $(ratio "$c1_gc" "$c1_nt")x, $LINES $(ratio "$c5_gc" "$c5_nt")x; nettool/python3 ($N1): $(ratio "$c1_py" "$c1_nt")x"
echo "ratio --in-file nettool/grepcidr -f: $(ratio "$in_gc" "$in_nt")x"
echo "ratio --merge nettool/iprange: $(ratio "$mg_ip" "$mg_nt")x; nettool/python3: $(ratio "$mg_py" "$mg_nt")x"
