#!/bin/sh
# Runs the C unit tests and every tests/*.bats file against $NETTOOL and
# ends with one line: "N passed, N failed, N skipped".
set -u
: "${NETTOOL:?NETTOOL names the binary under test}"
: "${UNIT_DIR:?UNIT_DIR names the directory of built unit tests}"
export NETTOOL
cd "$(dirname "$0")/.." || exit 2

if ! command -v bats >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bats >/dev/null
	fi
	command -v bats >/dev/null 2>&1 || {
		echo "bats is missing: run 'sudo apt-get install bats'" >&2; exit 2; }
fi

passed=0 failed=0 skipped=0
for t in "$UNIT_DIR"/test_*; do
	# a test whose source is gone is a stale build, not a test
	[ -x "$t" ] && [ -f "tests/unit/$(basename "$t").c" ] || continue
	out=$("$t" 2>&1); rc=$?
	last=$(printf '%s\n' "$out" | tail -n 1)
	p=$(printf '%s\n' "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(printf '%s\n' "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then p=0; f=1; fi
	[ $rc -ne 0 ] && [ "$f" = 0 ] && f=1
	[ "$f" != 0 ] && printf '%s\n' "$out" | grep -v ' passed, ' >&2
	echo "unit $(basename "$t"): $last"
	passed=$((passed + p)); failed=$((failed + f))
done

tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
bats --tap tests/*.bats 2>&1 | tee "$tap"
bp=$(grep -c '^ok ' "$tap")
bs=$(grep -c '^ok .* # skip' "$tap")
bf=$(grep -c '^not ok ' "$tap")
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -n 1)
# A suite that died before running every planned test is a failure too.
if [ -n "$planned" ] && [ $((bp + bf)) -lt "$planned" ]; then
	bf=$((bf + planned - bp - bf))
fi
passed=$((passed + bp - bs)); failed=$((failed + bf)); skipped=$bs
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
