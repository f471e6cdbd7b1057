#!/bin/bash
# scan: every TCP port (1-65535) of a target namespace with 20 listeners,
# nettool scan against nmap -sT -T4 and nmap -sT -T5 --min-rate 20000 in
# the same run, then the same with 1,000 ports dropped by nftables
# (filtered, 1 s timeout). Checks that all three find the same sets.
# Needs root (namespaces), nmap, nft, python3. Shared machines are noisy.
set -u
NETTOOL=${NETTOOL:-./nettool}
[ "$(id -u)" = 0 ] || { echo "scan bench: needs root (namespaces); skipped"; exit 0; }
for c in nmap nft python3 ip; do
	command -v $c >/dev/null || { echo "scan bench: needs $c; skipped"; exit 0; }
done
S=ntbs$$ T=ntbt$$ TMP=$(mktemp -d)
cleanup() { [ -n "${LP:-}" ] && kill "$LP" 2>/dev/null; ip netns del "$S" 2>/dev/null; ip netns del "$T" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
ip netns add "$S" && ip netns add "$T" || exit 1
ip -n "$S" link set lo up; ip -n "$T" link set lo up
ip link add vs0 netns "$S" type veth peer name vt0 netns "$T" || exit 1
ip -n "$S" addr add 10.78.0.1/24 dev vs0; ip -n "$T" addr add 10.78.0.2/24 dev vt0
ip -n "$S" link set vs0 up; ip -n "$T" link set vt0 up
TARGET=10.78.0.2
OPEN="22 80 443 1000 2000 3000 5000 8080 10000 15000 20000 25000 30000 35000 45000 50000 55000 60000 64000 65535"
ip netns exec "$T" python3 -c '
import select, socket, sys, time
ls = []
for p in sys.argv[1:]:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(p))); s.listen(512); ls.append(s)
print("ready", flush=True)
end = time.time() + 900
while time.time() < end:
    for s in select.select(ls, [], [], 1)[0]:
        s.accept()[0].close()' $OPEN > "$TMP/ready" & LP=$!
for i in $(seq 100); do grep -q ready "$TMP/ready" && break; sleep 0.05; done

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# run NAME CMD...: wall time into $NAME_t, the "PORT/STATE" lines of the
# open and filtered ports into $TMP/NAME
run() {
	local name=$1 t0 t1; shift
	t0=$(now)
	ip netns exec "$S" "$@" > "$TMP/$name.raw" 2>"$TMP/$name.err"
	t1=$(now)
	eval "${name}_t=$(secs "$t0" "$t1")"
	if [ "${name#nt}" != "$name" ]; then
		awk 'NR > 1 && $4 != "closed" { print $2 "/" $4 }' "$TMP/$name.raw"
	else
		nmap_xml_states < "$TMP/$name.raw"
	fi | sort > "$TMP/$name"
}
# nmap -oX: the ports listed one by one and those folded into
# <extraports> (nmap lists the ranges in extrareasons), open or filtered.
nmap_xml_states() {
	python3 -c '
import sys, xml.etree.ElementTree as ET
ports = ET.parse(sys.stdin).getroot().find("host").find("ports")
for p in ports.findall("port"):
    st = p.find("state").get("state")
    if st != "closed":
        print("%s/%s" % (p.get("portid"), st))
for x in ports.findall("extraports"):
    if x.get("state") == "closed":
        continue
    for r in x.findall("extrareasons"):
        for part in r.get("ports", "").split(","):
            if not part:
                continue
            lo, _, hi = part.partition("-")
            for n in range(int(lo), int(hi or lo) + 1):
                print("%d/%s" % (n, x.get("state")))'
}
same() { cmp -s "$TMP/$1" "$TMP/$2" && echo same || echo DIFFERENT; }
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

round() { # $1: label, $2: expected open+filtered count, $3: nettool -P
	run nt "$NETTOOL" scan -a -p - -w 1 -P "$3" "$TARGET"
	run n4 nmap -sT -Pn -n -p- -T4 -oX - "$TARGET"
	run n5 nmap -sT -Pn -n -p- -T5 --min-rate 20000 -oX - "$TARGET"
	local b; b=$(best "$n4_t" "$n5_t")
	echo "$1: nettool scan -a -p - -w 1 -P $3: ${nt_t} s ($(wc -l < "$TMP/nt") open+filtered; $(tail -n 1 "$TMP/nt.err"))"
	echo "$1: nmap -sT -Pn -n -p- -T4: ${n4_t} s ($(wc -l < "$TMP/n4") open+filtered, $(same nt n4) set)"
	echo "$1: nmap -sT -Pn -n -p- -T5 --min-rate 20000: ${n5_t} s ($(wc -l < "$TMP/n5") open+filtered, $(same nt n5) set)"
	echo "$1: nettool / best nmap = $(ratio "$nt_t" "$b")x (expected $2 open+filtered)"
}
round "20 open, rest closed" 20 256
ip netns exec "$T" nft -f - <<'NFT'
table inet bench_scan {
	chain in {
		type filter hook input priority 0;
		tcp dport 40000-40999 drop
	}
}
NFT
round "20 open, 1000 dropped" 1020 256
# A dropped port is parked (out of the -P window) once it is unanswered
# well past the measured round trip, and still waits its whole -w: a
# larger window changes little now.
round "20 open, 1000 dropped" 1020 1024
