#!/usr/bin/env python3
"""Normalises route and neighbour records so nettool's JSON Lines and
iproute2's `ip -j` arrays compare line by line.

  route_norm.py route ip|nettool      (ip -j route show / get)
  route_norm.py neigh ip|nettool      (ip -j neigh show)

ip leaves out the values it takes as defaults (type unicast, table main,
protocol boot, scope global); nettool always writes them: both become
the same sorted lines of key=value."""
import json
import os
import sys

ROUTE_KEYS = ["type", "dst", "from", "gateway", "dev", "table", "protocol",
              "scope", "prefsrc", "metric", "pref", "flags"]
DEFAULTS = {"type": "unicast", "table": "main", "protocol": "boot", "scope": "global"}
GET_SKIP = {"protocol", "scope"}   # route get answers carry neither meaningfully


def records(text, source):
    text = text.strip()
    if not text:
        return []
    if source == "ip":
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines()]


def route_line(r, get):
    out = []
    for k in ROUTE_KEYS:
        if get and k in GET_SKIP:
            continue
        v = r.get(k, DEFAULTS.get(k))
        if k == "flags":
            v = ",".join(v or [])
        if k == "from" and v == "::":
            continue
        out.append("%s=%s" % (k, "-" if v is None else v))
    return " ".join(out)


def neigh_line(n):
    state = n.get("state")
    if isinstance(state, list):
        state = ",".join(state)
    flags = n.get("flags")
    if flags is None:
        flags = [f for f in ("router", "proxy") if f in n]
    return "dst=%s dev=%s lladdr=%s state=%s flags=%s" % (
        n.get("dst"), n.get("dev"), n.get("lladdr", "-"), state, ",".join(flags))


kind, source = sys.argv[1], sys.argv[2]
if os.environ.get("IP_TABLE"):   # ip leaves out the table it was asked to show
    DEFAULTS["table"] = os.environ["IP_TABLE"]
get = len(sys.argv) > 3 and sys.argv[3] == "get"
lines = [route_line(r, get) if kind == "route" else neigh_line(r)
         for r in records(sys.stdin.read(), source)]
for line in sorted(lines):
    print(line)
