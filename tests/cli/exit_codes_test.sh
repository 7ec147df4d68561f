#!/usr/bin/env bash
# The ksim CLI's exit codes and help are part of its interface.
# Usage: exit_codes_test.sh PATH_TO_KSIM
set -uo pipefail
ksim=$1
fail=0
expect() {  # expect CODE PATTERN ARGS...
  local want=$1 pattern=$2
  shift 2
  local out rc
  out=$("$ksim" "$@" 2>&1)
  rc=$?
  if [[ $rc != "$want" ]]; then
    echo "FAIL: ksim $* exited $rc, expected $want"; echo "$out" | head -5; fail=1
  elif [[ -n $pattern ]] && ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: ksim $* output lacks /$pattern/"; echo "$out" | head -5; fail=1
  else
    echo "ok: ksim $* -> $rc"
  fi
}
expect 0 'Subcommands:'               --help
expect 0 '--duration'                 demo --help
expect 0 '^[0-9]+\.[0-9]+\.[0-9]+'    --version
expect 2 'required|A subcommand'      # no subcommand
expect 2 "unknown command 'nope'"     nope
expect 2 'no-such-flag.*not expected|not expected.*no-such-flag' demo --no-such-flag
expect 2 "duration.*'fast'"           demo --duration fast
expect 2 'must be positive'           demo --duration 0s
expect 2 'rate'                       demo --rate -3
expect 0 'served'                     demo --duration 30s --seed 7
# Determinism: same seed, same output, byte for byte; another seed differs.
a=$("$ksim" demo --duration 2m --seed 11)
b=$("$ksim" demo --duration 2m --seed 11)
c=$("$ksim" demo --duration 2m --seed 12)
[[ $a == "$b" ]] || { echo "FAIL: demo not deterministic for one seed"; fail=1; }
[[ $a != "$c" ]] || { echo "FAIL: demo ignores its seed"; fail=1; }
exit $fail
