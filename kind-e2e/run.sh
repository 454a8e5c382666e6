#!/usr/bin/env bash
# Runs the shared BGP e2e suite (test/e2e/suite/bgp-service.ts) against a kind cluster, on a
# machine with a Docker daemon. CI and `npm test` run the same suite on the namespace lab
# (test/e2e/bgp-operator-speaker.test.ts) instead; this script is not run there.
#
#   kind-e2e/run.sh          build the images, create the network, the cluster and the router,
#                            install the chart, run the suite, delete what this run created
#   kind-e2e/run.sh --help   this text
#
# Steps: the three images from hack/build-images.sh (podman, root; saved as one archive and loaded
# into the nodes with `kind load image-archive`, and into Docker for the router); a docker network
# on a documentation subnet; the cluster of kind-config.yaml on it; an FRR router container (the
# project's FRR image) at a fixed address with the config render-router.ts writes (one eBGP session
# per node, ECMP); `helm install` of charts/metallb-ts with the loaded images (pullPolicy Never);
# then bgp.kind.ts through the kind target (kind-target.ts), which applies the suite's
# IPAddressPool, BGPPeer (the router) and BGPAdvertisement itself.
#
# Environment (defaults in brackets):
#   KIND_E2E_IMAGES=podman|docker  build with hack/build-images.sh, or take the three images
#                                  (hack/build-images.sh --names) from Docker's store  [podman]
#   KIND_E2E_CLUSTER   kind cluster name; also names the network and the router  [metallb-ts-e2e]
#   KIND_E2E_SUBNET / KIND_E2E_GATEWAY / KIND_E2E_IP_RANGE   the network
#                                  [192.0.2.0/24 / 192.0.2.1 / 192.0.2.128/25 (the nodes)]
#   KIND_E2E_ROUTER_V4  the router's address, outside the nodes' range  [192.0.2.2]
#   KIND_E2E_VIP        the pool's address, on no link  [203.0.113.10]
#   KIND_E2E_KEEP=1     keep everything at the end and print how to delete it
# Only what this run created is deleted; a cluster, network or router container of the same name
# that already exists stops the run before anything is touched.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0; fi
[[ $# == 0 ]] || { echo "kind-e2e/run.sh takes no arguments (see --help)" >&2; exit 2; }

# The pinned toolchain (node, helm, kubectl) first on PATH, where hack/setup.sh built it.
source "$repo/hack/env.sh"

log() { printf '[kind-e2e] %s\n' "$*" >&2; }
die() { printf '[kind-e2e] %s\n' "$*" >&2; exit 1; }

IMAGES_FROM=${KIND_E2E_IMAGES:-podman}
[[ $IMAGES_FROM == podman || $IMAGES_FROM == docker ]] || die "KIND_E2E_IMAGES is podman or docker, not '$IMAGES_FROM'"

# --- what this needs ------------------------------------------------------------------------------

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("  missing $1: $2"); }
need docker "install Docker Engine and start its daemon (https://docs.docker.com/engine/install/)"
need kind "install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)"
need helm "sudo hack/setup.sh builds the pinned helm into .cache/tools (hack/env.sh puts it on PATH)"
need kubectl "sudo hack/setup.sh builds the pinned kubectl into .cache/tools (hack/env.sh puts it on PATH)"
need node "sudo hack/setup.sh fetches the pinned Node 24 (hack/env.sh puts it on PATH)"
if [[ $IMAGES_FROM == podman ]]; then
  need podman "apt-get install podman mmdebstrap runc (what hack/build-images.sh uses), or KIND_E2E_IMAGES=docker with the images already in Docker"
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  printf '[kind-e2e] cannot run the kind target:\n' >&2
  printf '%s\n' "${missing[@]}" >&2
  printf '[kind-e2e] without Docker, run the same suite on the namespace lab: sudo bash hack/test.sh test/e2e/bgp-operator-speaker.test.ts\n' >&2
  exit 1
fi
docker info >/dev/null 2>&1 || die "docker cannot reach a Docker daemon (docker info failed): start it, or run the suite on the namespace lab (sudo bash hack/test.sh test/e2e/bgp-operator-speaker.test.ts)"
[[ $(node --version) == v24.* ]] || die "node on PATH is $(node --version), want v24 (sudo hack/setup.sh)"
[[ -d $repo/node_modules/@kubernetes/client-node ]] || die "the project's dependencies are not installed: npm ci"

CLUSTER=${KIND_E2E_CLUSTER:-metallb-ts-e2e}
NETWORK=$CLUSTER
ROUTER=$CLUSTER-router
SUBNET=${KIND_E2E_SUBNET:-192.0.2.0/24}
GATEWAY=${KIND_E2E_GATEWAY:-192.0.2.1}
IP_RANGE=${KIND_E2E_IP_RANGE:-192.0.2.128/25}
ROUTER_V4=${KIND_E2E_ROUTER_V4:-192.0.2.2}
VIP=${KIND_E2E_VIP:-203.0.113.10}
NAMESPACE=metallb-system
RELEASE=metallb-ts

# Leftovers of the same names (a kept or interrupted run) are the user's to delete, not ours.
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then die "a kind cluster '$CLUSTER' exists: kind delete cluster --name $CLUSTER (or set KIND_E2E_CLUSTER)"; fi
if docker container inspect "$ROUTER" >/dev/null 2>&1; then die "a container '$ROUTER' exists: docker rm -f $ROUTER"; fi
if docker network inspect "$NETWORK" >/dev/null 2>&1; then die "a docker network '$NETWORK' exists: docker network rm $NETWORK"; fi

# --- cleanup of exactly what this run creates ------------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/kind-e2e.XXXXXX")
created_network='' created_cluster='' created_router=''
cleanup() {
  local rc=$?
  set +e
  if [[ ${KIND_E2E_KEEP:-} == 1 ]]; then
    log "kept (KIND_E2E_KEEP=1): KUBECONFIG=$work/kubeconfig; delete with:"
    [[ -n $created_router ]] && log "  docker rm -f $ROUTER"
    [[ -n $created_cluster ]] && log "  kind delete cluster --name $CLUSTER"
    [[ -n $created_network ]] && log "  docker network rm $NETWORK"
    log "  rm -rf $work"
  else
    [[ -n $created_router ]] && { log "deleting router container $ROUTER"; docker rm -f "$ROUTER" >/dev/null; }
    [[ -n $created_cluster ]] && { log "deleting kind cluster $CLUSTER"; kind delete cluster --name "$CLUSTER"; }
    [[ -n $created_network ]] && { log "deleting docker network $NETWORK"; docker network rm "$NETWORK" >/dev/null; }
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

# --- images -------------------------------------------------------------------------------------------

mapfile -t IMAGES < <(bash "$repo/hack/build-images.sh" --names)
[[ ${#IMAGES[@]} == 3 ]] || die "hack/build-images.sh --names printed ${#IMAGES[@]} names, want 3"
OPERATOR_IMAGE=${IMAGES[0]} SPEAKER_IMAGE=${IMAGES[1]} FRR_IMAGE=${IMAGES[2]}
archive=$work/images.tar
if [[ $IMAGES_FROM == podman ]]; then
  log "building the images with podman (hack/build-images.sh, as root)"
  as_root bash "$repo/hack/build-images.sh"
  as_root bash "$repo/hack/podman.sh" save --quiet --multi-image-archive --format docker-archive -o "$archive" "${IMAGES[@]}"
  log "loading the images into Docker (the router container runs $FRR_IMAGE)"
  docker load --quiet -i "$archive" >/dev/null
else
  for i in "${IMAGES[@]}"; do docker image inspect "$i" >/dev/null 2>&1 || die "$i is not in Docker's image store (KIND_E2E_IMAGES=docker)"; done
  docker save -o "$archive" "${IMAGES[@]}"
fi

# --- network, cluster, router --------------------------------------------------------------------

log "creating docker network $NETWORK ($SUBNET, nodes in $IP_RANGE)"
docker network create --driver bridge --subnet "$SUBNET" --gateway "$GATEWAY" --ip-range "$IP_RANGE" "$NETWORK" >/dev/null
created_network=1

log "creating kind cluster $CLUSTER (kind-config.yaml: 1 control-plane + 2 workers)"
created_cluster=1
KIND_EXPERIMENTAL_DOCKER_NETWORK=$NETWORK kind create cluster --name "$CLUSTER" --config "$here/kind-config.yaml" \
  --kubeconfig "$work/kubeconfig" --wait 180s
export KUBECONFIG=$work/kubeconfig
log "loading the images into the nodes"
kind load image-archive "$archive" --name "$CLUSTER"

mapfile -t NODE_IPS < <(kubectl get nodes -o jsonpath='{range .items[*]}{range .status.addresses[?(@.type=="InternalIP")]}{.address}{"\n"}{end}{end}')
log "nodes: ${NODE_IPS[*]}"
node "$here/render-router.ts" --out "$work/router" --router-id "$ROUTER_V4" --neighbors "$(IFS=,; echo "${NODE_IPS[*]}")"

log "starting router container $ROUTER ($ROUTER_V4, AS 64513, one session per node)"
created_router=1
# As the chart's cp-frr-files init container does: the startup files into /etc/frr, owned by frr.
docker run --detach --name "$ROUTER" --network "$NETWORK" --ip "$ROUTER_V4" --cap-add NET_ADMIN --cap-add NET_RAW \
  --volume "$work/router:/config:ro" --entrypoint /bin/bash "$FRR_IMAGE" -c \
  'cp /config/* /etc/frr/ && mkdir -p /var/run/frr /var/lib/frr /var/log/frr /var/tmp/frr &&
   chown -R frr:frr /etc/frr /var/run/frr /var/lib/frr /var/log/frr /var/tmp/frr && exec /usr/local/bin/frr-entrypoint' >/dev/null
for i in $(seq 1 60); do
  docker exec "$ROUTER" vtysh -c 'show bgp summary' >/dev/null 2>&1 && break
  if [[ $i == 60 || $(docker container inspect --format '{{.State.Running}}' "$ROUTER") != true ]]; then
    docker logs "$ROUTER" >&2 || true
    die "the router's FRR did not start"
  fi
  sleep 1
done

# --- the chart -------------------------------------------------------------------------------------

log "helm install $RELEASE charts/metallb-ts into $NAMESPACE (images loaded, pullPolicy Never)"
helm install "$RELEASE" "$repo/charts/metallb-ts" --namespace "$NAMESPACE" --create-namespace \
  --set "controller.image.repository=${OPERATOR_IMAGE%:*}" --set "controller.image.tag=${OPERATOR_IMAGE##*:}" \
  --set controller.image.pullPolicy=Never \
  --set "speaker.image.repository=${SPEAKER_IMAGE%:*}" --set "speaker.image.tag=${SPEAKER_IMAGE##*:}" \
  --set speaker.image.pullPolicy=Never \
  --set "speaker.frr.image.repository=${FRR_IMAGE%:*}" --set "speaker.frr.image.tag=${FRR_IMAGE##*:}" \
  --set speaker.frr.image.pullPolicy=Never \
  --wait --timeout 5m

# --- the suite -------------------------------------------------------------------------------------

log "running the shared BGP suite on the kind target (kind-e2e/bgp.kind.ts)"
rc=0
KIND_E2E_KUBECONFIG=$KUBECONFIG KIND_E2E_NAMESPACE=$NAMESPACE KIND_E2E_RELEASE=$RELEASE KIND_E2E_ROUTER=$ROUTER \
  KIND_E2E_ROUTER_V4=$ROUTER_V4 KIND_E2E_VIP=$VIP KIND_E2E_BACKEND_IMAGE=$OPERATOR_IMAGE \
  node --test --test-reporter=spec "$here/bgp.kind.ts" || rc=$?
if [[ $rc != 0 ]]; then
  log "the suite failed (exit $rc); the cluster and the router as they were:"
  kubectl get pods --all-namespaces -o wide >&2 || true
  kubectl get nodeplans.speaker.metallb-ts.io -n "$NAMESPACE" -o wide >&2 || true
  docker exec "$ROUTER" vtysh -c 'show bgp summary' -c "show ip route $VIP/32" >&2 || true
fi
exit "$rc"
