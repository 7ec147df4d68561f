#!/usr/bin/env bash
# `ksim test`: exit 0 when every expectation holds, 1 with what was expected
# and what happened when one does not, 2 for a broken scenario; JUnit XML.
# Usage: test_test.sh PATH_TO_KSIM SCENARIOS_DIR
set -uo pipefail
ksim=$1
scenarios=$2
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
cli_test_scratch  # $tmp, removed at exit

expect 0 '--junit'              test --help
expect 2 'required'             test
expect 2 'nope.yaml: no such'   test "$tmp/nope.yaml"

cp -r "$scenarios/manifests" "$tmp/"
base='manifests: [manifests/api-backend/]
nodeGroups:
  - {name: g, instanceType: m5.large, count: 3, zones: [ap-northeast-2a]}
load:
  routes: [{path: /api/items}]
  phases:
    - {shape: constant, rps: 20, duration: 2m}
'
# Holds: 2 api-service replicas, 3 nodes. Fails: more than 5 replicas, and
# a cost no run can stay under.
printf '%sexpect:\n  - replicas: {deployment: api-service, min: 2, max: 2, from: 1m}\n  - nodes: {min: 3, max: 3}\n' "$base" >"$tmp/good.yaml"
printf '%sexpect:\n  - reach: {deployment: api-service, replicas: 5, after: 0s, within: 1m}\n  - cost: {max: 0.0001}\n  - nodes: {max: 3}\n' "$base" >"$tmp/bad.yaml"
printf '%s' "$base" >"$tmp/none.yaml"
printf '%sexpect:\n  - replicas: {deployment: nope, min: 1}\n  - latency: {route: /x}\n' "$base" >"$tmp/broken.yaml"

expect 0 'PASS .*good.yaml \(2 expectations'  test "$tmp/good.yaml"
expect 1 'bad.yaml:9: expected api-service ready replicas reach 5 within 1m0s after 0s: never reached 5' \
  test "$tmp/bad.yaml" --junit "$tmp/bad.xml"
expect 1 'bad.yaml:10: expected the nodes cost at most \$0.0001: \$0.01[0-9]{2}$' test "$tmp/bad.yaml"
expect 1 '1 passed, 2 failed'  test "$tmp/bad.yaml"
check "JUnit counts the failures" grep -q 'tests="3" failures="2" errors="0"' "$tmp/bad.xml"
check "JUnit names file and line" grep -q 'line="10"' "$tmp/bad.xml"
expect 0 'SKIP .*none.yaml: no expectations' test "$tmp/none.yaml"
expect 2 "broken.yaml:9: expect\[0\].replicas.deployment: no Deployment 'nope' in the manifests" \
  test "$tmp/broken.yaml"
expect 2 "broken.yaml:10: expect\[1\].latency.p99: give exactly one of p50, p95, p99" \
  test "$tmp/broken.yaml"
# A folder: every scenario in it; one failing makes the run fail.
mkdir "$tmp/dir" && cp "$tmp/good.yaml" "$tmp/bad.yaml" "$tmp/dir/" && cp -r "$tmp/manifests" "$tmp/dir/"
expect 1 '3 passed, 2 failed' test "$tmp/dir" --keep-traces "$tmp/traces"
check "traces kept on request" test -s "$tmp/traces/good.db"
exit $fail
