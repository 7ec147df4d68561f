#!/usr/bin/env bash
# services/Dockerfile's runtime stage installs the shared libraries the
# service binaries need: every NEEDED entry of each binary (resolved by ldd
# here, owned by a Debian package) must come from a package the runtime
# stage installs or from debian:12-slim itself. No docker engine needed.
# Usage: image_libs_test.sh DOCKERFILE BINARY...
set -uo pipefail
dockerfile=$1
shift
# The packages of the apt-get install after the last FROM (the runtime stage).
runtime=$(awk '/^FROM /{stage=$0; pkgs=""} /apt-get install/{inst=1} inst{pkgs=pkgs" "$0} /rm -rf/{inst=0} END{print pkgs}' "$dockerfile" |
  tr ' \\' '\n\n' | grep -E '^lib[a-z0-9.+-]+$' | sort -u)
base="libc6 libstdc++6 libgcc-s1"
fail=0
[[ -n $runtime ]] || { echo "FAIL: no runtime packages found in $dockerfile"; exit 1; }
for binary in "$@"; do
  while read -r lib path; do
    [[ -n $path ]] || { echo "FAIL: $(basename "$binary"): $lib not found by ldd"; fail=1; continue; }
    # dpkg knows a file by the path its package ships (with merged /usr,
    # /lib/... or /usr/lib/...): try the path ldd gave, then the real one.
    pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null)
    pkg=$(head -1 <<<"$pkg" | cut -d: -f1)
    if [[ -z $pkg ]]; then
      echo "FAIL: $(basename "$binary"): $lib ($path) belongs to no Debian package"; fail=1
    elif grep -qxF "$pkg" <<<"$runtime" || [[ " $base " == *" $pkg "* ]]; then
      echo "ok: $(basename "$binary"): $lib from $pkg"
    else
      echo "FAIL: $(basename "$binary"): $lib comes from $pkg, which the runtime stage does not install"; fail=1
    fi
  done < <(objdump -p "$binary" | awk '/NEEDED/ {print $2}' | while read -r l; do
    printf '%s %s\n' "$l" "$(ldd "$binary" | awk -v l="$l" '$1==l {print $3}')"; done)
done
exit $fail
