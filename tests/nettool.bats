#!/usr/bin/env bats
# Dispatch, global options, and the promises every command keeps.
load helper

commands() { nt --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}'; }

# Options named in the synopsis of a usage text (the lines before the first
# blank line), one per line, sorted.
usage_options() {
	nt help "$1" | awk 'NF==0{exit} {print}' |
		grep -oE '(^|[][ |(])--?[A-Za-z0-9][A-Za-z0-9-]*' | sed 's/^[][ |(]//' | sort -u
}

# Options named with Fl in a man page's SYNOPSIS section.
man_options() {
	awk '/^\.Sh SYNOPSIS/{on=1; next} /^\.Sh/{on=0} on' "$1" |
		grep -oE 'Fl [^ ]+' | sed 's/^Fl /-/' | sort -u
}

@test "--help lists every command with a summary and exits 0" {
	run nt --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"ipclass "*"classification"* ]]
	[ "$(commands | wc -l)" -ge 1 ]
}

@test "--version prints the version" {
	run nt --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^nettool\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "no command: usage on stderr, exit 2" {
	run --separate-stderr nt
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == usage:* ]]
}

@test "an unknown command exits 2 and suggests the closest name" {
	run --separate-stderr nt ipclas 1.2.3.4
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool: unknown command 'ipclas'; did you mean 'ipclass'?" ]
	[ -z "$output" ]
}

@test "an unknown global option exits 2 with one line" {
	run --separate-stderr nt --bogus
	[ "$status" -eq 2 ]
	[ "$stderr" = "nettool: unknown option '--bogus' (see 'nettool --help')" ]
}

@test "help CMD and CMD --help print the same usage for every command" {
	for c in $(commands); do
		run nt help "$c"
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "usage: nettool $c"* ]]
		a=$output
		run nt "$c" --help
		[ "$status" -eq 0 ]
		[ "$output" = "$a" ]
	done
}

@test "help of an unknown command exits 2" {
	run --separate-stderr nt help nosuch
	[ "$status" -eq 2 ]
	[[ "$stderr" == "nettool: unknown command 'nosuch'"* ]]
}

@test "every command has a man page whose SYNOPSIS names the usage's options" {
	root=$BATS_TEST_DIRNAME/..
	[ -f "$root/man/nettool.1" ]
	for c in $(commands); do
		page=$root/man/nettool-$c.1
		[ -f "$page" ] || { echo "no man page for $c"; return 1; }
		grep -q "^\.Xr nettool-$c 1" "$root/man/nettool.1" || { echo "nettool.1 does not list $c"; return 1; }
		diff <(usage_options "$c") <(man_options "$page") || { echo "synopsis of $c differs"; return 1; }
	done
}

@test "man pages are clean under mandoc -Tlint" {
	need_cmd mandoc
	run mandoc -Tlint -W warning "$BATS_TEST_DIRNAME"/../man/*.1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "a write error on stdout is reported, not silent" {
	[ -w /dev/full ] || skip "needs /dev/full"
	run --separate-stderr sh -c '"$NETTOOL" --help > /dev/full'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"write error on standard output: No space left on device"* ]]
	# the same status and line from a command, whatever its own answer was
	for args in "port 80" "port --json 4999" "ifaces --json lo" "ifaces lo"; do
		run --separate-stderr sh -c "\"\$NETTOOL\" $args > /dev/full"
		[ "$status" -eq 1 ]
		[ "$stderr" = "nettool ${args%% *}: write error on standard output: No space left on device" ]
	done
}

@test "a closed pipe on stdout ends quietly" {
	run --separate-stderr sh -c 'yes 10.0.0.1 | head -n 200000 | "$NETTOOL" ipclass | head -n 1'
	[ "$output" = "$(printf '10.0.0.1\tA\tprivate')" ]
	[ -z "$stderr" ]
}

@test "make install puts binary, man pages and completion under DESTDIR" {
	need_cmd make
	root=$BATS_TEST_DIRNAME/..
	d=$BATS_TEST_TMPDIR/dest
	run make -s -C "$root" -o "$NETTOOL" install DESTDIR="$d" PREFIX=/usr BIN="$NETTOOL"
	[ "$status" -eq 0 ]
	[ -x "$d/usr/bin/nettool" ]
	[ -f "$d/usr/share/man/man1/nettool.1" ]
	[ -f "$d/usr/share/man/man1/nettool-ipclass.1" ]
	[ -f "$d/usr/share/bash-completion/completions/nettool" ]
	run make -s -C "$root" -o "$NETTOOL" uninstall DESTDIR="$d" PREFIX=/usr BIN="$NETTOOL"
	[ "$status" -eq 0 ]
	[ ! -e "$d/usr/bin/nettool" ]
	[ ! -e "$d/usr/share/man/man1/nettool.1" ]
}

@test "bash completion offers commands and a command's options" {
	need_cmd bash
	run bash -c '
		nettool() { "$NETTOOL" "$@"; }
		. "'"$BATS_TEST_DIRNAME"'/../completions/nettool.bash"
		COMP_WORDS=(nettool ipc); COMP_CWORD=1; _nettool; echo "${COMPREPLY[*]}"
		COMP_WORDS=(nettool ipclass --fi); COMP_CWORD=2; _nettool; echo "${COMPREPLY[*]}"'
	[ "${lines[0]}" = "ipclass" ]
	[ "${lines[1]}" = "--filter" ]
}

@test "the shape rules hold: one loop, short command files and functions, a quiet lib/ (tests/lint.sh)" {
	run bash "$BATS_TEST_DIRNAME/lint.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "lint: no offenders" ]
}
