#!/usr/bin/env bash
# ping speed, nettool against iputils ping in one run (root):
#  1. flood: -f -c 100000 127.0.0.1 — wall and CPU time and the summary;
#  2. pacing: 1000 probes at -i 0.01 — the elapsed time (ideal 10 s) and
#     the rtt line of each.
set -euo pipefail
NETTOOL=${NETTOOL:-./nettool}
FLOOD=${FLOOD:-100000}
PACED=${PACED:-1000}
[ "$(id -u)" = 0 ] || { echo "bench/ping: needs root (flood and -i 0.01)" >&2; exit 2; }
command -v ping >/dev/null || { echo "bench/ping: needs iputils-ping" >&2; exit 2; }

measure() { # label command...: wall, user+sys CPU, last two lines
	local out t
	out=$( { /usr/bin/time -f '%e %U %S' "$@" > "$tmp" ; } 2>&1 | tail -n 1)
	t=($out)
	printf "  %-44s wall %6.2f s  cpu %6.2f s\n" "$*" "${t[0]}" "$(echo "${t[1]} + ${t[2]}" | bc -l)"
	grep -E 'packets transmitted|^rtt' "$tmp" | sed 's/^/      /'
	WALL=${t[0]} CPU=$(echo "${t[1]} + ${t[2]}" | bc -l)
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

echo "== flood, $FLOOD probes to 127.0.0.1"
measure "$NETTOOL" ping -f -c "$FLOOD" 127.0.0.1; nw=$WALL nc=$CPU
measure ping -f -c "$FLOOD" 127.0.0.1; iw=$WALL ic=$CPU
printf '  ratio nettool/iputils: wall %.2f  cpu %.2f\n' "$(echo "$nw / $iw" | bc -l)" "$(echo "$nc / $ic" | bc -l)"

echo "== pacing, $PACED probes at -i 0.01 (ideal $(echo "$PACED * 0.01" | bc) s)"
measure "$NETTOOL" ping -q -i 0.01 -c "$PACED" 127.0.0.1; nw=$WALL
measure ping -q -i 0.01 -c "$PACED" 127.0.0.1; iw=$WALL
printf '  elapsed vs ideal: nettool %.1f%%  iputils %.1f%%\n' \
	"$(echo "($nw / ($PACED * 0.01) - 1) * 100" | bc -l)" "$(echo "($iw / ($PACED * 0.01) - 1) * 100" | bc -l)"
