#!/usr/bin/env bash
# `ksim explain`: help, input errors with exit 2 (missing trace, non-trace,
# bad time, unknown HPA, no decision in range), and the text and JSON of a
# short api-backend run's first scale-up.
# Usage: explain_test.sh PATH_TO_KSIM SCENARIOS_DIR
set -uo pipefail
ksim=$1
scenarios=$2
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
cli_test_scratch  # $tmp, removed at exit

expect 0 'tolerance'                      explain --help
expect 2 'trace is required'              explain
expect 2 'nope.db: no such trace file'    explain "$tmp/nope.db"
echo "not sqlite" >"$tmp/text.db"
expect 2 'not a ksim trace'               explain "$tmp/text.db"

"$ksim" run "$scenarios/api-backend.yaml" --duration 12m -o "$tmp/a.db" -q
expect 2 '--at soon: '                    explain "$tmp/a.db" --at soon
expect 2 "no HPA named 'hpa/nope'"        explain "$tmp/a.db" --object hpa/nope
expect 2 'no HPA decision in that range' explain "$tmp/a.db" --from 11m1s --to 11m14s
expect 2 'excludes'                       explain "$tmp/a.db" --at 5m --from 1m
expect 0 'ratio = [0-9]+ / [0-9]+ = '     explain "$tmp/a.db"
expect 0 'what followed'                  explain "$tmp/a.db" --object api-service
expect 0 '"decisions"'                    explain "$tmp/a.db" --json --at 10m
"$ksim" explain "$tmp/a.db" --json >"$tmp/a.json"
check "the JSON parses and has a decision with pods" \
  python3 -c "import json,sys; d=json.load(open('$tmp/a.json'))['decisions']; \
sys.exit(0 if d and d[0]['metrics'][0]['pods'] else 1)"
"$ksim" explain "$tmp/a.db" >"$tmp/1.txt"
"$ksim" explain "$tmp/a.db" >"$tmp/2.txt"
check "the same trace explains alike" cmp -s "$tmp/1.txt" "$tmp/2.txt"
exit $fail
