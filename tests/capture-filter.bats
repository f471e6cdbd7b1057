#!/usr/bin/env bats
# capture's filters against tcpdump's, the anchor: a corpus of real
# traffic between two namespaces (capture_corpus.bash) is captured by
# tcpdump on a veth (Ethernet) and on every interface (Linux cooked v2);
# for each expression of fixtures/capture_filters.txt, `nettool capture -r`
# keeps exactly the packets `tcpdump -r` keeps (same time stamps), on both
# files; the expressions of fixtures/capture_live_filters.txt run live on
# the veth, nettool and tcpdump side by side, and keep the same packets.
load helper
load capture_corpus

setup_file() {
	CORPUS="$BATS_FILE_TMPDIR/corpus"
	export CORPUS
	mkdir -p "$CORPUS"
	[ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null && command -v ip >/dev/null &&
		command -v nsenter >/dev/null && command -v ping >/dev/null || return 0
	LIVE_FILTERS="$BATS_TEST_DIRNAME/fixtures/capture_live_filters.txt"
	make_corpus "$CORPUS" >"$CORPUS/make.log" 2>&1 || echo failed >"$CORPUS/failed"
	corpus_cleanup
	touch "$CORPUS/made"
	CORPUS_T0=$(marker_time "$CORPUS/eth.pcap" 8) CORPUS_T1=$(marker_time "$CORPUS/eth.pcap" 9)
	export CORPUS_T0 CORPUS_T1
}

setup() {
	need_root
	need_cmd tcpdump nsenter ping
	[ -e "$CORPUS/made" ] || skip "no corpus"
	if [ -e "$CORPUS/failed" ]; then cat "$CORPUS/make.log"; return 1; fi
}

# same_as_tcpdump FILE EXPR: nettool keeps the packets tcpdump keeps, or
# both refuse the expression.
same_as_tcpdump() {
	local want got
	if ! tcpdump -nr "$1" "$2" >/dev/null 2>&1; then
		"$NETTOOL" capture -r "$1" "$2" >/dev/null 2>&1 && { echo "tcpdump refuses, nettool takes: $2"; return 1; }
		return 0
	fi
	want=$(tcpdump -nr "$1" "$2" 2>/dev/null | cut -d' ' -f1)
	got=$("$NETTOOL" capture -r "$1" "$2" 2>&1 | cut -d' ' -f1)
	[ "$want" = "$got" ] || { echo "differs from tcpdump ($(basename "$1")): $2"; return 1; }
}

differential() { # FILE
	local e n=0 bad=0
	while IFS= read -r e; do
		n=$((n + 1))
		same_as_tcpdump "$1" "$e" || bad=$((bad + 1))
	done <"$BATS_TEST_DIRNAME/fixtures/capture_filters.txt"
	echo "$n expressions, $bad differ"
	[ "$n" -ge 150 ] && [ "$bad" -eq 0 ]
}

@test "capture -r: 200 expressions keep exactly tcpdump's packets (Ethernet file)" {
	[ "$(tcpdump -nr "$CORPUS/eth.pcap" 2>/dev/null | wc -l)" -ge 80 ]
	differential "$CORPUS/eth.pcap"
}

@test "capture -r: the same expressions on an any-interface file (LINUX_SLL2)" {
	tcpdump -nr "$CORPUS/any.pcap" 2>&1 >/dev/null | grep -q LINUX_SLL2
	differential "$CORPUS/any.pcap"
}

# the packets of a live pcap between the corpus's start and end markers,
# without time, sorted: two packets that reach the veth at once from the
# two cores may reach two sockets in either order, and the kernel's own
# router solicitations and ARP refreshes come when they like, so only
# the window both captures surely saw is compared. ARP is left out
# unless the expression asks about it.
live_window() {
	tcpdump -tt -nr "$1" 2>/dev/null | stamped_within "$CORPUS_T0" "$CORPUS_T1" | cut -d' ' -f2- | LC_ALL=C sort |
		if [[ "$2" == *arp* ]]; then cat; else grep -v '^ARP,'; fi
}

@test "capture live: 23 expressions on a veth, nettool and tcpdump side by side, same packets" {
	local n=0 bad=0 e got
	while IFS= read -r e; do
		n=$((n + 1))
		[ -s "$CORPUS/live-$n.nt.pcap" ] || { echo "no nettool file for: $e"; cat "$CORPUS/live-$n.nt.err"; bad=$((bad + 1)); continue; }
		got=$(live_window "$CORPUS/live-$n.nt.pcap" "$e")
		[ -n "$got" ] || { echo "nothing kept live: $e"; bad=$((bad + 1)); }
		if [ "$got" != "$(live_window "$CORPUS/live-$n.td.pcap" "$e")" ]; then
			echo "live differs: $e"
			diff <(live_window "$CORPUS/live-$n.nt.pcap" "$e") <(live_window "$CORPUS/live-$n.td.pcap" "$e") | head -5
			bad=$((bad + 1))
		fi
	done <"$BATS_TEST_DIRNAME/fixtures/capture_live_filters.txt"
	[ "$n" -ge 20 ] && [ "$bad" -eq 0 ]
}

@test "capture -r: DNS lines match tcpdump's (A, AAAA, CNAME, PTR, MX, TXT, NXDomain, over TCP)" {
	want=$(tcpdump -nr "$CORPUS/eth.pcap" udp port 53 and not vlan 2>/dev/null)
	got=$("$NETTOOL" capture -r "$CORPUS/eth.pcap" udp port 53 and not vlan)
	[ "$want" = "$got" ]
	# over TCP: the DNS part after the segment's length
	tcp=$("$NETTOOL" capture -r "$CORPUS/eth.pcap" tcp port 53 and 'tcp[tcpflags] & tcp-push != 0' |
		sed 's/.*, length [0-9]* //')
	[ "$tcp" = "$(tcpdump -nr "$CORPUS/eth.pcap" tcp port 53 and 'tcp[tcpflags] & tcp-push != 0' 2>/dev/null |
		sed 's/.*, length [0-9]* //')" ]
	grep -q '^12288 2/0/0 A 192.0.2.1, A 192.0.2.2 (56)$' <<<"$tcp"
	grep -q 'NXDomain 0/0/0' <<<"$got"
	grep -q 'CNAME a.test., A 192.0.2.1' <<<"$got"
	grep -q 'PTR? 1.2.0.192.in-addr.arpa.' <<<"$got"
	grep -q 'AAAA 2001:db8::1' <<<"$got"
}

@test "capture: bad filters and options exit 2 naming the bad part and its position" {
	run --separate-stderr "$NETTOOL" capture -r "$CORPUS/eth.pcap" tcp prot 80
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool capture: unexpected 'prot' in filter at position 5 (want and, or or the end)" ]
	run --separate-stderr "$NETTOOL" capture -r "$CORPUS/eth.pcap" portrange 10-5
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool capture: port range '10-5' at position 11 runs backwards" ]
	run --separate-stderr "$NETTOOL" capture -r "$CORPUS/eth.pcap" 'tcp[100000:4] = 1'
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool capture: offset 100000 at position 4 is out of range (0-65535)" ]
	run --separate-stderr "$NETTOOL" capture -r "$CORPUS/eth.pcap" vlan 5000
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool capture: 'vlan' at position 6 needs a number in 0-4095" ]
	run --separate-stderr "$NETTOOL" capture -r "$CORPUS/eth.pcap" frobnicate
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool capture: unknown word 'frobnicate' in filter at position 1" ]
	run --separate-stderr "$NETTOOL" capture -C 0 -w "$BATS_TEST_TMPDIR/x.pcap"
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool capture: file size '0' is out of range (1-1000000)" ]
	run --separate-stderr "$NETTOOL" capture -Q sideways
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool capture: direction 'sideways' is not in, out or inout" ]
}

@test "capture: 100 host and 60 port alternatives compile (long jumps) and select right" {
	hosts="host 10.9.1.2" ports="port 7000"
	for i in $(seq 1 99); do hosts="$hosts or host 10.200.0.$i"; done
	for i in $(seq 1 59); do ports="port $((20000 + i)) or $ports"; done
	run "$NETTOOL" capture -r "$CORPUS/eth.pcap" "$hosts"
	[ "$status" -eq 0 ]
	[ "$output" = "$("$NETTOOL" capture -r "$CORPUS/eth.pcap" host 10.9.1.2)" ]
	[ -n "$output" ]
	same_as_tcpdump "$CORPUS/eth.pcap" "$hosts"
	run "$NETTOOL" capture -r "$CORPUS/eth.pcap" "$ports"
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	same_as_tcpdump "$CORPUS/eth.pcap" "$ports"
}
