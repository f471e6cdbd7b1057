#!/usr/bin/env python3
"""Normalises `ss -tuanpH` (argv[1] == "ss") or `nettool netstat --json
-tuanp` (argv[1] == "nettool") on stdin to sorted lines
"proto lport rport state pid" so the two socket sets can be compared."""
import json
import re
import sys

STATES = {"ESTAB": "ESTABLISHED", "UNCONN": "UNCONN", "LISTEN": "LISTEN",
          "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT1",
          "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT",
          "LAST-ACK": "LAST_ACK", "CLOSING": "CLOSING"}


def port(endpoint):
    p = endpoint.rsplit(":", 1)[1]
    return "0" if p == "*" else p


rows = []
for line in sys.stdin:
    if not line.strip():
        continue
    if sys.argv[1] == "ss":
        f = line.split()
        pid = re.search(r"pid=(\d+)", line)
        state = STATES.get(f[1], f[1])
        rows.append("%s %s %s %s %s" % (f[0], port(f[4]), port(f[5]), state,
                                        pid.group(1) if pid else "-"))
    else:
        o = json.loads(line)
        rows.append("%s %s %s %s %s" % (o["proto"].rstrip("6"), o["local_port"],
                                        o["remote_port"], o["state"],
                                        o["pid"] if o["pid"] is not None else "-"))
for r in sorted(rows):
    print(r)
