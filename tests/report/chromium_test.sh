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
# shellcheck source=../cli/expect.sh
source "$(dirname "$0")/../cli/expect.sh"
cli_test_scratch  # $tmp, removed at exit
# shellcheck source=browser.sh
source "$(dirname "$0")/browser.sh"

"$ksim" run "$scenarios/karpenter-burst.yaml" -o "$tmp/burst.db" -q || exit 1
"$ksim" report "$tmp/burst.db" -o "$tmp/burst.html" -q || exit 1
check "no src or href attribute anywhere (nothing to fetch)" \
  bash -c "! grep -Eiq '<[^>]*[[:space:]](src|href)[[:space:]]*=' '$tmp/burst.html'"

load_page "$tmp/burst.html"
check_page_common
check "charts to draw" test "${total:-0}" -ge 6
check "the decision log is filled" grep -q 'NodeClaim' "$tmp/dom.html"
marks=$(grep -o 'class="dygraph-annotation' "$tmp/dom.html" | wc -l)
rescales=$(sqlite3 "$tmp/burst.db" "select count(*) from events where reason = 'SuccessfulRescale'")
check "every HPA rescale is marked ($marks marks, $rescales rescales)" test "$marks" -eq "$rescales" -a "$marks" -gt 0

keep_screenshot "$tmp/burst.html" "$artifacts/report.png"
exit $fail
