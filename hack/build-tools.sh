#!/usr/bin/env bash
# Builds kube-apiserver, etcd and helm from Go modules into a versioned cache directory.
# Idempotent: a tool whose binary already exists for the pinned version is not rebuilt.
# Usage: hack/build-tools.sh            (all tools)
#        hack/build-tools.sh etcd helm  (a subset)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=hack/versions.sh
source "$here/versions.sh"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

log() { printf '[build-tools] %s\n' "$*" >&2; }

# wrapper_dir NAME VERSION: a throw-away module directory per tool version.
wrapper_dir() {
  local d="$TOOLS_CACHE/src/$1-$2"
  mkdir -p "$d"
  echo "$d"
}

# timed NAME BINARY CMD...: runs CMD unless BINARY already exists, and reports the build's wall time.
timed() {
  local name=$1 binary=$2; shift 2
  if [[ -x "$binary" ]]; then log "$name cached"; return; fi
  local t0; t0=$(date +%s)
  "$@"
  log "$name built in $(( $(date +%s) - t0 ))s"
}

build_kube() {
  local out="$KUBE_BIN/kube-apiserver" d mod staging ld p
  d=$(wrapper_dir kube "$KUBE_VERSION")
  staging="v0.${KUBE_VERSION#1.}"
  (
    cd "$d"
    rm -f go.mod go.sum
    go mod init local/kube-tools >/dev/null 2>&1
    # k8s.io/kubernetes pins its staging modules at v0.0.0 behind ./staging replaces; map each
    # one to its published tag. The list is read from this release's own go.mod.
    mod=$(go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    {
      echo "require k8s.io/kubernetes v$KUBE_VERSION"
      echo "replace ("
      sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$mod" |
        while read -r m; do echo "  $m => $m $staging"; done
      echo ")"
    } >> go.mod
    go get "k8s.io/kubernetes/cmd/kube-apiserver@v$KUBE_VERSION" "k8s.io/kubernetes/cmd/kubectl@v$KUBE_VERSION" >/dev/null 2>&1
    # Without these, /version reports v0.0.0-master and helm's kubeVersion checks fail.
    ld="-s -w"
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld="$ld -X $p.gitVersion=v$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=${KUBE_MINOR}"
      ld="$ld -X $p.gitTreeState=clean -X $p.buildDate=2026-01-01T00:00:00Z"
    done
    go build -trimpath -ldflags "$ld" -o "$out.tmp" k8s.io/kubernetes/cmd/kube-apiserver
    go build -trimpath -ldflags "$ld" -o "$KUBE_BIN/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl
    mv "$out.tmp" "$out"
    mv "$KUBE_BIN/kubectl.tmp" "$KUBE_BIN/kubectl"
  )
}

build_etcd() {
  local out="$ETCD_BIN/etcd" d
  d=$(wrapper_dir etcd "$ETCD_VERSION")
  (
    cd "$d"
    rm -f go.mod go.sum
    go mod init local/etcd-tools >/dev/null 2>&1
    # server/v3 has replace directives in its own go.mod, so `go install` refuses it; a wrapper
    # module that requires it needs none (its requirements name real versions).
    go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >/dev/null 2>&1
    go build -trimpath -ldflags "-s -w" -o "$out.tmp" go.etcd.io/etcd/server/v3
    mv "$out.tmp" "$out"
  )
}

build_helm() {
  local out="$HELM_BIN/helm" ld
  ld="-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
  ld="$ld -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$KUBE_MINOR"
  ld="$ld -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$KUBE_MINOR"
  GOBIN="$HELM_BIN" go install -trimpath -ldflags "$ld" "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"
}

mkdir -p "$KUBE_BIN" "$ETCD_BIN" "$HELM_BIN"
tools=("$@")
[[ ${#tools[@]} -gt 0 ]] || tools=(etcd helm kube)
for t in "${tools[@]}"; do
  case "$t" in
    # kubectl is built last, so its presence means both binaries are complete.
    kube) timed "kube-apiserver+kubectl $KUBE_VERSION" "$KUBE_BIN/kubectl" build_kube ;;
    etcd) timed "etcd $ETCD_VERSION" "$ETCD_BIN/etcd" build_etcd ;;
    helm) timed "helm $HELM_VERSION" "$HELM_BIN/helm" build_helm ;;
    *) log "unknown tool: $t"; exit 2 ;;
  esac
done
