# bash completion for nettool. Commands and options are read from nettool's
# own help, so a new command or option needs no change here.
_nettool_commands() {
	nettool --help 2>/dev/null |
		awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}'
}

_nettool_options() {
	nettool help "$1" 2>/dev/null |
		grep -oE '(^|[][ |(,])--?[A-Za-z0-9][A-Za-z0-9-]*' |
		sed 's/^[][ |(,]//' | sort -u
}

_nettool() {
	local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}
	local prev=${COMP_WORDS[COMP_CWORD-1]}

	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$(_nettool_commands) help --help --version" -- "$cur"))
		return 0
	fi
	case $cmd in
	help)
		COMPREPLY=($(compgen -W "$(_nettool_commands)" -- "$cur"))
		return 0 ;;
	esac
	case $prev in
	-f|--filter)
		if [ "$cmd" = ipclass ]; then
			COMPREPLY=($(compgen -W "this-network private shared loopback link-local
				ietf-protocol documentation benchmarking multicast reserved broadcast
				global unspecified ipv4-mapped nat64 discard teredo 6to4 unique-local" -- "$cur"))
			return 0
		fi ;;
	-i|--interface)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
		return 0 ;;
	-r|-w|-o|-d)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_nettool_options "$cmd")" -- "$cur"))
	fi
	return 0
}
complete -F _nettool nettool
