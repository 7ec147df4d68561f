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
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "SKIP: no chromium installed"
  exit 77
fi
# shellcheck source=../cli/expect.sh
source "$(dirname "$0")/../cli/expect.sh"
cli_test_scratch  # $tmp, removed at exit

"$ksim" run "$scenarios/karpenter-burst.yaml" -o "$tmp/k.db" -q || exit 1
"$ksim" run "$scenarios/karpenter-burst.yaml" --node-autoscaler cluster-autoscaler \
  -o "$tmp/ca.db" -q || exit 1
"$ksim" compare "$tmp/k.db" "$tmp/ca.db" --html "$tmp/compare.html" >/dev/null || exit 1

run_browser() {
  timeout 60 "$browser" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 --window-size=1400,3000 "$@" "file://$tmp/compare.html"
}
run_browser --dump-dom >"$tmp/dom.html" 2>"$tmp/dom.log"
body=$(grep -o '<body[^>]*>' "$tmp/dom.html" | head -1)
echo "body: $body"
total=$(sed -n 's/.*data-charts-total="\([0-9]*\)".*/\1/p' <<<"$body")
drawn=$(sed -n 's/.*data-charts-rendered="\([0-9]*\)".*/\1/p' <<<"$body")
deployments=$(sqlite3 "$tmp/k.db" "select count(distinct object) from series where kind = 'deployment'")
routes=$(sqlite3 "$tmp/k.db" "select count(distinct route) from routes")
want=$((deployments + routes + 2))  # replicas, p99 per route, cost, nodes
check "the page's script ran to the end" test -n "$total"
check "a chart per Deployment and route, cost and nodes ($total, want $want)" test "${total:-0}" = "$want"
check "every chart drew data ($drawn of $total)" test "${drawn:--1}" = "${total:-0}"
check "A and B overlaid" grep -q 'B ready' "$tmp/dom.html"
check "no script error on the page" bash -c "! grep -q 'data-js-errors' <<<'$body'"
check "the comparison table is drawn" grep -q 'id="comparison-table"' "$tmp/dom.html"
check "its marked rows are highlighted" grep -Eq '<tr class="marked (better|worse)' "$tmp/dom.html"
check "no decision log on a compare page" grep -Eq 'id="decisions" style="display: none;"' "$tmp/dom.html"
check "dygraphs drew canvases" bash -c "(( \$(grep -o '<canvas' '$tmp/dom.html' | wc -l) >= $((${total:-1} * 2)) ))"
check "no console error in the browser's log" bash -c "! grep -E 'CONSOLE|Uncaught' '$tmp/dom.log'"

mkdir -p "$artifacts"
run_browser --screenshot="$artifacts/compare.png" >"$tmp/shot.log" 2>&1
check "screenshot kept at $artifacts/compare.png" test -s "$artifacts/compare.png"
if ((fail)); then
  echo "--- browser log"; head -40 "$tmp/dom.log"
fi
exit $fail
