#!/usr/bin/env bash
# ping speed, nettool against iputils ping and fping in one run (root):
#  1. flood with -q for both: -f -q -c 100000 127.0.0.1, wall and CPU;
#     then the same without -q (iputils writes a dot and a backspace per
#     probe, nettool writes nothing off a terminal), labelled;
#  2. pacing: 1000 probes at -i 0.01, the elapsed time (ideal 10 s);
#  3. sweep: -g over a /24 in a namespace, 100 addresses answering, one
#     probe each, the same timeout and rate, against fping -a -g -i 1
#     (and fping with its default 10 ms between probes, labelled);
#  4. 1000 targets, 10 probes each 0.1 s apart at 5000 probes/s in all:
#     CPU per probe against fping -c 10 -p 100 -i 0.2.
set -euo pipefail
NETTOOL=${NETTOOL:-./nettool}
FLOOD=${FLOOD:-100000}
PACED=${PACED:-1000}
[ "$(id -u)" = 0 ] || { echo "bench/ping: needs root (flood, namespaces)" >&2; exit 2; }
command -v ping >/dev/null || { echo "bench/ping: needs iputils-ping" >&2; exit 2; }

measure() { # label command...: wall, user+sys CPU, last lines
	local t
	/usr/bin/time -o "$tmp.time" -f '%e %U %S' "$@" > "$tmp" 2>/dev/null || true
	t=($(tail -n 1 "$tmp.time"))
	WALL=${t[0]} CPU=$(echo "${t[1]} + ${t[2]}" | bc -l)
	printf "  %-60s wall %6.2f s  cpu %6.2f s\n" "$(echo "$*" | sed 's/ip netns exec [^ ]* //')" "$WALL" "$CPU"
	grep -E 'packets transmitted|^rtt' "$tmp" | sed 's/^/      /' || true
}
ratio() { printf '  ratio nettool/%s: wall %.2f  cpu %.2f\n' "$1" "$(echo "$2 / $3" | bc -l)" \
	"$(echo "$4 / ($5 + 0.0001)" | bc -l)"; }
tmp=$(mktemp)
NS=
cleanup() { rm -f "$tmp" "$tmp.time"; [ -n "$NS" ] && { ip netns del "${NS}a"; ip netns del "${NS}b"; } 2>/dev/null; true; }
trap cleanup EXIT

echo "== flood with -q for both, $FLOOD probes to 127.0.0.1"
measure "$NETTOOL" ping -f -q -c "$FLOOD" 127.0.0.1; nw=$WALL nc=$CPU
measure ping -f -q -c "$FLOOD" 127.0.0.1; ratio iputils "$nw" "$WALL" "$nc" "$CPU"
echo "== flood without -q (iputils prints dots, nettool off a terminal nothing)"
measure "$NETTOOL" ping -f -c "$FLOOD" 127.0.0.1; nw=$WALL nc=$CPU
measure ping -f -c "$FLOOD" 127.0.0.1; ratio iputils "$nw" "$WALL" "$nc" "$CPU"

echo "== pacing, $PACED probes at -i 0.01 (ideal $(echo "$PACED * 0.01" | bc) s)"
measure "$NETTOOL" ping -q -i 0.01 -c "$PACED" 127.0.0.1; nw=$WALL
measure ping -q -i 0.01 -c "$PACED" 127.0.0.1; iw=$WALL
printf '  elapsed vs ideal: nettool %.1f%%  iputils %.1f%%\n' \
	"$(echo "($nw / ($PACED * 0.01) - 1) * 100" | bc -l)" "$(echo "($iw / ($PACED * 0.01) - 1) * 100" | bc -l)"

command -v fping >/dev/null || { echo "bench/ping: no fping, many-target rows skipped"; exit 0; }
# A 10.230.0.1 -- B 10.230.0.2; B holds 10.231.0.1-100 (the sweep) and
# 10.232.0.0-10.232.3.231 (1000 targets) on its veth.
NS=ntbench$$
ip netns add "${NS}a"; ip netns add "${NS}b"
ip link add "${NS}x" netns "${NS}a" type veth peer name "${NS}y" netns "${NS}b"
ip -n "${NS}a" addr add 10.230.0.1/24 dev "${NS}x"; ip -n "${NS}b" addr add 10.230.0.2/24 dev "${NS}y"
{ for i in $(seq 1 100); do echo "addr add 10.231.0.$i/24 dev ${NS}y"; done
  for i in $(seq 0 999); do echo "addr add 10.232.$((i / 250)).$((i % 250 + 1))/22 dev ${NS}y"; done; } | ip -n "${NS}b" -batch -
for n in a b; do ip -n "$NS$n" link set lo up; done
ip -n "${NS}a" link set "${NS}x" up; ip -n "${NS}b" link set "${NS}y" up
ip -n "${NS}a" route add 10.231.0.0/24 via 10.230.0.2
ip -n "${NS}a" route add 10.232.0.0/22 via 10.230.0.2
A="ip netns exec ${NS}a"

echo "== sweep: -g 10.231.0.0/24 (100 answer), one probe each, 0.5 s timeout, 1000 probes/s"
measure $A "$NETTOOL" ping -a -g 10.231.0.0/24 -W 0.5 --retries 0 --rate 1000; nw=$WALL nc=$CPU
na=$(sort "$tmp" | md5sum)
measure $A fping -a -g 10.231.0.0/24 -t 500 -r 0 -i 1; fa=$(sort "$tmp" | md5sum)
[ "$na" = "$fa" ] && echo "  alive: the same $(wc -l < "$tmp") addresses" || echo "  alive: the sets DIFFER"
ratio fping "$nw" "$WALL" "$nc" "$CPU"
echo "== the same sweep with fping's default 10 ms between probes"
measure $A fping -a -g 10.231.0.0/24 -t 500 -r 0

echo "== 1000 targets, -c 10 -i 0.1 --rate 5000 (fping -c 10 -p 100 -i 0.2)"
seq 0 999 | awk '{printf "10.232.%d.%d\n", int($1 / 250), $1 % 250 + 1}' > "$tmp.t"
measure $A "$NETTOOL" ping -q -c 10 -i 0.1 --rate 5000 --file "$tmp.t"; nw=$WALL nc=$CPU
measure $A fping -q -c 10 -p 100 -i 0.2 -f "$tmp.t"; rm -f "$tmp.t"
printf '  CPU per probe: nettool %.1f us, fping %.1f us\n' "$(echo "$nc * 100" | bc -l)" "$(echo "$CPU * 100" | bc -l)"
ratio fping "$nw" "$WALL" "$nc" "$CPU"
