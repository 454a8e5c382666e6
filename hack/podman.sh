#!/usr/bin/env bash
# podman with the project's own image store (.cache/images/storage) and the flags this kind of
# machine needs (Debian's podman 4.3, no Docker daemon, hybrid cgroups, low hard rlimits):
#   --storage-driver vfs          no overlay mounts needed
#   --runtime runc                crun refuses hybrid cgroups
#   --cgroup-manager cgroupfs     no systemd session
#   CONTAINERS_CONF default_ulimits = []  podman's default ulimits exceed the hard limits
# Usage: hack/podman.sh images | run ... | image inspect ...   (hack/build-images.sh builds)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
mkdir -p "$IMAGES_CACHE"
conf="$IMAGES_CACHE/containers.conf"
if [[ ! -f $conf ]]; then
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nevents_logger = "file"\n' > "$conf.tmp"
  mv "$conf.tmp" "$conf"
fi
export CONTAINERS_CONF=$conf
# The run root holds locks and container state of this boot: tmpfs, not the cache.
exec podman --root "$IMAGES_CACHE/storage" --runroot /run/metallb-ts/podman \
  --storage-driver vfs --runtime runc --cgroup-manager cgroupfs "$@"
