#!/usr/bin/env bash
# Builds the CODE image with podman and no registry: stage (stage.sh), import
# the base, build the Containerfile. Prints the image's tag last.
# Usage: bash deploy/container/build.sh [TAG]   (default localhost/codeploy:VERSION)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="$(node -p "require('$root/package.json').version")"
tag="${1:-localhost/codeploy:$version}"
base="localhost/codeploy-base:node-$(node --version)"
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
bash "$root/deploy/container/stage.sh" "$ctx"
podman import --quiet "$ctx/base.tar" "$base" >/dev/null
# Docker format: the OCI format has no HEALTHCHECK.
podman build --quiet --format docker --build-arg "BASE=$base" -t "$tag" -f "$ctx/Containerfile" "$ctx" >/dev/null
echo "$tag"
