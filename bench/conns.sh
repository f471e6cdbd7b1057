#!/bin/bash
# Short echo connections per second (nettool listen --echo vs socat fork
# and ncat --exec), RSS with many idle clients, CPU of an idle listener.
set -u
NETTOOL=${NETTOOL:-./nettool}
N=${CONNS:-10000}
IDLE=${IDLE_CLIENTS:-10000}
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitp() { for i in $(seq 100); do ss -Htln "sport = :$1" | grep -q . && return; sleep 0.05; done; }
client='
import socket,sys,time
p,n=int(sys.argv[1]),int(sys.argv[2]); msg=b"x"*100; t=time.time()
for i in range(n):
    s=socket.create_connection(("127.0.0.1",p)); s.sendall(msg); got=b""
    while len(got)<100:
        b=s.recv(100-len(got))
        if not b: break
        got+=b
    s.close()
print("%.0f" % (n/(time.time()-t)))'
run() { local p; p=$(port); bash -c "${1//PORT/$p}" >/dev/null 2>&1 & local sp=$!; waitp "$p"
	python3 -c "$client" "$p" "$N"; kill $sp; wait $sp 2>/dev/null; }
echo "conns/s ($N): nettool $(run "exec $NETTOOL listen --echo tcp PORT") socat $(run "exec socat TCP-LISTEN:PORT,fork,reuseaddr EXEC:cat") ncat $(run "exec ncat -lk 127.0.0.1 PORT --exec /bin/cat")"
p=$(port); "$NETTOOL" listen tcp "$p" </dev/null >/dev/null 2>&1 & sp=$!; waitp "$p"
t0=$(awk '{print $14+$15}' /proc/$sp/stat); sleep 5; t1=$(awk '{print $14+$15}' /proc/$sp/stat)
echo "idle listener CPU over 5 s: $((t1 - t0)) ticks"
python3 -c '
import socket,sys,time,resource
r=resource.getrlimit(resource.RLIMIT_NOFILE); resource.setrlimit(resource.RLIMIT_NOFILE,(r[1],r[1]))
p,n,pid=int(sys.argv[1]),int(sys.argv[2]),sys.argv[3]; ss=[]
for i in range(n): ss.append(socket.create_connection(("127.0.0.1",p)))
time.sleep(1)
rss=[l for l in open("/proc/%s/status"%pid) if l.startswith("VmRSS")][0].split()[1]
print("%d idle clients: listener RSS %d KiB" % (len(ss), int(rss)))' "$p" "$IDLE" "$sp"
kill $sp; wait $sp 2>/dev/null

# ---- send --repeat: long against short connections (the notes' 4.8) ----
# The same REPEAT exchanges with listen --echo, each on its own connection
# and all on one: rates, their ratio and the TIME_WAIT sockets each left.
R=${REPEAT:-10000}
p=$(port); "$NETTOOL" listen --echo tcp "$p" </dev/null >/dev/null 2>&1 & sp=$!; waitp "$p"
short=$("$NETTOOL" send --json --repeat "$R" tcp 127.0.0.1 "$p" hello)
keep=$("$NETTOOL" send --json --repeat "$R" --keep tcp 127.0.0.1 "$p" hello)
kill $sp; wait $sp 2>/dev/null
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
echo "send --repeat $R short: $(field "$short" exchanges) exchanges over $(field "$short" connections) connections, $(field "$short" exchanges_per_s)/s, exchange median $(field "$short" exchange_median_ms) ms, connect median $(field "$short" connect_median_ms) ms, TIME_WAIT $(field "$short" time_wait)"
echo "send --repeat $R --keep: $(field "$keep" exchanges) exchanges over $(field "$keep" connections) connection, $(field "$keep" exchanges_per_s)/s, exchange median $(field "$keep" exchange_median_ms) ms, TIME_WAIT $(field "$keep" time_wait)"
echo "long/short: $(python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$(field "$keep" exchanges_per_s)" "$(field "$short" exchanges_per_s)")x the exchanges per second on one connection"
