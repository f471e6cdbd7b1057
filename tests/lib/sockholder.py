#!/usr/bin/env python3
"""Holds known sockets for the netstat and port tests, writes what it holds
to the file named by argv[1] ("name value" lines, then "ready"), and stays
until killed (at most 60 s, so a lost holder cannot outlive the suite)."""
import os
import socket
import sys
import time

out = sys.argv[1]
udir = sys.argv[2]
lst = socket.socket()
lst.bind(("127.0.0.1", 0))
lst.listen()
cli = socket.create_connection(lst.getsockname())
srv, _ = lst.accept()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
l6 = socket.socket(socket.AF_INET6)
l6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
l6.bind(("::1", 0))
l6.listen()
ux = socket.socket(socket.AF_UNIX)
ux.bind(os.path.join(udir, "holder sock"))
ux.listen()
with open(out + ".tmp", "w") as f:
    f.write("pid %d\n" % os.getpid())
    f.write("listen %d\n" % lst.getsockname()[1])
    f.write("client %d\n" % cli.getsockname()[1])
    f.write("udp %d\n" % udp.getsockname()[1])
    f.write("listen6 %d\n" % l6.getsockname()[1])
    f.write("ready\n")
os.rename(out + ".tmp", out)
time.sleep(60)
