# The capture corpus: real traffic between two namespaces joined by a veth
# pair (A: va 10.9.1.1 fd00:9::1, B: vb 10.9.1.2 fd00:9::2), captured by
# tcpdump on va (Ethernet) and on every interface of A (LINUX_SLL2).
# make_corpus DIR writes DIR/eth.pcap and DIR/any.pcap; corpus_cleanup
# removes what it made. Needs root, ip, tcpdump, python3, ping.

corpus_ns() { # runs a command in namespace $1 (not for background jobs: $! is a subshell)
	local ns=$1; shift
	nsenter --net="/run/netns/$ns" "$@"
}

# Waits (bounded, 10 s) until file $1 holds a line matching $2.
wait_line() {
	local i
	for i in $(seq 1 200); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no '$2' in $1"; cat "$1"; return 1
}

# Waits (bounded, 10 s) until pcap $1 holds the end marker (UDP to port 9).
wait_pcap() {
	local i
	for i in $(seq 1 200); do
		[ -n "$(marker_time "$1" 9)" ] && return 0
		sleep 0.05
	done
	echo "$1 never got the end marker"; return 1
}

# The time stamp of the first packet to UDP port $2 in pcap $1: the
# corpus's start marker goes to port 8, its end marker to port 9.
marker_time() {
	tcpdump -tt -nr "$1" udp dst port "$2" 2>/dev/null | head -n 1 | cut -d' ' -f1
}

# Keeps the `tcpdump -tt` lines on stdin stamped from $1 on (to $2, if
# given), with 1 ms to spare: two sockets may stamp one packet apart.
stamped_within() {
	awk -v t0="$1" -v t1="${2:-}" '$1 >= t0 - 0.001 && (t1 == "" || $1 <= t1 + 0.001)'
}

make_corpus() {
	local dir=$1 fix=$BATS_TEST_DIRNAME/fixtures mac
	CORPUS_A="ntcA$$" CORPUS_B="ntcB$$" CORPUS_PIDS=() LIVE_NT=() LIVE_TD=()
	ip netns add "$CORPUS_A" && ip netns add "$CORPUS_B" || return 1
	ip -n "$CORPUS_A" link add va type veth peer name vb netns "$CORPUS_B"
	ip -n "$CORPUS_A" link set lo up
	ip -n "$CORPUS_B" link set lo up
	ip -n "$CORPUS_A" addr add 10.9.1.1/24 broadcast 10.9.1.255 dev va
	ip -n "$CORPUS_B" addr add 10.9.1.2/24 broadcast 10.9.1.255 dev vb
	ip -n "$CORPUS_A" addr add fd00:9::1/64 dev va nodad
	ip -n "$CORPUS_B" addr add fd00:9::2/64 dev vb nodad
	ip -n "$CORPUS_A" link set va up
	ip -n "$CORPUS_B" link set vb up
	CORPUS_PY=$(python3 -c 'import sys; print(sys.executable)')
	nsenter --net="/run/netns/$CORPUS_B" "$CORPUS_PY" "$fix/capture_traffic.py" serve >"$dir/serve.out" 2>&1 &
	CORPUS_PIDS+=($!)
	wait_line "$dir/serve.out" ready || return 1
	nsenter --net="/run/netns/$CORPUS_A" tcpdump --immediate-mode -U -i va -w "$dir/eth.pcap" 2>"$dir/td1.err" &
	CORPUS_PIDS+=($!)
	nsenter --net="/run/netns/$CORPUS_A" tcpdump --immediate-mode -U -i any -y LINUX_SLL2 -w "$dir/any.pcap" \
		2>"$dir/td2.err" &
	CORPUS_PIDS+=($!)
	wait_line "$dir/td1.err" "listening on" && wait_line "$dir/td2.err" "listening on" || return 1
	[ -z "${LIVE_FILTERS:-}" ] || start_live "$dir" || return 1
	# the first packet: live files are compared from it on
	corpus_ns "$CORPUS_A" python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"start", ("10.9.1.2", 8))'
	corpus_ns "$CORPUS_A" ping -c 2 -i 0.2 -W 2 10.9.1.2 >/dev/null
	corpus_ns "$CORPUS_A" ping -6 -c 2 -i 0.2 -W 2 fd00:9::2 >/dev/null
	corpus_ns "$CORPUS_A" python3 "$fix/capture_traffic.py" client
	mac=$(ip -n "$CORPUS_A" -o link show va | sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p')
	corpus_ns "$CORPUS_B" python3 "$fix/capture_traffic.py" vlan vb "$mac"
	corpus_ns "$CORPUS_A" ping -c 1 -W 2 10.9.1.2 >/dev/null
	# the last packet: once both files hold it, they hold all before it
	corpus_ns "$CORPUS_A" python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"end", ("10.9.1.2", 9))'
	wait_pcap "$dir/eth.pcap" && wait_pcap "$dir/any.pcap" || return 1
	kill -INT "${CORPUS_PIDS[1]}" "${CORPUS_PIDS[2]}"
	wait "${CORPUS_PIDS[1]}" "${CORPUS_PIDS[2]}" || true
	[ -z "${LIVE_FILTERS:-}" ] || stop_live "$dir"
}

