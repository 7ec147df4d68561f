# Shared by the headless-Chromium page tests (source it after expect.sh and
# cli_test_scratch). Exits 77 (ctest: skipped) when no chromium is
# installed. `run_browser PAGE ARGS...` runs it on file://PAGE with its own
# profile in $tmp; `load_page PAGE` dumps the DOM after the scripts ran
# (into $tmp/dom.html, the browser's log in $tmp/dom.log) and sets $body,
# $total and $drawn from the page's <body data-charts-*> markers;
# `check_page_common` checks what every page promises (its script ran, every
# chart drew data, no script or console error, dygraphs drew canvases);
# `keep_screenshot PAGE FILE` writes the screenshot artifact.
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "SKIP: no chromium installed"
  exit 77
fi

run_browser() {
  local page=$1
  shift
  timeout 60 "$browser" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 --window-size=1400,3000 "$@" "file://$page"
}

load_page() {
  run_browser "$1" --dump-dom >"$tmp/dom.html" 2>"$tmp/dom.log"
  body=$(grep -o '<body[^>]*>' "$tmp/dom.html" | head -1)
  echo "body: $body"
  total=$(sed -n 's/.*data-charts-total="\([0-9]*\)".*/\1/p' <<<"$body")
  drawn=$(sed -n 's/.*data-charts-rendered="\([0-9]*\)".*/\1/p' <<<"$body")
}

check_page_common() {
  check "the page's script ran to the end" test -n "$total"
  check "every chart drew data ($drawn of $total)" test "${drawn:--1}" = "${total:-0}"
  check "no script error on the page" bash -c "! grep -q 'data-js-errors' <<<'$body'"
  check "dygraphs drew canvases" \
    bash -c "(( \$(grep -o '<canvas' '$tmp/dom.html' | wc -l) >= $((${total:-1} * 2)) ))"
  check "no console error in the browser's log" bash -c "! grep -E 'CONSOLE|Uncaught' '$tmp/dom.log'"
}

keep_screenshot() {
  mkdir -p "$(dirname "$2")"
  run_browser "$1" --screenshot="$2" >"$tmp/shot.log" 2>&1
  check "screenshot kept at $2" test -s "$2"
  if ((fail)); then
    echo "--- browser log"
    head -40 "$tmp/dom.log"
  fi
}
