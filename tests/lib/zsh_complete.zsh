# zsh -f THIS FPATHDIR LINE OUTFILE: types LINE and a TAB into an interactive
# zsh with compinit (fpath FPATHDIR first), then a key whose widget writes
# the command line to OUTFILE; prints that line.
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "dump() { print -r -- \"\${BUFFER}\" > ${(q)3}; zle -I; print 'RE''ADY' }; zle -N dump; bindkey '^B' dump"
zpty -w -n z "$2"$'\t\C-b'
zpty -r -m z out '*READY*' || exit 3
zpty -d z
cat $3
