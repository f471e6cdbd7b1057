#!/bin/bash
# UDP 64-byte datagrams on loopback, one per line: socat -> socat,
# nettool send -> nettool listen, and socat -> nettool listen (nettool's
# receiver against the peer's sender at full rate): datagrams/s sent,
# datagrams received, receive-buffer drops (/proc/net/snmp RcvbufErrors).
# socat reads its stdin file with -b 64, so each read (one 64-byte line)
# is one datagram, the same work nettool send does per line.
set -u
NETTOOL=${NETTOOL:-./nettool}
N=${DATAGRAMS:-500000}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"; kill $(jobs -p) 2>/dev/null' EXIT
port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitp() { for i in $(seq 100); do ss -Hulan "sport = :$1" | grep -q . && return; sleep 0.05; done; }
drops() { awk '/^Udp:/ {if (h) print $6; h=1}' /proc/net/snmp; }
python3 -c "import sys; sys.stdout.buffer.write((b'x'*63+b'\n')*$N)" > "$TMP/lines"
run() { # $1 receiver, $2 sender
	local p d0 d1 t0 t1 got; p=$(port)
	bash -c "${1//PORT/$p}" > "$TMP/out" 2>/dev/null & local rp=$!
	waitp "$p"; d0=$(drops); t0=$(date +%s.%N)
	bash -c "${2//PORT/$p}" < "$TMP/lines"
	t1=$(date +%s.%N); sleep 0.5; kill $rp; wait $rp 2>/dev/null; d1=$(drops)
	got=$(( $(wc -c < "$TMP/out") / 64 ))
	python3 -c "print('%d/s sent, %d of %d received, RcvbufErrors +%d' % ($N/($t1-$t0), $got, $N, $d1-$d0))"
	python3 -c "print($N/($t1-$t0))" >> "$TMP/rates"
}
echo "socat -> socat:     $(run "socat -u UDP-RECV:PORT,bind=127.0.0.1 -" "socat -u -b 64 - UDP-SENDTO:127.0.0.1:PORT")"
echo "nettool -> nettool: $(run "$NETTOOL listen -b 127.0.0.1 udp PORT" "$NETTOOL send udp 127.0.0.1 PORT")"
echo "socat -> nettool:   $(run "$NETTOOL listen -b 127.0.0.1 udp PORT" "socat -u -b 64 - UDP-SENDTO:127.0.0.1:PORT")"
python3 -c 'import sys; r=[float(l) for l in open(sys.argv[1])]; print("send rate nettool/socat: %.2fx" % (r[1]/r[0]))' "$TMP/rates"
