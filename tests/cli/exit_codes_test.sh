#!/usr/bin/env bash
# The ksim CLI's exit codes and help are part of its interface.
# Usage: exit_codes_test.sh PATH_TO_KSIM
set -uo pipefail
ksim=$1
fail=0
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
expect 0 'Subcommands:'               --help
expect 0 '--duration'                 run --help
expect 0 '^[0-9]+\.[0-9]+\.[0-9]+'    --version
expect 2 'required|A subcommand'      # no subcommand
expect 2 "unknown command 'nope'"     nope
expect 2 'no-such-flag.*not expected|not expected.*no-such-flag' run x.yaml --no-such-flag
expect 2 'must be positive'           run "$(dirname "$0")/../../scenarios/api-backend.yaml" --duration 0s --no-trace
expect 2 'progress.*not in|not in.*progress|progress: ' run x.yaml --progress sometimes
exit $fail
