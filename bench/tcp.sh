#!/bin/bash
# TCP throughput on loopback: nettool against nc.openbsd (pipe-fed) and
# iperf3 -Z (file-fed), in one run. SIZE_MB (default 1024 = 1 GiB);
# ROUNDS (default 3) pipe-fed runs of each, alternated, medians.
set -u
NETTOOL=${NETTOOL:-./nettool}
MB=${SIZE_MB:-1024}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"; kill $(jobs -p) 2>/dev/null' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitp() { for i in $(seq 100); do ss -Htln "sport = :$1" | grep -q . && return; sleep 0.05; done; }
now() { date +%s.%N; }
rate() { python3 -c "print('%.2f' % ($MB*1048576/($2-$1)/1e9))"; }

# pipe-fed: dd | client -> server > /dev/null
run_pipe() { # $1 server cmd, $2 client cmd (PORT substituted)
	local p t0 t1; p=$(port)
	bash -c "${1//PORT/$p}" > /dev/null & local sp=$!
	waitp "$p"; t0=$(now)
	dd if=/dev/zero bs=1M count="$MB" 2>/dev/null | bash -c "${2//PORT/$p}" > /dev/null
	wait $sp; t1=$(now); rate "$t0" "$t1"
}
median() { python3 -c "import statistics,sys; print('%.2f' % statistics.median(map(float, sys.argv[1:])))" "$@"; }
ROUNDS=${ROUNDS:-3}
nc_all=() nt_all=()
for _ in $(seq 1 "$ROUNDS"); do # alternated, so both see the same machine
	nc_all+=("$(run_pipe "nc.openbsd -l 127.0.0.1 PORT" "nc.openbsd -N 127.0.0.1 PORT")")
	nt_all+=("$(run_pipe "$NETTOOL listen --once tcp PORT 2>/dev/null" "$NETTOOL send -q tcp 127.0.0.1 PORT")")
done
nc_r=$(median "${nc_all[@]}") nt_r=$(median "${nt_all[@]}")
echo "pipe-fed ${MB} MiB, median of $ROUNDS: nc.openbsd $nc_r GB/s, nettool $nt_r GB/s, ratio $(python3 -c "print('%.2f' % ($nt_r/$nc_r))")"

# file-fed
dd if=/dev/zero of="$TMP/f" bs=1M count="$MB" 2>/dev/null
p=$(port); iperf3 -s -1 -p "$p" >/dev/null 2>&1 & waitp "$p"
ip_r=$(iperf3 -c 127.0.0.1 -p "$p" -Z -n "${MB}M" -J 2>/dev/null | python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/8e9))')
p=$(port); "$NETTOOL" listen --once tcp "$p" > /dev/null 2>&1 & sp=$!; waitp "$p"
t0=$(now); "$NETTOOL" send -q tcp 127.0.0.1 "$p" < "$TMP/f"; wait $sp; t1=$(now)
nt_f=$(rate "$t0" "$t1")
echo "file-fed ${MB} MiB: iperf3 -Z $ip_r GB/s, nettool $nt_f GB/s, ratio $(python3 -c "print('%.2f' % ($nt_f/$ip_r))")"
