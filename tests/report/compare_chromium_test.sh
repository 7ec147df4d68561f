#!/usr/bin/env bash
# The compare page in a real browser: headless Chromium opens `ksim compare
# --html` of karpenter-burst under Karpenter and under the Cluster
# Autoscaler from file:// (no network); the page's marker says every chart
# drew data and nothing threw, the comparison table is there with its marked
# rows, and the browser's log shows no console error. A screenshot is kept
# in ARTIFACTS. Exits 77 (ctest: skipped) only when no chromium is installed.
# Usage: compare_chromium_test.sh PATH_TO_KSIM SCENARIOS_DIR ARTIFACTS_DIR
set -uo pipefail
ksim=$1
scenarios=$2
artifacts=$3
# shellcheck source=../cli/expect.sh
source "$(dirname "$0")/../cli/expect.sh"
cli_test_scratch  # $tmp, removed at exit
# shellcheck source=browser.sh
source "$(dirname "$0")/browser.sh"

"$ksim" run "$scenarios/karpenter-burst.yaml" -o "$tmp/k.db" -q || exit 1
"$ksim" run "$scenarios/karpenter-burst.yaml" --node-autoscaler cluster-autoscaler \
  -o "$tmp/ca.db" -q || exit 1
"$ksim" compare "$tmp/k.db" "$tmp/ca.db" --html "$tmp/compare.html" >/dev/null || exit 1

load_page "$tmp/compare.html"
check_page_common
deployments=$(sqlite3 "$tmp/k.db" "select count(distinct object) from series where kind = 'deployment'")
routes=$(sqlite3 "$tmp/k.db" "select count(distinct route) from routes")
want=$((deployments + routes + 2))  # replicas, p99 per route, cost, nodes
check "a chart per Deployment and route, cost and nodes ($total, want $want)" test "${total:-0}" = "$want"
check "A and B overlaid" grep -q 'B ready' "$tmp/dom.html"
check "the comparison table is drawn" grep -q 'id="comparison-table"' "$tmp/dom.html"
check "its marked rows are highlighted" grep -Eq '<tr class="marked (better|worse)' "$tmp/dom.html"
check "no decision log on a compare page" grep -Eq 'id="decisions" style="display: none;"' "$tmp/dom.html"

keep_screenshot "$tmp/compare.html" "$artifacts/compare.png"
exit $fail
