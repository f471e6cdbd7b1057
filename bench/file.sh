#!/usr/bin/env bash
# file: download one big file over loopback with nettool file serve/get and
# with nc.openbsd (-l -N < file / host port > out) in the same run; the
# sha256 is checked after each. SIZE_MB (default 2048) sets the size.
set -euo pipefail
NETTOOL=${NETTOOL:-./nettool}
SIZE_MB=${SIZE_MB:-2048}
command -v nc.openbsd >/dev/null || { echo "bench/file: needs nc.openbsd" >&2; exit 2; }
T=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_listen() { for _ in $(seq 1 100); do ss -Htln "sport = :$1" | grep -q . && return; sleep 0.05; done; exit 1; }
now() { date +%s.%N; }

mkdir "$T/srv"
head -c $((SIZE_MB << 20)) /dev/urandom > "$T/srv/big"
want=$(sha256sum "$T/srv/big" | cut -d' ' -f1)
ROUNDS=${ROUNDS:-3}

# Each run starts with no dirty pages, so neither tool pays for writing
# back the other's output (or the source file) to disk.
run_nettool() {
	local P t0 t1
	P=$(port)
	"$NETTOOL" file serve -d "$T/srv" "$P" 2>/dev/null & pids+=($!)
	wait_listen "$P"
	sync
	t0=$(now); "$NETTOOL" file get 127.0.0.1 "$P" big -o "$T/nt.out"; t1=$(now)
	[ "$(sha256sum "$T/nt.out" | cut -d' ' -f1)" = "$want" ] || { echo "nettool: sha256 differs" >&2; exit 1; }
	rm -f "$T/nt.out"
	echo "nt $t0 $t1" >> "$T/times"
}
run_nc() {
	local P t0 t1
	P=$(port)
	nc.openbsd -l -N 127.0.0.1 "$P" < "$T/srv/big" & pids+=($!)
	wait_listen "$P"
	sync
	t0=$(now); nc.openbsd 127.0.0.1 "$P" < /dev/null > "$T/nc.out"; t1=$(now)
	[ "$(sha256sum "$T/nc.out" | cut -d' ' -f1)" = "$want" ] || { echo "nc: sha256 differs" >&2; exit 1; }
	rm -f "$T/nc.out"
	echo "nc $t0 $t1" >> "$T/times"
}
# One untimed pair first: on a virtual machine the first touch of fresh
# page-cache memory costs the host's allocation, whichever tool comes first.
run_nettool
run_nc
: > "$T/times"
for _ in $(seq 1 "$ROUNDS"); do
	run_nettool
	run_nc
done

python3 - "$SIZE_MB" "$T/times" <<'PY'
import sys, statistics
mb = float(sys.argv[1])
secs = {"nt": [], "nc": []}
for line in open(sys.argv[2]):
    who, t0, t1 = line.split()
    secs[who].append(float(t1) - float(t0))
a, b = statistics.median(secs["nt"]), statistics.median(secs["nc"])
print("file: %d MiB over loopback, sha256 checked, median of %d runs each" % (mb, len(secs["nt"])))
print("  nettool file serve/get  %8.1f MiB/s  (%.2f s)" % (mb / a, a))
print("  nc.openbsd -l -N / nc   %8.1f MiB/s  (%.2f s)" % (mb / b, b))
print("  ratio nettool/nc        %8.2fx" % (b / a))
PY
