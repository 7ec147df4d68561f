#!/usr/bin/env bash
# `ksim compare`: help, bad files named with exit 2, and karpenter-burst
# under Karpenter (A) against the Cluster Autoscaler (B): the cost and the
# nodes differ and are marked, the run summary gives A's figures, --json is
# one document with the same rows, --html a self-contained page; a trace
# against itself marks nothing.
# Usage: compare_test.sh PATH_TO_KSIM SCENARIOS_DIR
set -uo pipefail
ksim=$1
scenarios=$2
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
cli_test_scratch  # $tmp, removed at exit

expect 0 'side by side'                 compare --help
expect 2 'a is required'                compare
expect 2 'b is required'                compare "$tmp/x.db"
expect 2 'nope.db: no such trace file'  compare "$tmp/nope.db" "$tmp/nope.db"
echo "not sqlite" >"$tmp/text.db"
"$ksim" run "$scenarios/karpenter-burst.yaml" -o "$tmp/karpenter.db" -q || exit 1
expect 2 'text.db: not a ksim trace'    compare "$tmp/karpenter.db" "$tmp/text.db"
expect 2 'not a file'                   compare "$tmp" "$tmp/karpenter.db"
expect 2 'threshold'                    compare "$tmp/karpenter.db" "$tmp/karpenter.db" --threshold -1
sqlite3 "$tmp/karpenter.db" ".backup '$tmp/broken.db'"
sqlite3 "$tmp/broken.db" "update meta set value = '{\"routes\": 1}' where key = 'summary'"
expect 2 "broken.db: meta 'summary' is not the run summary" compare "$tmp/karpenter.db" "$tmp/broken.db"
sqlite3 "$tmp/broken.db" "update meta set value = 'lots' where key = 'cost_dollars'"
expect 2 "broken.db: meta 'cost_dollars' is not a number: 'lots'" compare "$tmp/broken.db" "$tmp/karpenter.db"

"$ksim" run "$scenarios/karpenter-burst.yaml" --node-autoscaler cluster-autoscaler \
  -o "$tmp/ca.db" -q || exit 1
out=$("$ksim" compare "$tmp/karpenter.db" "$tmp/ca.db")
rc=$?
echo "$out"
check "a comparison exits 0 whatever differs" test "$rc" = 0
row() {  # row GROUP METRIC: the table's line of METRIC under GROUP
  awk -v g="$1" -v m="  $2 " '$0 == g { in_g = 1; next } /^[^ ]/ { in_g = 0 }
    in_g && index($0, m) == 1 { print; exit }' <<<"$out"
}
check "A and B are named with their node autoscaler" \
  grep -Eq "^B  $tmp/ca.db: karpenter-burst, seed [0-9]+, cluster-autoscaler$" <<<"$out"
cost=$(row cost total)
check "the cost differs and is marked ($cost)" grep -Eq '\* (better|worse)$' <<<"$cost"
nodes=$(row nodes peak)
check "the peak node count differs and is marked ($nodes)" grep -Eq '\*$' <<<"$nodes"
# A's figures are the run summary's: its peak nodes and its exact cost.
peak=$(sqlite3 "$tmp/karpenter.db" "select json_extract(value, '$.peak_nodes') from meta where key = 'summary'")
check "A's peak nodes ($peak) is the summary's" test "$(awk '{print $2}' <<<"$nodes")" = "$peak"
check "exact percentiles, not the worst window's" bash -c "! grep -q 'worst window' <<<'$out'"
check "every Deployment of the scenario is compared" grep -q '^deployment burst/worker$' <<<"$out"
check "the Karpenter NodePool's cost is B's nothing" \
  grep -Eq '^  nodepool/[^ ]+ +\$[0-9.]+ +- ' <<<"$out"

json=$("$ksim" compare "$tmp/karpenter.db" "$tmp/ca.db" --json)
check "--json is one JSON document" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$json"
check "--json: the cost row is marked as in the table" python3 -c '
import json, sys
rows = json.loads(sys.argv[1])["rows"]
r = [x for x in rows if x["group"] == "cost" and x["metric"] == "total"][0]
assert r["marked"] and r["verdict"] in ("better", "worse") and r["diff"] == r["b"] - r["a"], r
' "$json"

expect 0 "compare page: .*page.html \([0-9]+ charts" \
  compare "$tmp/karpenter.db" "$tmp/ca.db" --html "$tmp/page.html"
check "the page is written" test -s "$tmp/page.html"
check "the page is titled with both traces" grep -q '<title>ksim compare: .*karpenter.db vs .*ca.db</title>' "$tmp/page.html"
check "the page holds the comparison" grep -q '"comparison":' "$tmp/page.html"
check "nothing to fetch in the page" bash -c "! grep -Eiq '<[^>]*[[:space:]](src|href)[[:space:]]*=' '$tmp/page.html'"
expect 2 'is one of the traces'         compare "$tmp/karpenter.db" "$tmp/ca.db" --html "$tmp/ca.db"

same=$("$ksim" compare "$tmp/karpenter.db" "$tmp/karpenter.db")
check "a trace against itself marks nothing" bash -c "! grep -Eq '\*( better| worse)?$' <<<'$same'"
loose=$("$ksim" compare "$tmp/karpenter.db" "$tmp/ca.db" --threshold 100000)
check "a huge --threshold leaves only one-sided rows marked" \
  bash -c "! grep -E '%  \*' <<<'$loose' && grep -Eq '^  nodepool/.*\*$' <<<'$loose'"
exit $fail
