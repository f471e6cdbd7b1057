#!/usr/bin/env bash
# route speed: 100,000 routes in the main table of a network namespace of
# our own (added with ip -batch), then in one run, with hyperfine inside
# the namespace (medians):
#   nettool route -n, ip route, netstat -rn (and route -n when installed)
# and route get against ip route get. ROUTES=N changes the count. Needs root
# (ip netns), ip, netstat, hyperfine, python3. Everything is removed at the end.
set -euo pipefail
NETTOOL=$(realpath "${NETTOOL:-./nettool}")
ROUTES=${ROUTES:-100000}
RUNS=${RUNS:-10}

for c in ip netstat hyperfine python3; do
	command -v "$c" >/dev/null || { echo "bench/route: needs $c" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "bench/route: needs root for a network namespace" >&2; exit 2; }

dir=$(mktemp -d)
NS="ntroute$$"
cleanup() { ip netns del "$NS" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add r0 type veth peer name r1
ip -n "$NS" addr add 10.0.0.1/8 dev r0
ip -n "$NS" link set r0 up
ip -n "$NS" link set r1 up
# 11.x.y.0/24 for up to 65,536 routes; beyond, 12.x.y.0/24 and on
python3 - "$ROUTES" >"$dir/batch" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    print("route add %d.%d.%d.0/24 via 10.0.0.2" % (11 + (i >> 16), i >> 8 & 255, i & 255))
PY
ip -n "$NS" -batch "$dir/batch"
count=$(ip -n "$NS" route show | wc -l)
echo "== $count routes in the main table, $RUNS runs each, medians in ms"

median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.1f" % (x["median"]*1000) for x in r))' "$1"; }
cmds=("$NETTOOL route -n" "ip route" "netstat -rn")
command -v route >/dev/null && cmds+=("route -n")
ip netns exec "$NS" hyperfine -N -w 2 -r "$RUNS" --export-json "$dir/a.json" "${cmds[@]}" >/dev/null
read -r -a ms <<<"$(median "$dir/a.json")"
ntn=$(ip netns exec "$NS" "$NETTOOL" route -n -4 | tail -n +2 | wc -l)
for i in "${!cmds[@]}"; do
	printf '%-28s %8s ms\n' "${cmds[$i]}" "${ms[$i]}"
done
echo "nettool route -n listed $ntn routes (ip route: $count)"
python3 -c 'import sys; a=[float(x) for x in sys.argv[1:]]; print("ratio nettool route -n / ip route: %.2fx (target <= 1x), / netstat -rn: %.2fx" % (a[0]/a[1], a[0]/a[2]))' "${ms[@]}"
ip netns exec "$NS" hyperfine -N -w 2 -r "$RUNS" --export-json "$dir/b.json" \
	"$NETTOOL route get 11.0.200.9" "ip route get 11.0.200.9" >/dev/null
read -r g1 g2 <<<"$(median "$dir/b.json")"
printf '%-28s %8s ms\n%-28s %8s ms\n' "nettool route get" "$g1" "ip route get" "$g2"
