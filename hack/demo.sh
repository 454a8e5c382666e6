#!/usr/bin/env bash
# `npm run demo`: installs what is missing (as root), then runs the demo on the pinned Node.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $(id -u) == 0 ]] || { echo "the demo creates network namespaces and runs FRR: run it as root (sudo npm run demo)" >&2; exit 1; }
bash "$here/setup.sh"
source "$here/env.sh"
exec node "$here/demo.ts" "$@"
