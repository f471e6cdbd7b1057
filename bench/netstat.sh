#!/usr/bin/env bash
# netstat speed: hold N established loopback TCP sockets (N/2 connections,
# both ends counted) in a network namespace of our own, then time in one
# run, with hyperfine inside the namespace:
#   cat /proc/net/tcp /proc/net/tcp6   (the kernel's cost, the floor)
#   nettool netstat -tan, ss -tan, netstat -tan
#   nettool netstat -tanp, ss -tanp, netstat -tanp
# and at the largest N:
#   nettool netstat -s, netstat -s, nstat -az (socket counts and counters)
#   nettool netstat -tan --dst 10.0.0.0/8 --dport 5432 against the cat
#   floor and ss -tan dst 10.0.0.0/8 dport = :5432 (100 of the connections
#   go to 10.0.0.1:5432 so the filter keeps some)
# SIZES="20000 60000" (default) chooses N. Needs root (ip netns), ss,
# netstat, nstat, hyperfine, python3. Everything is removed at the end.
set -euo pipefail
NETTOOL=$(realpath "${NETTOOL:-./nettool}")
SIZES=${SIZES:-"20000 60000"}
PER_HOLDER=5000 # connections per holder: 10,000 fds, under the 20,000 limit
RUNS=${RUNS:-10}

for c in ip ss netstat nstat hyperfine python3; do
	command -v "$c" >/dev/null || { echo "bench/netstat: needs $c" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "bench/netstat: needs root for a network namespace" >&2; exit 2; }

dir=$(mktemp -d)
NS="ntbench$$"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT

ip netns add "$NS"
ip -n "$NS" link set lo up
# The namespace's own port space: no effect on the rest of the machine.
ip netns exec "$NS" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
ip -n "$NS" addr add 10.0.0.1/8 dev lo

cat >"$dir/holder.py" <<'PY'
import resource, socket, sys, time
n, ready = int(sys.argv[1]), sys.argv[2]
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
addr = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
port = int(sys.argv[4]) if len(sys.argv) > 4 else 0
l = socket.socket()
l.bind((addr, port))
l.listen(4096)
held = []
for i in range(n):
    c = socket.create_connection(l.getsockname())
    a, _ = l.accept()
    held += [c, a]
open(ready, "w").write("ok\n")
time.sleep(900)  # killed by the bench; never outlives it by much
PY

# Grows the number of holders until N sockets are held.
held=0
hold() {
	local want=$1 i
	while [ $((held + 2 * PER_HOLDER)) -le "$want" ]; do
		i=${#pids[@]}
		ip netns exec "$NS" python3 "$dir/holder.py" "$PER_HOLDER" "$dir/ready$i" &
		pids+=($!)
		for _ in $(seq 1 600); do [ -f "$dir/ready$i" ] && break; sleep 0.1; done
		[ -f "$dir/ready$i" ] || { echo "bench/netstat: holder $i did not start" >&2; exit 1; }
		held=$((held + 2 * PER_HOLDER))
	done
}

median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.1f" % (x["median"]*1000) for x in r))' "$1"; }

for n in $SIZES; do
	hold "$n"
	count=$(ip netns exec "$NS" cat /proc/net/tcp /proc/net/tcp6 | grep -c ' 01 ')
	echo "== $n sockets held ($count ESTABLISHED lines in /proc/net/tcp*), $RUNS runs each, medians in ms"
	ip netns exec "$NS" hyperfine -N -w 2 -r "$RUNS" --export-json "$dir/a.json" \
		"cat /proc/net/tcp /proc/net/tcp6" \
		"$NETTOOL netstat -tan" "ss -tan" "netstat -tan" >/dev/null
	ip netns exec "$NS" hyperfine -N -w 1 -r "$RUNS" --export-json "$dir/b.json" \
		"$NETTOOL netstat -tanp" "ss -tanp" "netstat -tanp" >/dev/null
	read -r cat nt ss ns <<<"$(median "$dir/a.json")"
	read -r ntp ssp nsp <<<"$(median "$dir/b.json")"
	# The same sockets listed: nettool and ss agree on the count.
	ntn=$(ip netns exec "$NS" "$NETTOOL" netstat -tan | tail -n +2 | wc -l)
	ssn=$(ip netns exec "$NS" ss -tanH | wc -l)
	printf '%-34s %8s ms\n' "cat /proc/net/tcp /proc/net/tcp6" "$cat" \
		"nettool netstat -tan ($ntn rows)" "$nt" "ss -tan ($ssn rows)" "$ss" \
		"netstat -tan" "$ns" "nettool netstat -tanp" "$ntp" "ss -tanp" "$ssp" \
		"netstat -tanp" "$nsp"
	python3 - "$cat" "$nt" "$ss" "$ns" "$ntp" "$ssp" "$nsp" <<'PY'
import sys
cat, nt, ss, ns, ntp, ssp, nsp = map(float, sys.argv[1:])
print("ratio nettool -tan / cat floor: %.2fx (target <= 1.3x)" % (nt / cat))
print("ratio nettool -tan / ss -tan: %.2fx, / netstat -tan: %.2fx" % (nt / ss, nt / ns))
print("ratio nettool -tanp / ss -tanp: %.2fx (target <= 0.5x), / netstat -tanp: %.2fx" % (ntp / ssp, ntp / nsp))
PY
done

# -s and the filter, at the largest size held.
ip netns exec "$NS" python3 "$dir/holder.py" 100 "$dir/ready-pg" 10.0.0.1 5432 &
pids+=($!)
for _ in $(seq 1 600); do [ -f "$dir/ready-pg" ] && break; sleep 0.1; done
echo "== netstat -s and a filter, $RUNS runs each, medians in ms"
ip netns exec "$NS" hyperfine -N -w 1 -r "$RUNS" --export-json "$dir/c.json" \
	"$NETTOOL netstat -s" "netstat -s" "nstat -az" >/dev/null
read -r nts nss nst <<<"$(median "$dir/c.json")"
ip netns exec "$NS" hyperfine -N -w 1 -r "$RUNS" --export-json "$dir/d.json" \
	"cat /proc/net/tcp /proc/net/tcp6" \
	"$NETTOOL netstat -tan --dst 10.0.0.0/8 --dport 5432" \
	"ss -tan dst 10.0.0.0/8 dport = :5432" >/dev/null
read -r cat ntf ssf <<<"$(median "$dir/d.json")"
ntn=$(ip netns exec "$NS" "$NETTOOL" netstat -tan --dst 10.0.0.0/8 --dport 5432 | tail -n +2 | wc -l)
ssn=$(ip netns exec "$NS" ss -tanH dst 10.0.0.0/8 dport = :5432 | wc -l)
printf '%-52s %8s ms\n' "nettool netstat -s" "$nts" "netstat -s" "$nss" "nstat -az" "$nst" \
	"cat /proc/net/tcp /proc/net/tcp6" "$cat" \
	"nettool netstat -tan --dst 10.0.0.0/8 --dport 5432 ($ntn rows)" "$ntf" \
	"ss -tan dst 10.0.0.0/8 dport = :5432 ($ssn rows)" "$ssf"
python3 - "$nts" "$nss" "$nst" "$cat" "$ntf" "$ssf" <<'PY'
import sys
nts, nss, nst, cat, ntf, ssf = map(float, sys.argv[1:])
print("ratio nettool -s / netstat -s: %.2fx, / nstat -az: %.2fx (target <= 1x both)" % (nts / nss, nts / nst))
print("ratio filter / cat floor: %.2fx (target <= 1.3x), / ss: %.2fx (target <= 1x)" % (ntf / cat, ntf / ssf))
PY
