#!/usr/bin/env bash
# A Debian trixie root filesystem holding FRR 10 (frr, frr-pythontools), for the tests that check
# the templates against FRR 10 as well as the machine's FRR 8.4 (test/harness/frr-runtime.ts runs
# its daemons and vtysh chrooted into it). Built with mmdebstrap from the machine's own Debian
# mirror (trixie instead of its suite), cached under .cache/frr10/ by a hash of the recipe: a warm
# run does nothing. Prints the rootfs path.
#   hack/setup-frr10.sh           build it if missing (root)
#   hack/setup-frr10.sh --check   exit 1 when it is missing
#   hack/setup-frr10.sh --path    print where it is (or would be) and exit
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/env.sh"

SUITE=trixie
PACKAGES=frr,frr-pythontools
# The machine's mirror (first URIs line of its deb822 sources), else mmdebstrap's default.
MIRROR=$(awk '$1 == "URIs:" { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
ARGS=(--variant=essential --include="$PACKAGES" --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/doc/*' --skip=essential/unlink
  --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*')
HASH=$(printf '%s\n' "$SUITE" "$MIRROR" "${ARGS[@]}" | sha256sum | cut -c1-16)
CACHE=${METALLB_TS_FRR10_CACHE:-$repo_root/.cache/frr10}
ROOTFS="$CACHE/rootfs-$HASH"

case ${1:-} in
  --path) echo "$ROOTFS"; exit 0 ;;
  --check)
    [[ -x $ROOTFS/usr/lib/frr/zebra ]] && exit 0
    echo "missing the FRR 10 rootfs $ROOTFS (run: sudo hack/setup.sh)" >&2; exit 1 ;;
esac
[[ $(id -u) == 0 ]] || { echo "hack/setup-frr10.sh needs root (mmdebstrap into a directory)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "missing mmdebstrap (run: sudo hack/setup.sh)" >&2; exit 1; }
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if [[ -x $ROOTFS/usr/lib/frr/zebra ]]; then echo "$ROOTFS"; exit 0; fi

t0=$EPOCHREALTIME
tmp="$CACHE/.build-$HASH"
rm -rf "$tmp"
mirror_args=()
[[ -n $MIRROR ]] && mirror_args=("deb $MIRROR $SUITE main")
if ! mmdebstrap --quiet "${ARGS[@]}" "$SUITE" "$tmp" "${mirror_args[@]}" >"$tmp.log" 2>&1; then
  tail -30 "$tmp.log" >&2; echo "mmdebstrap $SUITE failed (log: $tmp.log)" >&2; exit 1
fi
rm -f "$tmp.log"
# Older recipes are dead weight.
find "$CACHE" -mindepth 1 -maxdepth 1 -name 'rootfs-*' ! -name "rootfs-$HASH" -exec rm -rf {} +
mv "$tmp" "$ROOTFS"
awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "[setup-frr10] FRR 10 rootfs built in %.1fs\n", b - a }' >&2
echo "$ROOTFS"
