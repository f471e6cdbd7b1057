#!/usr/bin/env bats
# Shipping: the Debian package, the static binary and the shell completions.
load helper

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

# Builds the package once per run of this file (make deb into a temporary
# DEBDIR); later tests reuse it. The make flags of a surrounding make check
# must not leak into the package build.
build_deb() {
	need_cmd dpkg-buildpackage dh make
	# The package builds its own binary: once per CI run is enough.
	case $NETTOOL in */build-san/*) skip "the package is tested by make check" ;; esac
	DEB=$(ls "$BATS_FILE_TMPDIR"/deb/nettool_*_*.deb 2>/dev/null | head -n 1)
	[ -n "$DEB" ] && return 0
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make --no-print-directory -C "$ROOT" deb DEBDIR="$BATS_FILE_TMPDIR/deb"
	[ "$status" -eq 0 ] || { printf '%s\n' "$output" | tail -n 30; return 1; }
	DEB=$(ls "$BATS_FILE_TMPDIR"/deb/nettool_*_*.deb | head -n 1)
	[ -f "$DEB" ]
}

teardown() {
	if [ -n "${DEB_INSTALLED:-}" ]; then
		apt-get purge -y -qq -o DPkg::Lock::Timeout=120 nettool >/dev/null 2>&1 || true
	fi
}

@test "debian/changelog's version is the binary's" {
	local v
	v=$(sed -n '1s/^nettool (\([^)]*\)).*/\1/p' "$ROOT/debian/changelog")
	[ -n "$v" ]
	run nt --version
	[ "$status" -eq 0 ]
	[ "$output" = "nettool $v" ]
}

@test "every man page has a NAME line whatis can read" {
	need_cmd lexgrog
	local m
	for m in "$ROOT"/man/*.1; do
		run lexgrog "$m"
		[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	done
}

@test "make deb builds nettool_VERSION_ARCH.deb outside the tree with the binary, every man page and the completions" {
	build_deb
	local v arch m
	v=$(sed -n '1s/^nettool (\([^)]*\)).*/\1/p' "$ROOT/debian/changelog")
	arch=$(dpkg --print-architecture)
	[ "$(basename "$DEB")" = "nettool_${v}_${arch}.deb" ]
	[ ! -e "$BATS_FILE_TMPDIR/deb/src" ]
	run dpkg-deb -c "$DEB"
	[ "$status" -eq 0 ]
	[[ "$output" == *" ./usr/bin/nettool"* ]]
	for m in "$ROOT"/man/*.1; do
		[[ "$output" == *" ./usr/share/man/man1/$(basename "$m").gz"* ]] || { echo "no $m"; return 1; }
	done
	[[ "$output" == *" ./usr/share/bash-completion/completions/nettool"* ]]
}

@test "lintian finds no errors in the package" {
	need_cmd lintian
	build_deb
	run lintian "$BATS_FILE_TMPDIR"/deb/nettool_*.changes
	printf '%s\n' "$output"
	[[ "$output" != *"E: "* ]]
}

@test "the package installs with apt-get, works, and removes again" {
	need_root
	need_cmd apt-get dpkg man flock
	build_deb
	# One package test at a time on this machine: it installs system-wide.
	exec 9>/run/lock/nettool-ship-test.lock
	flock -w 300 9
	if dpkg -s nettool 2>/dev/null | grep -q '^Status: install ok installed'; then
		skip "a nettool package is installed here already"
	fi
	DEB_INSTALLED=1
	run apt-get install -y -qq -o DPkg::Lock::Timeout=120 "$DEB"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run /usr/bin/nettool --version
	[ "$status" -eq 0 ]
	[[ "$output" == "nettool "* ]]
	run man -w nettool-ping
	[ "$status" -eq 0 ]
	[ "$output" = /usr/share/man/man1/nettool-ping.1.gz ]
	run apt-get purge -y -qq -o DPkg::Lock::Timeout=120 nettool
	[ "$status" -eq 0 ]
	DEB_INSTALLED=
	[ ! -e /usr/bin/nettool ]
	[ ! -e /usr/share/man/man1/nettool-ping.1.gz ]
}
