#!/usr/bin/env python3
"""Compares the counters of `nettool netstat -s --json` (argv[1]) with
`nstat -azs` (argv[2]): every counter both name has the same value."""
import json
import sys

ours = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "counter" in o:
        ours[o["group"] + o["counter"]] = o["value"]
theirs = {}
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) >= 2 and not line.startswith("#"):
        theirs[f[0]] = int(f[1])
common = set(ours) & set(theirs)
bad = [(k, ours[k], theirs[k]) for k in sorted(common) if ours[k] != theirs[k]]
assert not bad, bad
assert len(common) >= 100, len(common)
assert ours["TcpOutRsts"] >= 100, ours["TcpOutRsts"]
print("equal:", len(common), "counters; only nstat:", sorted(set(theirs) - set(ours))[:10])
