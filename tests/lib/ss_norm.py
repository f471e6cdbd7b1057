#!/usr/bin/env python3
"""Normalises `ss -tuanpH` / `ss -tanH` (argv[1] == "ss") or `nettool netstat
--json` (argv[1] == "nettool") on stdin to sorted lines
"proto laddr lport raddr rport state pid" so two socket sets compare
line by line. ss prints no State column when one state is asked for: the
state is "?" then, and `nettool nostate` writes "?" too. Wildcards become 0.0.0.0 / ::, scopes (%lo) are dropped,
tcp6 counts as tcp (ss names both tcp)."""
import json
import re
import sys

STATES = {"ESTAB": "ESTABLISHED", "UNCONN": "UNCONN", "LISTEN": "LISTEN",
          "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT1",
          "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT",
          "LAST-ACK": "LAST_ACK", "CLOSING": "CLOSING"}


def split(endpoint, v6):
    addr, port = endpoint.rsplit(":", 1)
    addr = re.sub(r"%.*", "", addr.strip("[]"))
    if addr == "*":
        addr = "::" if v6 else "0.0.0.0"
    return addr, "0" if port == "*" else port


def from_ss(line):
    f = line.split()
    if f[0].isdigit():     # one state asked for: no State column either
        f.insert(0, "?")
    if f[0] in STATES or f[0] == "?":     # ss -t alone prints no Netid column
        f.insert(0, "tcp")
    pid = re.search(r"pid=(\d+)", line)
    v6 = ":" in f[4].rsplit(":", 1)[0]
    la, lp = split(f[4], v6)
    ra, rp = split(f[5], v6)
    return [f[0], la, lp, ra, rp, STATES.get(f[1], f[1]), pid.group(1) if pid else "-"]


def from_nettool(line):
    o = json.loads(line)
    pid = o.get("pid")
    return [o["proto"].rstrip("6"), o["local_address"], str(o["local_port"]),
            o["remote_address"], str(o["remote_port"]),
            "?" if "nostate" in sys.argv[2:] else o["state"],
            str(pid) if pid is not None else "-"]


rows = []
for line in sys.stdin:
    if not line.strip():
        continue
    if sys.argv[1] == "ss":
        rows.append(from_ss(line))
    else:
        rows.append(from_nettool(line))
for r in sorted(" ".join(x) for x in rows):
    print(r)
