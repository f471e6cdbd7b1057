#!/usr/bin/env bash
# ipclass bulk speed: nettool against python3 ipaddress and grepcidr on the
# same 5 million seeded IPv4 addresses, in one run. Prints lines per second
# and the ratios. LINES=N changes the size.
set -euo pipefail
NETTOOL=${NETTOOL:-./nettool}
LINES=${LINES:-5000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

command -v grepcidr >/dev/null || { echo "bench/ipclass: needs grepcidr (apt-get install grepcidr)" >&2; exit 2; }

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

# best of three wall-clock seconds for a command reading the address file
best() {
	local b=999999 t0 t1 t i
	for i in 1 2 3; do
		t0=$(date +%s.%N)
		"$@" < "$dir/addrs" > /dev/null
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		b=$(echo "if ($t < $b) $t else $b" | bc -l)
	done
	echo "$b"
}
once() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" < "$dir/addrs" > /dev/null
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

grepcidr_private() { grepcidr -e 10.0.0.0/8 -e 172.16.0.0/12 -e 192.168.0.0/16; }

# The outputs must agree before the times mean anything.
head -n 200000 "$dir/addrs" | "$NETTOOL" ipclass > "$dir/nettool.out"
head -n 200000 "$dir/addrs" | python3 "$dir/classify.py" > "$dir/python.out"
cmp -s "$dir/nettool.out" "$dir/python.out" || { echo "bench/ipclass: nettool and python disagree" >&2; exit 1; }

t_nt=$(best "$NETTOOL" ipclass)
t_gc=$(best grepcidr_private)
t_py=$(once python3 "$dir/classify.py")

rate() { printf "%.2f" "$(echo "$LINES / $1 / 1000000" | bc -l)"; }
printf '%-44s %8s %14s\n' "ipclass bulk, $LINES IPv4 lines" "seconds" "M lines/s"
printf '%-44s %8.3f %14s\n' "nettool ipclass (classify every line)" "$t_nt" "$(rate "$t_nt")"
printf '%-44s %8.3f %14s\n' "grepcidr (match RFC 1918 only)" "$t_gc" "$(rate "$t_gc")"
printf '%-44s %8.3f %14s\n' "python3 ipaddress (same three columns)" "$t_py" "$(rate "$t_py")"
printf 'ratio nettool/grepcidr: %.1fx   nettool/python3: %.0fx\n' \
	"$(echo "$t_gc / $t_nt" | bc -l)" "$(echo "$t_py / $t_nt" | bc -l)"
