#!/usr/bin/env bash
# ksim-load's command line: help, exit codes (2 for bad usage, naming the
# flag or the file:line: field), and a short run against the test server
# writing its JSON and CSV.
# Usage: cli_test.sh KSIM_LOAD TEST_SERVER SCENARIOS_DIR
set -uo pipefail
load=$1 server=$2 scenarios=$3
fail=0
tmp=$(mktemp -d)
coproc SERVER { "$server"; }
server_pid=$SERVER_PID
cleanup() {
  exec {SERVER[1]}>&- 2>/dev/null  # the server stops when its stdin closes
  wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
read -r port <&"${SERVER[0]}"

# expect CODE REGEX ARGS...: exit code CODE and output matching REGEX.
expect() {
  local code=$1 pattern=$2
  shift 2
  local out rc
  out=$("$load" "$@" 2>&1)
  rc=$?
  if [[ $rc != "$code" ]] || ! grep -Eq -- "$pattern" <<<"$out"; then
    echo "FAIL: ksim-load $* -> exit $rc (want $code, /$pattern/):"
    echo "$out" | head -20
    fail=1
  fi
}

target=http://127.0.0.1:$port
expect 0 'coordinated omission'              --help
expect 2 '--target.*required|required.*--target' --rate 1 --duration 1s
expect 2 '^ksim-load: --target: '            --target 127.0.0.1:80 --rate 1 --duration 1s
expect 2 'give a load spec file'             --target "$target"
expect 2 '^ksim-load: --duration: required'  --target "$target" --rate 10
expect 2 '^ksim-load: --timeout: '           --target "$target" --rate 10 --duration 1s --timeout 5
expect 2 '^ksim-load: --rate: '              "$scenarios/api-backend.yaml" --target "$target" --rate 5
expect 2 'bogus.*not expected|not expected.*bogus' --target "$target" --rate 1 --duration 1s --bogus
printf 'load:\n  routes: [{path: /}]\n  phases:\n    - {shape: constant, rps: fast, duration: 1s}\n' >"$tmp/bad.yaml"
expect 2 "bad.yaml:4: load.phases\[0\].rps: expected a number, got string 'fast'" "$tmp/bad.yaml" --target "$target"
expect 2 'cannot open'                       "$tmp/none.yaml" --target "$target"
expect 2 '^ksim-load: --json: folder .* does not exist' --target "$target" --rate 1 --duration 1s \
  --json "$tmp/no/such/out.json"

expect 0 'GET /x'                            --target "$target" --rate 200 --duration 500ms --path /x \
  --arrivals deterministic --json "$tmp/out.json" --csv "$tmp/out.csv"
if ! grep -q '"requests": 100' "$tmp/out.json"; then echo "FAIL: JSON lacks 100 requests"; fail=1; fi
if [[ $(wc -l <"$tmp/out.csv") != 101 ]]; then echo "FAIL: CSV is not 100 lines + header"; fail=1; fi
# A seed scenario, its first 300 ms played as is.
expect 0 'GET /api/items'                    "$scenarios/api-backend.yaml" --target "$target" --duration 300ms
exit $fail
