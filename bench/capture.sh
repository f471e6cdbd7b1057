#!/usr/bin/env bash
# capture speed (root): iperf3 pushes TCP over loopback for SECS seconds
# (default 10) while these captures run side by side on the same packets:
#   nettool capture -w /dev/null    tcpdump -w /dev/null
#   (equal rings)                   tcpdump -B 32768 -w /dev/null
#   nettool capture > /dev/null     tcpdump -n > /dev/null
#   nettool -C 100 -W 3 -w FILE     tcpdump -C 100 -W 3 -w FILE
#   nettool, a 10-term filter       tcpdump, the same filter
# nettool's ring is 32 MiB, tcpdump's default 2 MiB: the -B 32768 row
# compares equal buffers (the default is a better default, not a faster
# path). The -C rings are written under $TMPDIR (python's tempfile: /tmp
# by default), whatever file system that is: the first line says which,
# since the kernel's cost of writing them (and of online discard when a
# ring file is rewritten) depends on it. For each: packets captured,
# kernel drops, CPU time (user+sys from wait4); then the nettool/tcpdump
# ratios.
set -euo pipefail
NETTOOL=${NETTOOL:-./nettool}
SECS=${SECS:-10}
[ "$(id -u)" = 0 ] || { echo "bench/capture: needs root" >&2; exit 2; }
for c in iperf3 tcpdump python3; do
	command -v "$c" >/dev/null || { echo "bench/capture: needs $c" >&2; exit 2; }
done

exec python3 - "$NETTOOL" "$SECS" <<'PY'
import os, re, signal, socket, subprocess, sys, tempfile, time

nettool, secs = sys.argv[1], int(sys.argv[2])
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
filt = ["tcp", "port", str(port)]
tmp = tempfile.mkdtemp()
# ten terms, every one true of the iperf3 packets or or'ed with one that is
ten = ["tcp port %d and (host 127.0.0.1 or host 10.1.2.3) and (net 127.0.0.0/8 or net 10.0.0.0/8)"
       " and not udp and not icmp and (portrange %d-%d or port 1)"
       " and (greater 0 or less 0) and ip" % (port, port, port)]
runs = [
    ("nettool capture -w /dev/null", [nettool, "capture", "-i", "lo", "-w", "/dev/null"] + filt, "/dev/null"),
    ("tcpdump -w /dev/null", ["tcpdump", "-i", "lo", "-w", "/dev/null"] + filt, "/dev/null"),
    ("nettool capture > /dev/null", [nettool, "capture", "-i", "lo"] + filt, "/dev/null"),
    ("tcpdump -n > /dev/null", ["tcpdump", "-n", "-i", "lo"] + filt, "/dev/null"),
    ("tcpdump -B 32768 -w /dev/null", ["tcpdump", "-B", "32768", "-i", "lo", "-w", "/dev/null"] + filt, "/dev/null"),
    ("nettool capture -C 100 -W 3", [nettool, "capture", "-i", "lo", "-C", "100", "-W", "3", "-w",
                                     os.path.join(tmp, "n.pcap")] + filt, "/dev/null"),
    ("tcpdump -C 100 -W 3", ["tcpdump", "-i", "lo", "-C", "100", "-W", "3", "-Z", "root", "-w",
                             os.path.join(tmp, "t.pcap")] + filt, "/dev/null"),
    ("nettool capture 10-term filter", [nettool, "capture", "-i", "lo", "-w", "/dev/null"] + ten, "/dev/null"),
    ("tcpdump 10-term filter", ["tcpdump", "-i", "lo", "-w", "/dev/null"] + ten, "/dev/null"),
]
server = subprocess.Popen(["iperf3", "-s", "-1", "-B", "127.0.0.1", "-p", str(port)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
procs = []
for label, cmd, out in runs:
    err = open(os.path.join(tmp, str(len(procs))), "w+")
    p = subprocess.Popen(cmd, stdout=open(out, "w"), stderr=err)
    procs.append((label, p, err))
time.sleep(1.5)  # let every capture open its socket
client = subprocess.run(["iperf3", "-c", "127.0.0.1", "-p", str(port), "-t", str(secs)],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
rate = [l for l in client.stdout.splitlines() if "sender" in l]
m = re.search(r"([\d.]+ [KMG]?bits/sec)", rate[0]) if rate else None
print("iperf3 over lo for %d s: %s" % (secs, m.group(1) if m else "?"))
mnt = subprocess.run(["stat", "-c", "%m", tmp], stdout=subprocess.PIPE, text=True).stdout.strip()
fs = [l.split()[2] + ", " + l.split()[3] for l in open("/proc/mounts") if l.split()[1] == mnt]
print("-C files in %s (%s)" % (tmp, fs[-1] if fs else "?"))
time.sleep(1)
results = {}
for label, p, err in procs:
    p.send_signal(signal.SIGINT)
for label, p, err in procs:
    _, status, ru = os.wait4(p.pid, 0)
    err.seek(0)
    text = err.read()
    cap = re.search(r"(\d+) packets captured", text)
    drop = re.search(r"(\d+) packets dropped by kernel", text)
    cpu = ru.ru_utime + ru.ru_stime
    results[label] = (int(cap.group(1)) if cap else -1, int(drop.group(1)) if drop else -1, cpu)
    print("  %-30s captured %9s  dropped %9s  cpu %6.2f s" % (label, results[label][0], results[label][1], cpu))
server.kill(); server.wait()
for f in os.listdir(tmp):
    os.unlink(os.path.join(tmp, f))
os.rmdir(tmp)
def ratio(a, b):
    return "%.2f" % (a / b) if b else ("1.00" if a == b else "inf")
for n, t, what in (("nettool capture -w /dev/null", "tcpdump -w /dev/null", "-w /dev/null"),
                  ("nettool capture -w /dev/null", "tcpdump -B 32768 -w /dev/null",
                   "-w /dev/null, equal 32 MiB rings"),
                  ("nettool capture > /dev/null", "tcpdump -n > /dev/null", "> /dev/null"),
                  ("nettool capture -C 100 -W 3", "tcpdump -C 100 -W 3", "-C 100 -W 3"),
                  ("nettool capture 10-term filter", "tcpdump 10-term filter", "10-term filter")):
    a, b = results[n], results[t]
    print("  ratio nettool/tcpdump (%s): cpu %s, drops %d vs %d, captured %d vs %d" %
          (what, ratio(a[2], b[2]), a[1], b[1], a[0], b[0]))
PY
