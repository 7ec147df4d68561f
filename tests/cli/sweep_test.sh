#!/usr/bin/env bash
# `ksim sweep`: bad --set and bad values are exit 2 naming the key with
# nothing written; a 2-point sweep whose points equal `ksim run` with the
# same seed; --point + --merge equal the whole sweep; --emit-job's Job.
# Usage: sweep_test.sh PATH_TO_KSIM SCENARIOS_DIR
set -uo pipefail
ksim=$1
scenarios=$2
same() {  # same DESCRIPTION A B
  if [[ "$2" == "$3" && -n "$2" ]]; then echo "ok: $1 ($2)"; else
    echo "FAIL: $1: '$2' != '$3'"; fail=1; fi
}
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
cli_test_scratch  # $tmp, removed at exit
api="$scenarios/api-backend.yaml"

expect 0 'Pareto front'                       sweep --help
expect 2 "expected KEY=V1,V2"                 sweep "$api" --set seed -o "$tmp/x.db"
expect 2 "hpa/api.target: no HPA 'api' \(HPAs: api-platform/api-service" \
  sweep "$api" --set hpa/api.target=50 -o "$tmp/x.db"
expect 2 "point 1: hpa/api-service.target: expected an integer, got 'high'" \
  sweep "$api" --set hpa/api-service.target=50,high -o "$tmp/x.db"
expect 2 "'m9.huge' is not in the instance catalog" \
  sweep "$api" --set nodegroup/managed.instanceType=m9.huge -o "$tmp/x.db"
expect 2 "--point 2: the grid has points 0..1" sweep "$api" --set seed=1,2 --point 2 -o "$tmp/x.db"
check "nothing written on bad input" test ! -e "$tmp/x.db"

# Two seeds, 5 simulated minutes each, two threads.
expect 0 "api-backend: 2 of 2 points, 5m each" \
  sweep "$api" --set seed=1,2 --duration 5m -j 2 -o "$tmp/sweep.db"
check "2 points in the file" test "$(sqlite3 "$tmp/sweep.db" 'select count(*) from points')" = 2
for seed in 1 2; do
  "$ksim" run "$api" --seed "$seed" --duration 5m -q -o "$tmp/run$seed.db" || fail=1
  idx=$((seed - 1))
  same "point $idx cost = ksim run --seed $seed" \
    "$(sqlite3 "$tmp/sweep.db" "select printf('%.6f', cost_dollars) from points where idx=$idx")" \
    "$(sqlite3 "$tmp/run$seed.db" "select value from meta where key='cost_dollars'")"
  same "point $idx requests = ksim run --seed $seed" \
    "$(sqlite3 "$tmp/sweep.db" "select requests from points where idx=$idx")" \
    "$(sqlite3 "$tmp/run$seed.db" "select sum(requests) from routes")"
done
check "the seeds differ" test "$(sqlite3 "$tmp/sweep.db" \
  'select count(distinct requests) from points')" = 2

expect 0 "sweep of 2 points" report "$tmp/sweep.db" -o "$tmp/sweep.html"
check "the page holds the scatter" grep -q '"scatter":true' "$tmp/sweep.html"

expect 0 "1 of 2 points" sweep "$api" --set seed=1,2 --duration 5m --point 1 \
  --keep-traces "$tmp/traces" -o "$tmp/kept.db"
same "the kept trace is point 1's run" \
  "$(sqlite3 "$tmp/traces/point-1.db" "select value from meta where key='seed'")" 2

# One point per process, merged: the same points as the whole sweep.
expect 0 "1 of 2 points" sweep "$api" --set seed=1,2 --duration 5m --point 1 -o "$tmp/r/p1.db"
expect 0 "1 of 2 points" sweep "$api" --set seed=1,2 --duration 5m --point 0 -o "$tmp/r/p0.db"
expect 0 "2 of 2 points" sweep --merge "$tmp/r/p1.db" "$tmp/r/p0.db" -o "$tmp/merged.db"
dump() { sqlite3 "$1" 'select * from points; select * from point_routes order by idx, route'; }
same "merged points = the whole sweep's" "$(dump "$tmp/merged.db")" "$(dump "$tmp/sweep.db")"
"$ksim" sweep "$api" --set seed=3 --duration 5m -q -o "$tmp/other.db"
expect 2 "not of the same sweep" sweep --merge "$tmp/r/p0.db" "$tmp/other.db" -o "$tmp/bad.db"
check "no merged file on a mismatch" test ! -e "$tmp/bad.db"

# The Indexed Job.
expect 2 "--emit-job needs --image" sweep "$api" --set seed=1,2 --emit-job -o "$tmp/job.yaml"
cd "$scenarios/.." || exit 1
expect 0 "Job ksim-sweep-api-backend with 4 completions" \
  sweep scenarios/api-backend.yaml --set seed=1,2 --set hpa/api-service.max=6,8 --emit-job \
  --image ksim:test --pvc ksim-work -o "$tmp/job.yaml"
check "completions 4" grep -q "^  completions: 4$" "$tmp/job.yaml"
check "completion mode Indexed" grep -q "^  completionMode: Indexed$" "$tmp/job.yaml"
check "one point per index" grep -q -- '- \$(JOB_COMPLETION_INDEX)' "$tmp/job.yaml"

exit $fail
