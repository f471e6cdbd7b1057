#!/usr/bin/env python3
"""Compares `nettool netstat -tn --info --json` (argv[1]) with `ss -tniH`
(argv[2]) socket by socket: cwnd and ssthresh equal, rto within the
10 ms /proc/net/tcp counts in."""
import json
import re
import sys

ours = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    ours[(o["local_port"], o["remote_port"])] = o
text = open(sys.argv[2]).read()
# ss -i puts the internals on the line after each socket's; with one state
# asked for, ss prints no State column
recs = re.findall(r"^\d+\s+\d+\s+(\S+)\s+(\S+)[^\n]*\n(.*)$", text, re.M)
assert len(recs) == len(ours) >= 10, (len(recs), len(ours))
for local, remote, info in recs:
    key = (int(local.rsplit(":", 1)[1]), int(remote.rsplit(":", 1)[1]))
    o = ours[key]
    f = dict(kv.split(":", 1) for kv in info.split() if ":" in kv)
    assert int(f["cwnd"]) == o["cwnd"], (key, f["cwnd"], o)
    assert abs(float(f["rto"]) - o["rto_ms"]) < 10, (key, f["rto"], o)
    if "ssthresh" in f:
        assert int(f["ssthresh"]) == o["ssthresh"], (key, f["ssthresh"], o)
print("compared", len(recs), "sockets")
