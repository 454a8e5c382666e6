# Puts the pinned toolchain first on PATH. Source it: `source hack/env.sh`.
# shellcheck shell=bash
source "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
export PATH="$NODE_DIR/bin:$repo_root/node_modules/.bin:$KUBE_BIN:$ETCD_BIN:$HELM_BIN:$PATH"
# Native addons (node-gyp) build against the pinned Node's headers, not the machine's.
export npm_config_nodedir="$NODE_DIR"
# The test harness finds its binaries here; a missing one is a test failure naming what to run.
export METALLB_TS_KUBE_APISERVER="$KUBE_BIN/kube-apiserver"
export METALLB_TS_KUBECTL="$KUBE_BIN/kubectl"
export METALLB_TS_ETCD="$ETCD_BIN/etcd"
export METALLB_TS_HELM="$HELM_BIN/helm"
