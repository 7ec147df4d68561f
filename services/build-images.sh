#!/usr/bin/env bash
# Builds (and with --push, pushes) the four service images for amd64 and
# arm64 with docker buildx, tagged REGISTRY/NAME:TAG, as the seed manifests
# name them (e.g. 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com).
#
#   services/build-images.sh [--registry R] [--tag 1.0.0] [--platforms P] [--push | --load]
#
# --load puts single-platform images in the local docker (for `kind load
# docker-image`); --push sends multi-platform ones to the registry.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
registry=
tag=1.0.0
platforms=linux/amd64,linux/arm64
output=()
while (($#)); do
  case $1 in
    --registry) registry=$2/; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --platforms) platforms=$2; shift 2 ;;
    --push) output=(--push); shift ;;
    --load) output=(--load); shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "build-images: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
command -v docker >/dev/null || { echo "build-images: docker (with buildx) is needed" >&2; exit 2; }
for service in product-service order-service api-service backend-service; do
  docker buildx build --platform "$platforms" -f "$root/services/Dockerfile" \
    --build-arg "SERVICE=$service" -t "$registry$service:$tag" "${output[@]}" "$root"
done
