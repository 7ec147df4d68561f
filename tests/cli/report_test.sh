#!/usr/bin/env bash
# `ksim report`: help, a missing or non-trace file named with exit 2 and
# nothing written (an existing page kept), and a page from a short run.
# Usage: report_test.sh PATH_TO_KSIM SCENARIOS_DIR
set -uo pipefail
ksim=$1
scenarios=$2
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
cli_test_scratch  # $tmp, removed at exit

expect 0 'self-contained HTML'        report --help
expect 2 'trace is required'          report
expect 2 "nope.db: no such trace file" report "$tmp/nope.db" -o "$tmp/x.html"
check "no page for a missing trace" test ! -e "$tmp/x.html"
echo "not sqlite" >"$tmp/text.db"
echo "keep me" >"$tmp/keep.html"
expect 2 "text.db: not a ksim trace.*nothing written" report "$tmp/text.db" -o "$tmp/keep.html"
check "an existing page survives a failed report" grep -q "keep me" "$tmp/keep.html"
sqlite3 "$tmp/other.db" "create table t(x)"
expect 2 "other.db: not a ksim trace" report "$tmp/other.db" -o "$tmp/x.html"
check "no page for a non-trace file" test ! -e "$tmp/x.html"

expect 2 "$tmp: not a file" report "$tmp" -o "$tmp/x.html"

"$ksim" run "$scenarios/api-backend.yaml" --duration 12m -o "$tmp/a.db" -q
cp "$tmp/a.db" "$tmp/a-copy.db"
expect 2 "a.db is the trace itself" report "$tmp/a.db" -o "$tmp/a.db"
check "the trace is not overwritten by its page" cmp -s "$tmp/a.db" "$tmp/a-copy.db"
expect 0 "report: .*a.html \([0-9]+ charts, [0-9]+ decisions" report "$tmp/a.db"
check "the page is next to the trace by default" test -s "$tmp/a.html"
expect 0 "" report "$tmp/a.db" -o "$tmp/b.html" -q
check "the same trace gives the same page" cmp -s "$tmp/a.html" "$tmp/b.html"
check "no partial files left" bash -c "! ls '$tmp'/*.partial-* 2>/dev/null"
check "the page names the scenario" grep -q '<title>ksim report: api-backend</title>' "$tmp/a.html"
exit $fail
