#!/usr/bin/env bash
# Build the bulkhead image from a built binary.
#
#   deploy/build-image.sh [TAG] [docker build flags...]
#
# TAG defaults to bulkhead:latest; the binary to target/release/bulkhead (set
# BULKHEAD_BIN to use another). The build context holds only the binary and the
# Dockerfile, so nothing else from the tree reaches the image.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tag=${1:-bulkhead:latest}
[ "$#" -gt 0 ] && shift
bin=${BULKHEAD_BIN:-$here/../target/release/bulkhead}
if [ ! -x "$bin" ]; then
    echo "build-image: no binary at $bin; run 'cargo build --release' first (or set BULKHEAD_BIN)" >&2
    exit 2
fi
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$bin" "$context/bulkhead"
cp "$here/Dockerfile" "$context/Dockerfile"
docker build --tag "$tag" "$@" "$context"
