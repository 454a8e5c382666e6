#!/usr/bin/env bash
# The project's test command (`npm test`): setup check, typecheck, lint, then every test file —
# unit, golden, integration (real kube-apiserver + etcd) and e2e (network namespaces, real FRR).
# Needs root for the namespaces. Extra arguments are passed to `node --test` (e.g. a file list).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/env.sh"
cd "$repo_root"

if ! bash "$here/setup.sh" --check 2>/dev/null; then
  if [[ $(id -u) == 0 ]]; then bash "$here/setup.sh"; else bash "$here/setup.sh" --check; exit 1; fi
fi
[[ $(node --version) == v24.* ]] || { echo "node on PATH is $(node --version), want v24 (hack/env.sh)" >&2; exit 1; }

t0=$EPOCHREALTIME
tsc -p tsconfig.json --noEmit
node hack/lint.ts
awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "[test] typecheck+lint %.1fs\n", b - a }' >&2

if [[ $# -gt 0 ]]; then
  files=("$@")
else
  mapfile -t files < <(find lib operator speaker test hack kind-e2e -name '*.test.ts' -not -path '*/node_modules/*' | sort)
fi
# Integration and e2e files bring up their own apiserver / namespaces; two at a time keeps a
# 2-core machine responsive without serialising everything.
exec node --test --test-concurrency="${METALLB_TS_TEST_CONCURRENCY:-2}" --test-reporter=spec "${files[@]}"
