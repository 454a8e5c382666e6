#!/usr/bin/env bash
# One idempotent setup for the demo, the tests and CI. Each phase skips work already done and
# prints how long it took; a second run on a warm machine takes seconds.
#   hack/setup.sh            everything
#   hack/setup.sh --check    fail (exit 1) naming what is missing, install nothing
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/env.sh"
cd "$repo_root"

# Debian packages the harness uses: FRR daemons and frr-reload.py, namespaces and veths, nftables
# for silent-failure injection, arping/ndisc6 as the kernel-side L2 checks, libpcap for the raw
# socket addon, openssl for the control plane's certificates, python3 for frr-reload.py;
# mmdebstrap, podman and runc build and run the images (hack/build-images.sh).
APT_PACKAGES=(frr frr-pythontools iproute2 nftables iputils-arping iputils-ping ndisc6 libpcap-dev
  openssl python3 procps tcpdump build-essential mmdebstrap podman runc)

phase() {
  local name=$1; shift
  local t0=$EPOCHREALTIME
  "$@"
  awk -v n="$name" -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "[setup] %-10s %6.1fs\n", n, b - a }' >&2
}

missing_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

apt_phase() {
  local missing
  missing=$(missing_packages)
  [[ -z "$missing" ]] && return 0
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  # The Debian package starts a system FRR; the tests run their own per namespace.
  systemctl disable --now frr >/dev/null 2>&1 || service frr stop >/dev/null 2>&1 || true
}

npm_phase() {
  # Reinstall only when the lockfile changed since the last install.
  local stamp=node_modules/.metallb-ts-lock
  if [[ -f $stamp ]] && cmp -s package-lock.json "$stamp"; then return 0; fi
  npm ci --no-fund --no-audit --loglevel=error
  cp package-lock.json "$stamp"
}

check_only() {
  local bad=0 missing
  missing=$(missing_packages)
  [[ -n "$missing" ]] && { echo "missing Debian packages: $missing (run: sudo hack/setup.sh)" >&2; bad=1; }
  for b in "$NODE_DIR/bin/node" "$METALLB_TS_KUBE_APISERVER" "$METALLB_TS_ETCD" "$METALLB_TS_HELM" "$METALLB_TS_KUBECTL"; do
    [[ -x $b ]] || { echo "missing $b (run: sudo hack/setup.sh)" >&2; bad=1; }
  done
  cmp -s package-lock.json node_modules/.metallb-ts-lock || { echo "node_modules missing or older than package-lock.json (run: hack/setup.sh)" >&2; bad=1; }
  bash "$here/setup-frr10.sh" --check || bad=1
  return $bad
}

if [[ ${1:-} == --check ]]; then check_only; exit; fi
[[ $(id -u) == 0 ]] || { echo "hack/setup.sh installs Debian packages: run it as root (sudo)" >&2; exit 1; }
phase apt apt_phase
phase node bash "$here/setup-node.sh"
phase npm npm_phase
phase go-tools bash "$here/build-tools.sh"
# FRR 10 (Debian trixie) in a root filesystem: the templates are checked against it too.
phase frr10 bash "$here/setup-frr10.sh" >/dev/null
