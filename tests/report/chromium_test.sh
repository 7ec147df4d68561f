#!/usr/bin/env bash
# The report in a real browser: headless Chromium opens the page of a
# karpenter-burst run from file:// (no network), its scripts run, and the
# page's own marker says every chart drew data and nothing threw; the
# browser's log shows no console error. A screenshot is kept in ARTIFACTS.
# Exits 77 (ctest: skipped) only when no chromium is installed.
# Usage: chromium_test.sh PATH_TO_KSIM SCENARIOS_DIR ARTIFACTS_DIR
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

"$ksim" run "$scenarios/karpenter-burst.yaml" -o "$tmp/burst.db" -q || exit 1
"$ksim" report "$tmp/burst.db" -o "$tmp/burst.html" -q || exit 1
check "no src or href attribute anywhere (nothing to fetch)" \
  bash -c "! grep -Eiq '<[^>]*[[:space:]](src|href)[[:space:]]*=' '$tmp/burst.html'"

# Its own profile directory: no state shared with other runs or users.
run_browser() {
  timeout 60 "$browser" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 --window-size=1400,3000 "$@" "file://$tmp/burst.html"
}
run_browser --dump-dom >"$tmp/dom.html" 2>"$tmp/dom.log"
body=$(grep -o '<body[^>]*>' "$tmp/dom.html" | head -1)
echo "body: $body"
total=$(sed -n 's/.*data-charts-total="\([0-9]*\)".*/\1/p' <<<"$body")
drawn=$(sed -n 's/.*data-charts-rendered="\([0-9]*\)".*/\1/p' <<<"$body")
check "the page's script ran to the end" test -n "$total"
check "charts to draw" test "${total:-0}" -ge 6
check "every chart drew data ($drawn of $total)" test "${drawn:--1}" = "${total:-0}"
check "no script error on the page" bash -c "! grep -q 'data-js-errors' <<<'$body'"
check "the decision log is filled" grep -q 'NodeClaim' "$tmp/dom.html"
marks=$(grep -o 'class="dygraph-annotation' "$tmp/dom.html" | wc -l)
rescales=$(sqlite3 "$tmp/burst.db" "select count(*) from events where reason = 'SuccessfulRescale'")
check "every HPA rescale is marked ($marks marks, $rescales rescales)" test "$marks" -eq "$rescales" -a "$marks" -gt 0
check "dygraphs drew canvases" bash -c "(( \$(grep -o '<canvas' '$tmp/dom.html' | wc -l) >= $((${total:-1} * 2)) ))"
check "no console error in the browser's log" \
  bash -c "! grep -E 'CONSOLE|Uncaught' '$tmp/dom.log'"

mkdir -p "$artifacts"
run_browser --screenshot="$artifacts/report.png" >"$tmp/shot.log" 2>&1
check "screenshot kept at $artifacts/report.png" test -s "$artifacts/report.png"
if ((fail)); then
  echo "--- browser log"; head -40 "$tmp/dom.log"
fi
exit $fail
