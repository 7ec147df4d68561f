#!/usr/bin/env bash
# ksim calibrate: usage and spec errors exit 2, a service that cannot start
# or never gets ready exits 1, and neither writes a profile; a real run over
# the HTTP library's example binary writes one that names both routes.
# Then backend-service, a seed service, from its own spec (short steps).
# Usage: calibrate_test.sh KSIM BIN_DIR SPEC SOURCE_DIR
ksim=$1
bin=$2
spec=$3
src=$4
source "$(dirname "$0")/expect.sh"
cli_test_scratch

expect 0 "Measure a real service binary" calibrate --help
expect 2 "required" calibrate
expect 2 "does not exist" calibrate "$tmp/none.yaml"
cat >"$tmp/bad.yaml" <<'YAML'
service: x
command: [x]
routes: [{route: nope, request: {path: /}}]
YAML
expect 2 "bad.yaml:3: routes\[0\].route: expected" calibrate "$tmp/bad.yaml" -o "$tmp/bad-profile.yaml"
check "a broken spec writes nothing" test ! -e "$tmp/bad-profile.yaml"
expect 2 "--duration: expected a positive duration" calibrate "$spec" --duration fast
expect 2 "--cpu 99: this machine has CPUs" calibrate "$spec" --cpu 99

sed 's|{bin}/ksim-http-example|{bin}/no-such-service|' "$spec" >"$tmp/missing.yaml"
expect 1 "cannot start .*no-such-service" calibrate "$tmp/missing.yaml" --bin "$bin" -o "$tmp/m.yaml"
check "a service that cannot start writes nothing" test ! -e "$tmp/m.yaml"
# Exits at once (bad flag): the error quotes its log.
sed 's|--log-level, warn|--log-level, loud|' "$spec" >"$tmp/exits.yaml"
expect 1 "exited with 2 before it was ready" calibrate "$tmp/exits.yaml" --bin "$bin" -o "$tmp/e.yaml"
check "a service that exits writes nothing" test ! -e "$tmp/e.yaml"

expect 0 "profile: $tmp/p.yaml" calibrate "$spec" --bin "$bin" -o "$tmp/p.yaml" \
  --duration 1s --warmup 200ms --idle 300ms
check "the profile names the burning route" grep -q "path: /burn" "$tmp/p.yaml"
check "the profile names the cheap route" grep -q "path: /items/{id}" "$tmp/p.yaml"
check "the profile says how it was measured" grep -q "idleCpuPerSecond:" "$tmp/p.yaml"
check "no partial file is left" bash -c "! ls '$tmp' | grep -q partial"

expect 0 "profile: $tmp/backend.yaml" calibrate "$src/services/backend-service/calibrate.yaml" \
  --bin "$bin" -o "$tmp/backend.yaml" --duration 300ms --warmup 100ms --idle 200ms
check "every route of backend-service's spec is profiled" \
  test "$(grep -c '^  - method: GET' "$tmp/backend.yaml")" = 4
check "its profile names the scenario's route" grep -q 'path: /backend/\*\*' "$tmp/backend.yaml"
exit $fail
