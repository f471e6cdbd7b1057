# The namespaces route.bats and neigh.bats look at: $NS (the host under
# test) joined by a veth pair (v0 there, v1 in $PEER) to a peer namespace.
#   $NS   v0 10.77.0.1/24, 2001:db8:77::1/64     $PEER  v1 10.77.0.2/24, 2001:db8:77::2/64
# Routes: a default gateway, static routes (one with a metric), a host
# route with a source, a blackhole, an IPv6 route, and a policy rule
# sending 172.16.0.0/16 to table 100.

make_pair() {
	make_netns peer
	PEER=$NS
	make_netns host
	# no duplicate address detection: link-local addresses (and their
	# local routes) exist at once, not a moment later
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.default.accept_dad=0
	ip netns exec "$PEER" sysctl -qw net.ipv6.conf.default.accept_dad=0
	ip link add v0 netns "$NS" type veth peer name v1 netns "$PEER"
	ip -n "$NS" link set v0 up
	ip -n "$PEER" link set v1 up
	ip -n "$NS" addr add 10.77.0.1/24 dev v0
	ip -n "$PEER" addr add 10.77.0.2/24 dev v1
	ip -n "$NS" -6 addr add 2001:db8:77::1/64 dev v0 nodad
	ip -n "$PEER" -6 addr add 2001:db8:77::2/64 dev v1 nodad
}

add_routes() {
	ip -n "$NS" route add default via 10.77.0.254 dev v0
	ip -n "$NS" route add 192.0.2.0/24 via 10.77.0.3 metric 50 proto static
	ip -n "$NS" route add 198.51.100.7 dev v0 scope link src 10.77.0.1
	ip -n "$NS" route add blackhole 203.0.113.0/24
	ip -n "$NS" -6 route add 2001:db8:aa::/48 via 2001:db8:77::fe
	ip -n "$NS" route add 172.16.0.0/16 via 10.77.0.4 table 100
	ip -n "$NS" rule add to 172.16.0.0/16 table 100
}

del_pair() {
	[ -n "${PEER:-}" ] && ip netns del "$PEER" 2>/dev/null
	PEER=
	del_netns
}

in_ns() { ip netns exec "$NS" "$NETTOOL" "$@"; }

# same_records KIND IP_ARGS -- NETTOOL_ARGS: the normalised records of
# `ip -j IP_ARGS` and `nettool NETTOOL_ARGS --json` in $NS are equal.
same_records() {
	local kind=$1 mode= a b; shift
	local ipargs=() ntargs=()
	while [ "$1" != -- ]; do ipargs+=("$1"); shift; done
	shift
	ntargs=("$@")
	local i table=
	for i in "${!ipargs[@]}"; do
		[ "${ipargs[$i]}" = get ] && mode=get
		[ "${ipargs[$i]}" = table ] && [ "${ipargs[$((i + 1))]}" != all ] && table=${ipargs[$((i + 1))]}
	done
	a=$(ip -n "$NS" -j "${ipargs[@]}" | IP_TABLE=$table python3 "$BATS_TEST_DIRNAME/lib/route_norm.py" "$kind" ip $mode)
	b=$(in_ns "${ntargs[@]}" --json | python3 "$BATS_TEST_DIRNAME/lib/route_norm.py" "$kind" nettool $mode)
	echo "ip ${ipargs[*]}:"; echo "$a"; echo "nettool ${ntargs[*]}:"; echo "$b"
	[ -n "$a" ] && [ "$a" = "$b" ]
}
