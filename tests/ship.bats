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
	case $NETTOOL in */build-san/* | */build-static/*) skip "the package is tested by make check" ;; esac
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
	[[ "$output" == *" ./usr/share/zsh/vendor-completions/_nettool"* ]]
	[[ "$output" == *" ./usr/share/fish/vendor_completions.d/nettool.fish"* ]]
}

@test "the static build is a statically linked executable" {
	case $NETTOOL in */build-static/*) ;; *) skip "runs under make check-static" ;; esac
	need_cmd file
	run file -L "$NETTOOL"
	[[ "$output" == *"statically linked"* ]]
	[ -f "$ROOT/nettool-static" ]
	cmp "$ROOT/nettool-static" "$NETTOOL"
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

# A directory with nettool (the binary under test) in it, for PATH: the
# completions run `nettool help CMD`.
path_with_nettool() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sf "$NETTOOL" "$BATS_TEST_TMPDIR/bin/nettool"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
}

# The awk program between the markers of completion file $1.
awk_of() { sed -n '/# nettool completion: begin/,/# nettool completion: end/p' "$1"; }

@test "bash, zsh and fish completions carry the same awk program" {
	local c=$ROOT/completions
	[ -n "$(awk_of "$c/nettool.bash")" ]
	[ "$(awk_of "$c/_nettool")" = "$(awk_of "$c/nettool.bash")" ]
	[ "$(awk_of "$c/nettool.fish")" = "$(awk_of "$c/nettool.bash")" ]
	# It sits in single quotes in all three shells (fish reads \\ there).
	[ -z "$(awk_of "$c/nettool.bash" | grep -F -e "'" -e '\\')" ]
}

@test "make install puts the zsh and fish completions under DESTDIR" {
	need_cmd make
	local d=$BATS_TEST_TMPDIR/dest
	run make -s -C "$ROOT" -o "$NETTOOL" install DESTDIR="$d" PREFIX=/usr BIN="$NETTOOL"
	[ "$status" -eq 0 ]
	[ -f "$d/usr/share/zsh/site-functions/_nettool" ]
	[ -f "$d/usr/share/fish/vendor_completions.d/nettool.fish" ]
	run make -s -C "$ROOT" -o "$NETTOOL" uninstall DESTDIR="$d" PREFIX=/usr BIN="$NETTOOL"
	[ "$status" -eq 0 ]
	[ ! -e "$d/usr/share/zsh/site-functions/_nettool" ]
	[ ! -e "$d/usr/share/fish/vendor_completions.d/nettool.fish" ]
}

# bash_complete WORDS...: what the bash completion offers for the last word.
bash_complete() {
	bash -c '. "$1"/completions/nettool.bash; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _nettool
		printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT" "$@"
}

@test "bash completes commands, tcp|udp, options, interfaces, ports and service names" {
	need_cmd bash
	path_with_nettool
	run bash_complete nettool pi
	[ "$output" = ping ]
	run bash_complete nettool send ""
	[ "$output" = "$(printf 'tcp\nudp')" ]
	run bash_complete nettool chat ""
	[ "$output" = udp ]
	run bash_complete nettool file get -o x 127.0.0.1 ""
	[ "$output" = "$(printf '%s\n' $(nt port --list | awk 'NR > 1 {print $1}' | sort -u))" ]
	run bash_complete nettool listen -b 127.0.0.1 tcp 808
	[[ "$output" == *8080* ]]
	run bash_complete nettool capture -i l
	[[ "$output" == *lo* ]]
	run bash_complete nettool capture --interface l
	[[ "$output" == *lo* ]]
	run bash_complete nettool port htt
	[[ "$output" == *http-alt* ]]
	run bash_complete nettool ipclass --fi
	[ "$output" = --filter ]
	run bash_complete nettool ipclass -f pri
	[ "$output" = private ]
}

@test "zsh loads _nettool and completes nettool pi<TAB> to ping" {
	need_cmd zsh timeout
	path_with_nettool
	run zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D; print -r -- $_comps[nettool]' _ "$ROOT/completions"
	[ "$status" -eq 0 ]
	[ "$output" = _nettool ]
	local out=$BATS_TEST_TMPDIR/zline z=$BATS_TEST_DIRNAME/lib/zsh_complete.zsh
	run --separate-stderr timeout 20 zsh -f "$z" "$ROOT/completions" "nettool pi" "$out"
	[ "$status" -eq 0 ]
	[ "$output" = "nettool ping " ]
	run --separate-stderr timeout 20 zsh -f "$z" "$ROOT/completions" "nettool send u" "$out"
	[ "$output" = "nettool send udp " ]
	run --separate-stderr timeout 20 zsh -f "$z" "$ROOT/completions" "nettool ipclass --fil" "$out"
	[ "$output" = "nettool ipclass --filter " ]
	run --separate-stderr timeout 20 zsh -f "$z" "$ROOT/completions" "nettool capture -i l" "$out"
	[[ "$output" == "nettool capture -i l"* ]]
}

# fish_complete LINE: fish's candidates for LINE (complete -C), one a line.
fish_complete() {
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$ROOT/completions/nettool.fish" "$1"
}

@test "fish loads nettool.fish and completes nettool pi<TAB> to ping" {
	need_cmd fish
	path_with_nettool
	run --separate-stderr fish --no-config -c 'source $argv[1]' "$ROOT/completions/nettool.fish"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run fish_complete "nettool pi"
	[ "${lines[0]%%$'\t'*}" = ping ]
	[ "${#lines[@]}" -eq 1 ]
	run fish_complete "nettool send "
	[ "$output" = "$(printf 'tcp\nudp')" ]
	run fish_complete "nettool listen tcp 808"
	[[ "$output" == *$'8080\thttp-alt'* ]]
	run fish_complete "nettool capture -i l"
	[[ "$output" == *lo* ]]
	run fish_complete "nettool ipclass --fil"
	[ "$output" = --filter ]
}
