#!/usr/bin/env bash
# `ksim run`: located errors with exit 2 and nothing written, an existing
# trace left alone by a failed run, and byte-identical traces for one seed.
# Usage: run_test.sh PATH_TO_KSIM SCENARIOS_DIR
set -uo pipefail
ksim=$1
scenarios=$2
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
cli_test_scratch  # $tmp, removed at exit

expect 0 '--seed'                 run --help
expect 2 'scenario is required'   run
expect 2 "nope.yaml: cannot read" run "$tmp/nope.yaml" -o "$tmp/x.db"
expect 2 "duration.*'fast'"       run "$scenarios/api-backend.yaml" --duration fast -o "$tmp/x.db"

# A broken scenario: the error names file, line and field; no trace appears
# and an existing file at --out is untouched.
cp -r "$scenarios/manifests" "$tmp/"
cat >"$tmp/bad.yaml" <<'YAML'
manifests: [manifests/api-backend/]
nodeGroups:
  - {name: g, instanceType: m5.large, count: 2}
load:
  routes: [{path: /api/items}]
  phases:
    - {shape: constant, rps: fast, duration: 1m}
YAML
expect 2 "bad.yaml:7: load.phases\[0\].rps: expected a number, got string 'fast'" \
  run "$tmp/bad.yaml" -o "$tmp/bad.db"
check "no trace written for a broken scenario" test ! -e "$tmp/bad.db"
echo "keep me" >"$tmp/keep.db"
expect 2 'nothing written' run "$tmp/bad.yaml" -o "$tmp/keep.db"
check "an existing file survives a failed run" grep -q "keep me" "$tmp/keep.db"
check "no partial files left" bash -c "! ls '$tmp'/*.partial-* 2>/dev/null"

# Kinds ksim does not model are listed, not dropped.
expect 0 'NetworkPolicy shop/services-ingress' run "$scenarios/product-order.yaml" --duration 1m --no-trace
# A good run: a summary and a trace; the same seed gives the same bytes.
expect 0 'GET /api/items' run "$scenarios/api-backend.yaml" --duration 6m -o "$tmp/a.db"
"$ksim" run "$scenarios/api-backend.yaml" --duration 6m -o "$tmp/b.db" -q
"$ksim" run "$scenarios/api-backend.yaml" --duration 6m --seed 2 -o "$tmp/c.db" -q
check "same seed, byte-identical traces" cmp -s "$tmp/a.db" "$tmp/b.db"
check "another seed, another trace" bash -c "! cmp -s '$tmp/a.db' '$tmp/c.db'"
check "the trace holds route windows" \
  bash -c "[[ \$(sqlite3 '$tmp/a.db' 'select count(*) from routes') -gt 0 ]]"
exit $fail
