#!/usr/bin/env bash
# Replays real-object JSON through `ksim hpa reconcile` and compares the output
# with the expected files next to it:
#   NAME.input.json  -> NAME.expected.json   (exit 0, output byte for byte)
#   NAME.bad.json    -> NAME.bad.txt         (exit 2, stderr contains the line)
# Usage: hpa_reconcile_replay.sh PATH_TO_KSIM DATA_DIR
set -uo pipefail
ksim=$1
dir=$2
fail=0
n=0
for input in "$dir"/*.input.json; do
  name=${input%.input.json}
  n=$((n + 1))
  if ! out=$("$ksim" hpa reconcile "$input" --pretty 2>&1); then
    echo "FAIL: $(basename "$input"): exit $?"; echo "$out" | head -5; fail=1; continue
  fi
  if ! diff -u "$name.expected.json" <(printf '%s\n' "$out") >/tmp/ksim_replay_diff.$$; then
    echo "FAIL: $(basename "$input") differs from $(basename "$name.expected.json")"
    head -40 /tmp/ksim_replay_diff.$$; fail=1
  else
    echo "ok: $(basename "$input")"
  fi
done
# The same document on standard input gives the same answer.
first=$(ls "$dir"/*.input.json | head -1)
if ! diff <("$ksim" hpa reconcile - <"$first") <("$ksim" hpa reconcile "$first") >/dev/null; then
  echo "FAIL: stdin and file input differ"; fail=1
fi
for bad in "$dir"/*.bad.json; do
  [[ -e $bad ]] || continue
  n=$((n + 1))
  want=$(head -1 "${bad%.json}.txt")
  err=$("$ksim" hpa reconcile "$bad" 2>&1 >/dev/null)
  rc=$?
  if [[ $rc != 2 ]]; then
    echo "FAIL: $(basename "$bad") exited $rc, expected 2"; fail=1
  elif ! grep -qF -- "$want" <<<"$err"; then
    echo "FAIL: $(basename "$bad"): stderr lacks '$want'"; echo "$err" | head -3; fail=1
  else
    echo "ok: $(basename "$bad") -> 2: $err"
  fi
done
rm -f /tmp/ksim_replay_diff.$$
echo "$n cases"
exit $fail
