# fish completion for nettool. Everything is read from nettool's own help
# (`nettool --help`, `nettool help CMD`) as the bash completion does, with
# the same awk program: the commands, each command's options, its operand
# words (tcp|udp, serve|get) and what each operand or option argument is
# (PORT: the numbers of known services, SERVICE: their names, IFACE:
# interfaces, HOST, FILE, DIR).

set -g __nettool_awk '
# nettool completion: begin (the same program in bash, zsh and fish)
# stdin: nettool help CMD. cmd: CMD. typed: the words after CMD before the
# cursor. Prints "opt OPTION" for each option of CMD, then what the word at
# the cursor is: "word LITERAL" lines or "kind NAME" lines (PORT, SERVICE,
# IFACE, HOST, FILE, DIR...).
# An argument with literal words (main|local|N) wins over a bare name.
function addopt(o, arg) {
	if (!(o in seen)) { seen[o] = 1; print "opt " o }
	if (arg != "" && (!(o in takes) || arg ~ /(^|[|])[a-z]/)) takes[o] = arg
}
# s: "-c COUNT", "-4|-6", "-i, --interface IFACE", "--watch [SECS]"; words:
# the literal words of the argument when the description lists them.
function optspec(s, words,   t, n, i, k, m, os, arg) {
	n = split(s, t, /[ ,]+/); k = 0; arg = ""
	for (i = 1; i <= n; i++) {
		if (t[i] == "") continue
		if (t[i] !~ /^-/) { if (t[i] !~ /^[[]/) arg = t[i]; break }
		m = split(t[i], os, "|")
		while (m > 0) { if (os[m] ~ /^-/) opts[++k] = os[m]; m-- }
	}
	if (arg != "" && words != "") arg = words
	for (i = 1; i <= k; i++) addopt(opts[i], arg)
	if (k == 2) { peer[opts[1]] = opts[2]; peer[opts[2]] = opts[1] }
}
# A description that is only a list of words: "in, out or inout (default)".
function listed(d,   w) {
	w = "[a-z][a-z0-9-]*"
	sub(/ [(]default[)]$/, "", d)
	if (d !~ ("^" w "(, " w ")*,? or " w "$")) return ""
	gsub(/,? or |, /, "|", d)
	return d
}
# Takes the option groups out of a synopsis; operand groups lose brackets.
function synopsis(s,   out, i, c, d, g) {
	out = ""; d = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (d == 0 && c == "[") { d = 1; g = ""; continue }
		if (d == 0) { out = out c; continue }
		if (c == "[") d++
		if (c == "]" && --d == 0) {
			if (g ~ /^-/) optspec(g, ""); else out = out " " g " "
			continue
		}
		g = g c
	}
	return out
}
function want(t,   a, n, i) {
	sub(/[.][.][.].*$/, "", t); sub(/[[].*$/, "", t)
	n = split(t, a, "|")
	for (i = 1; i <= n; i++) {
		if (a[i] ~ /^[a-z0-9][a-z0-9.-]*$/) {
			if (!(a[i] in said)) { said[a[i]] = 1; print "word " a[i] }
		} else if (a[i] == "CATEGORY") printf "%s", catwords
		else if (a[i] == "NAME" && cmd == "ifaces") print "kind IFACE"
		else if (a[i] == "NAME" && cmd == "port") print "kind SERVICE"
		else if (a[i] ~ /^[A-Z]/) print "kind " a[i]
	}
}
BEGIN { insyn = 1; syn = ""; cat = 0; catwords = "" }
insyn && NF == 0 { insyn = 0; next }
insyn { syn = syn " " $0; next }
/categories:/ { cat = 1; sub(/^.*categories:/, "") }
cat && /^[ ]*-/ { cat = 0 }
cat && /^[A-Za-z]/ && !/categories:/ { cat = 0 }
cat { for (i = 1; i <= NF; i++) if (!(($i) in incat)) { incat[$i] = 1; catwords = catwords "word " $i "\n" } }
/^[ ]+-/ {
	n = split($0, seg, /   */)
	for (i = 1; i <= n; i++) if (seg[i] ~ /^-/) optspec(seg[i], listed(seg[i + 1]))
}
END {
	nv = split(synopsis(syn), var, "nettool " cmd " ")
	for (v = 2; v <= nv; v++) {
		nt = split(var[v], t, " "); cnt[v] = 0
		for (i = 1; i <= nt; i++) {
			if (t[i] ~ /^-/) { optspec(t[i], ""); continue }
			if (t[i] == "|") continue
			pat[v, ++cnt[v]] = t[i]
		}
	}
	for (o in peer) if (peer[o] in takes) addopt(o, takes[peer[o]])
	n = split(typed, w, " "); ops = 0; arg = ""; dd = 0
	for (i = 1; i <= n; i++) {
		x = w[i]
		if (arg != "") { arg = ""; continue }
		if (!dd && x == "--") { dd = 1; continue }
		if (!dd && x ~ /^--/) { if (x !~ /=/ && (x in takes)) arg = takes[x]; continue }
		if (!dd && x ~ /^-./) {
			for (j = 2; j <= length(x); j++) {
				o = "-" substr(x, j, 1)
				if (o in takes) { if (j == length(x)) arg = takes[o]; break }
			}
			continue
		}
		op[++ops] = x
	}
	if (arg != "") { want(arg); exit }
	for (v = 2; v <= nv; v++) {
		ok = 1
		for (i = 1; i <= ops && i <= cnt[v]; i++) {
			p = pat[v, i]
			if (p ~ /^[a-z0-9][a-z0-9|.-]*$/ && index("|" p "|", "|" op[i] "|") == 0) ok = 0
		}
		if (!ok) continue
		if (ops + 1 <= cnt[v]) want(pat[v, ops + 1])
		else if (cnt[v] > 0 && pat[v, cnt[v]] ~ /[.][.][.]/) want(pat[v, cnt[v]])
	}
}
# nettool completion: end
'

function __nettool_commands
    nettool --help 2>/dev/null | awk '/^commands:/{on=1; next}
        on && /^  [a-z]/{d = $0; sub(/^  [a-z]+ +/, "", d); print $1 "\t" d}
        on && /^$/{exit}'
end

function __nettool_needs_command
    test (count (commandline -opc)) -eq 1
end

function __nettool_operands
    set -l tok (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmd $tok[2]
    test "$cmd" = help; and begin
        test (count $tok) -eq 2; and __nettool_commands
        return
    end
    set -l typed
    test (count $tok) -gt 2; and set typed $tok[3..-1]
    set -l spec (nettool help $cmd 2>/dev/null |
        awk -v cmd=$cmd -v typed="$typed" $__nettool_awk)
    if string match -q -- '-*' $cur
        string replace -f -r '^opt ' '' -- $spec
        return
    end
    for line in $spec
        switch $line
            case 'word *'
                string replace -r '^word ' '' -- $line
            case '*PORT' '*PORTS'
                nettool port --list 2>/dev/null |
                    awk 'NR > 1 && !seen[$1]++ {print $1 "\t" $3}'
            case 'kind SERVICE'
                nettool port --list 2>/dev/null |
                    awk 'NR > 1 && $3 != "-" && !seen[$3]++ {print $3 "\t" $1 "/" $2}'
            case 'kind IFACE'
                path basename /sys/class/net/*
            case 'kind HOST'
                __fish_print_hostnames
            case 'kind FILE*' 'kind PATH'
                __fish_complete_path $cur
            case 'kind DIR'
                __fish_complete_directories $cur
        end
    end
end

complete -c nettool -f
complete -c nettool -n __nettool_needs_command -a '(__nettool_commands)'
complete -c nettool -n __nettool_needs_command -a 'help --help --version'
complete -c nettool -n 'not __nettool_needs_command' -a '(__nettool_operands)'