# Once the full capture is in, each live pair gets (bounded) the packets
# tcpdump -r keeps from it for its expression, then ends.
stop_live() {
	local dir=$1 n=0 e want t0
	t0=$(marker_time "$dir/eth.pcap" 8)
	while IFS= read -r e; do
		n=$((n + 1))
		want=$(tcpdump -tt -nr "$dir/eth.pcap" "$e" 2>/dev/null | stamped_within "$t0" | wc -l)
		if [ "$e" = inbound ] || [ "$e" = outbound ]; then want=1; fi
		wait_count "$dir/live-$n.nt.pcap" "$want" "$t0" || true
		wait_count "$dir/live-$n.td.pcap" "$want" "$t0" || true
	done <"$LIVE_FILTERS"
	kill -TERM "${LIVE_NT[@]}" 2>/dev/null
	kill -INT "${LIVE_TD[@]}" 2>/dev/null
	wait "${LIVE_NT[@]}" "${LIVE_TD[@]}" 2>/dev/null || true
}

# nettool and tcpdump side by side on va, one pair per line of
# $LIVE_FILTERS, writing DIR/live-N.nt.pcap and DIR/live-N.td.pcap.
start_live() {
	local dir=$1 n=0 e i
	while IFS= read -r e; do
		n=$((n + 1))
		nsenter --net="/run/netns/$CORPUS_A" "$NETTOOL" capture -i va -B 4096 \
			-w "$dir/live-$n.nt.pcap" "$e" 2>"$dir/live-$n.nt.err" &
		CORPUS_PIDS+=($!) LIVE_NT+=($!)
		nsenter --net="/run/netns/$CORPUS_A" tcpdump --immediate-mode -U -B 4096 -i va \
			-w "$dir/live-$n.td.pcap" "$e" 2>"$dir/live-$n.td.err" &
		CORPUS_PIDS+=($!) LIVE_TD+=($!)
	done <"$LIVE_FILTERS"
	for i in $(seq 1 "$n"); do
		wait_line "$dir/live-$i.td.err" "listening on" || return 1
		wait_bound "${LIVE_NT[$((i - 1))]}" || return 1
	done
}

# Waits (bounded, 5 s) until process $1 has a bound packet socket.
wait_bound() {
	local i l ino
	for i in $(seq 1 100); do
		for l in /proc/$1/fd/*; do
			ino=$(readlink "$l" 2>/dev/null | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p')
			[ -n "$ino" ] || continue
			awk -v ino="$ino" '$4 == "0003" && $9 == ino {f=1} END {exit !f}' /proc/$1/net/packet && return 0
		done
		sleep 0.05
	done
	echo "process $1 never bound its packet socket"; return 1
}

# Waits (bounded, 15 s: a loaded machine, a sanitizer build) until pcap
# $1 holds $2 packets from time $3 on.
wait_count() {
	local i
	for i in $(seq 1 300); do
		[ "$(tcpdump -tt -nr "$1" 2>/dev/null | stamped_within "$3" | wc -l)" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

corpus_cleanup() {
	local p
	for p in "${CORPUS_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	ip netns del "$CORPUS_A" 2>/dev/null || true
	ip netns del "$CORPUS_B" 2>/dev/null || true
}
