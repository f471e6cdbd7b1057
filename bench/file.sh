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

P=$(port)
"$NETTOOL" file serve -d "$T/srv" "$P" 2>/dev/null & pids+=($!)
wait_listen "$P"
t0=$(now); "$NETTOOL" file get 127.0.0.1 "$P" big -o "$T/nt.out"; t1=$(now)
[ "$(sha256sum "$T/nt.out" | cut -d' ' -f1)" = "$want" ] || { echo "nettool: sha256 differs" >&2; exit 1; }
rm -f "$T/nt.out"

P=$(port)
nc.openbsd -l -N 127.0.0.1 "$P" < "$T/srv/big" & pids+=($!)
wait_listen "$P"
t2=$(now); nc.openbsd 127.0.0.1 "$P" < /dev/null > "$T/nc.out"; t3=$(now)
[ "$(sha256sum "$T/nc.out" | cut -d' ' -f1)" = "$want" ] || { echo "nc: sha256 differs" >&2; exit 1; }

python3 - "$SIZE_MB" "$t0" "$t1" "$t2" "$t3" <<'PY'
import sys
mb = float(sys.argv[1]); t0, t1, t2, t3 = map(float, sys.argv[2:])
a, b = mb / (t1 - t0), mb / (t3 - t2)
print("file: %d MiB over loopback, sha256 checked" % mb)
print("  nettool file serve/get  %8.1f MiB/s  (%.2f s)" % (a, t1 - t0))
print("  nc.openbsd -l -N / nc   %8.1f MiB/s  (%.2f s)" % (b, t3 - t2))
print("  ratio nettool/nc        %8.2fx" % (a / b))
PY
