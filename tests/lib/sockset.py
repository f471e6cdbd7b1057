#!/usr/bin/env python3
"""Holds a known set of TCP sockets for netstat's filter, timer and info
tests, in the namespace it runs in: listeners on 127.0.0.1, ::1 and
0.0.0.0, established pairs to each, two client ends in TIME_WAIT, a
connection to PEER (argv[3], may be "-") and a SYN_SENT to 10.88.0.2:5432
(a link that drops what it gets). Writes "name value" lines then
"ready" to argv[1]; then reads commands from the FIFO argv[2]: "send"
writes 64 KiB to the peer connection; "end" leaves. At most 60 s."""
import os
import socket
import sys
import time

out, fifo, peer = sys.argv[1], sys.argv[2], sys.argv[3]
held = []


def listener(family, addr):
    s = socket.socket(family)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, 0))
    s.listen(16)
    held.append(s)
    return s


def pairs(lst, n):
    for _ in range(n):
        c = socket.create_connection(lst.getsockname()[:2])
        a, _ = lst.accept()
        held.extend([c, a])


l4, l6, lany = listener(socket.AF_INET, "127.0.0.1"), listener(socket.AF_INET6, "::1"), \
    listener(socket.AF_INET, "0.0.0.0")
pairs(l4, 3)
pairs(l6, 2)
pairs(lany, 1)
for _ in range(2):                      # the client closes first: TIME_WAIT
    c = socket.create_connection(("127.0.0.1", lany.getsockname()[1]))
    a, _ = lany.accept()
    c.close()
    a.close()
syn = socket.socket()
syn.setblocking(False)
syn.connect_ex(("10.88.0.2", 5432))
held.append(syn)
pc = None
if peer != "-":
    host, port = peer.rsplit(":", 1)
    pc = socket.create_connection((host, int(port)))
with open(out + ".tmp", "w") as f:
    f.write("pid %d\nl4 %d\nl6 %d\nlany %d\nsyn %d\n" % (
        os.getpid(), l4.getsockname()[1], l6.getsockname()[1], lany.getsockname()[1],
        syn.getsockname()[1]))
    if pc:
        f.write("peerlocal %d\n" % pc.getsockname()[1])
    f.write("ready\n")
os.rename(out + ".tmp", out)
deadline = time.time() + 60
with open(fifo) as cmds:
    for line in cmds:
        if line.strip() == "send" and pc:
            pc.setblocking(False)
            try:
                pc.send(b"x" * 65536)
            except BlockingIOError:
                pass
        if line.strip() == "end" or time.time() > deadline:
            break
