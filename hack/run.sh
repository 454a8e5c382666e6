#!/usr/bin/env bash
# Runs a command with the pinned toolchain first on PATH: hack/run.sh node foo.ts
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec "$@"
