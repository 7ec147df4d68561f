# Shared by the CLI tests (source it after setting $ksim; it sets fail=0):
# `check DESCRIPTION COMMAND...` runs COMMAND and prints ok or FAIL (then
# fail=1); `cli_test_scratch` makes the scratch folder $tmp, removed at exit;
# `expect CODE PATTERN ARGS...` runs ksim ARGS and checks its exit code and
# that its output (stdout and stderr) matches the extended regex PATTERN
# ("" matches anything); a mismatch prints FAIL and sets fail=1.
expect() {
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

fail=0

check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

cli_test_scratch() {
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
}
