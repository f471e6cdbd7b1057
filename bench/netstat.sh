#!/usr/bin/env bash
# netstat speed: hold N established loopback TCP sockets (spread over holder
# processes, 20,000 open files each at most) and time, in one run, nettool
# netstat -tan against ss -tan, netstat -tan and the kernel's own cost of
# producing the text (cat /proc/net/tcp /proc/net/tcp6); then -tanp against
# ss -tanp and netstat -tanp. Medians of RUNS runs, milliseconds.
# SOCKETS="20000 60000" RUNS=9 by default.
set -euo pipefail
NETTOOL=${NETTOOL:-./nettool}
SOCKETS=${SOCKETS:-"20000 60000"}
RUNS=${RUNS:-9}
PER_HOLDER=8000   # connection pairs per holder: 16,000 files
dir=$(mktemp -d)
holders=()
cleanup() {
	local p
	for p in "${holders[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${holders[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT

for c in ss netstat python3; do
	command -v $c >/dev/null || { echo "bench/netstat: needs $c" >&2; exit 2; }
done


hold() { # total sockets wanted
	local want=$1 have=0 i=0 n
	while [ $have -lt "$want" ]; do
		n=$(( (want - have) / 2 )); [ $n -gt $PER_HOLDER ] && n=$PER_HOLDER
		i=$((i + 1))
		python3 "$dir/holder.py" "$n" "127.0.$(( (${#holders[@]} / 250) + 1 )).$(( (${#holders[@]} % 250) + 1 ))" "$dir/ready.${#holders[@]}" &
		holders+=($!)
		have=$((have + 2 * n))
	done
	for i in $(seq 0 $(( ${#holders[@]} - 1 ))); do
		for _ in $(seq 1 600); do [ -e "$dir/ready.$i" ] && break; sleep 0.1; done
		[ -e "$dir/ready.$i" ] || { echo "bench/netstat: holder $i not ready" >&2; exit 1; }
	done
}

median_ms() { # command...: median wall time over RUNS runs
	local i t0 t1
	for i in $(seq 1 "$RUNS"); do
		t0=$(date +%s%N); "$@" > /dev/null 2>&1; t1=$(date +%s%N)
		echo $(( (t1 - t0) / 1000 ))
	done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

catproc() { cat /proc/net/tcp /proc/net/tcp6; }

for n in $SOCKETS; do
	cleanup; holders=(); dir=$(mktemp -d); trap cleanup EXIT
	# a fresh directory and holders for each size
	cat > "$dir/holder.py" <<'PY'
# Holds PAIRS established loopback connections until killed.
import resource, socket, sys, time
pairs, addr, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, 0)); ls.listen(4096)
held = []
for i in range(pairs):
    c = socket.create_connection(ls.getsockname())
    a, _ = ls.accept()
    held += [c, a]
open(ready, "w").close()
while True:
    time.sleep(3600)
PY
	hold "$n"
	listed=$("$NETTOOL" netstat -tan | wc -l)
	echo "== $n established sockets held ($listed lines from nettool netstat -tan), median of $RUNS runs, ms"
	t_cat=$(median_ms catproc)
	t_nt=$(median_ms "$NETTOOL" netstat -tan)
	t_ss=$(median_ms ss -tan)
	t_ns=$(median_ms netstat -tan)
	t_ntp=$(median_ms "$NETTOOL" netstat -tanp)
	t_ssp=$(median_ms ss -tanp)
	t_nsp=$(median_ms netstat -tanp)
	printf '  %-28s %8s\n' "cat /proc/net/tcp{,6}" "$t_cat" "nettool netstat -tan" "$t_nt" \
		"ss -tan" "$t_ss" "netstat -tan" "$t_ns" "nettool netstat -tanp" "$t_ntp" \
		"ss -tanp" "$t_ssp" "netstat -tanp" "$t_nsp"
	printf '  nettool -tan / cat floor: %.2f   nettool -tan / ss -tan: %.2f   nettool -tanp / ss -tanp: %.2f\n' \
		"$(echo "$t_nt / $t_cat" | bc -l)" "$(echo "$t_nt / $t_ss" | bc -l)" "$(echo "$t_ntp / $t_ssp" | bc -l)"
done
