#!/usr/bin/env bash
# Builds the real MetalLB controller (go.universe.tf/metallb, $METALLB_VERSION) for the IPAM
# bench's side-by-side (`npm run bench -- ipam --vs-metallb`). Bench tooling only: never run by
# hack/setup.sh, the tests or CI. Idempotent: a cached binary is not rebuilt. Prints the binary's
# path as the last line of stdout; progress goes to stderr.
#
# MetalLB v0.16.2 requires github.com/metallb/frr-k8s v0.0.27, which the module proxy here does
# not serve. The controller builds with the served $METALLB_FRRK8S_VERSION plus the two
# speaker-side names that version lacks (the `Advertise.PrefixesWithAsPathPrepend` field and the
# `AsPathPrependPrefixes` type in api/v1beta1): a copy of that version, with the field added to
# the struct and the type declared in a file of ours, is wired in through a `replace` in a
# generated wrapper module. MetalLB's own code is not changed; the controller never uses them
# (they are read only when the speaker renders FRR-K8s configurations).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=hack/versions.sh
source "$here/versions.sh"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

log() { printf '[build-metallb] %s\n' "$*" >&2; }

out=$METALLB_CONTROLLER
if [[ -x "$out" ]]; then
  log "MetalLB controller v$METALLB_VERSION cached"
  echo "$out"
  exit 0
fi
command -v go >/dev/null || { log "no go toolchain on PATH (the setup installs it)"; exit 1; }

src="$TOOLS_CACHE/src/metallb-controller-v$METALLB_VERSION"
frr="$src/frr-k8s-v$METALLB_FRRK8S_VERSION"

# frr_copy: the served frr-k8s version, writable, with the two missing names.
frr_copy() {
  local dir types
  dir=$(go mod download -json "github.com/metallb/frr-k8s@v$METALLB_FRRK8S_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [[ -d "$dir" ]] || { log "could not download github.com/metallb/frr-k8s@v$METALLB_FRRK8S_VERSION"; exit 1; }
  rm -rf "$frr"
  cp -r "$dir" "$frr"
  chmod -R u+w "$frr"
  types="$frr/api/v1beta1/frrconfiguration_types.go"
  # A Go struct's fields live in one declaration: the field is one line added at its end.
  awk '
    /^type Advertise struct \{/ { inside = 1 }
    inside && /^\}/ {
      print "\n\t// Stub added by metallb-ts hack/build-metallb.sh (present in frr-k8s v0.0.27)."
      print "\tPrefixesWithAsPathPrepend []AsPathPrependPrefixes `json:\"withAsPathPrepend,omitempty\"`"
      inside = 0; added = 1
    }
    { print }
    END { if (!added) exit 1 }
  ' "$types" > "$types.new" || { log "no Advertise struct in $types"; exit 1; }
  mv "$types.new" "$types"
  cat > "$frr/api/v1beta1/metallb_ts_stubs.go" <<'GO'
// Written by metallb-ts hack/build-metallb.sh: a name MetalLB v0.16.2 uses that this frr-k8s
// version does not declare yet. Only MetalLB's speaker reads it; the controller never does.

package v1beta1

// AsPathPrependPrefixes: prefixes advertised with their AS path prepended AsPathPrepend times.
type AsPathPrependPrefixes struct {
	AsPathPrepend uint8    `json:"asPathPrepend,omitempty"`
	Prefixes      []string `json:"prefixes,omitempty"`
}
GO
}

build() {
  mkdir -p "$src" "$(dirname "$out")"
  frr_copy
  (
    cd "$src"
    rm -f go.mod go.sum
    go mod init local/metallb-controller >/dev/null 2>&1
    go mod edit -require "go.universe.tf/metallb@v$METALLB_VERSION" \
      -replace "github.com/metallb/frr-k8s=./$(basename "$frr")"
    go build -trimpath -ldflags "-s -w" -o "$out.tmp" go.universe.tf/metallb/controller
    mv "$out.tmp" "$out"
  )
}

t0=$(date +%s)
build
log "MetalLB controller v$METALLB_VERSION built in $(( $(date +%s) - t0 ))s"
echo "$out"
