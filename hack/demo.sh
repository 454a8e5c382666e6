#!/usr/bin/env bash
# `npm run demo`: installs what is missing (as root), then runs the demo on the pinned Node.
# A machine that already has everything goes straight to the demo: no setup step runs while
# another demo may be using node_modules and the tools (the demo itself refuses a second run).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $(id -u) == 0 ]] || { echo "the demo creates network namespaces and runs FRR: run it as root (sudo npm run demo)" >&2; exit 1; }
if ! bash "$here/setup.sh" --check 2>/dev/null; then
  echo "[demo] installing what is missing first (hack/setup.sh)" >&2
  bash "$here/setup.sh"
fi
source "$here/env.sh"
exec node "$here/demo.ts" "$@"
