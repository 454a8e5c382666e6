#!/bin/bash
# Entrypoint of the FRR sidecar image, as FRR's own container start script does it: watchfrr in
# the foreground with the daemons that /etc/frr/daemons enables; watchfrr starts them (its default
# start command, frrcommon.sh start <daemon>; each loads the integrated /etc/frr/frr.conf through
# vtysh -b) and restarts any that dies. /etc/frr comes from the pod (the chart's cp-frr-files init
# container); /var/run/frr holds the vty sockets and pidfiles the speaker container uses.
# No `set -u`: frrcommon.sh reads variables it does not always set (FRR_PATHSPACE).
set -eo pipefail
if [[ ${1:-} == --help || ${1:-} == -h ]]; then
  echo "usage: frr-entrypoint    (no arguments) runs /usr/lib/frr/watchfrr with the daemons /etc/frr/daemons enables"
  /usr/lib/frr/watchfrr --version | sed -n 1p
  exit 0
fi
if [[ $# -gt 0 ]]; then echo "frr-entrypoint takes no arguments (see --help)" >&2; exit 2; fi
if [[ ! -r /etc/frr/daemons ]]; then
  echo "frr-entrypoint: /etc/frr/daemons is missing (the chart's cp-frr-files init container puts it there)" >&2
  exit 1
fi
log_success_msg() { echo "$@"; }
log_warning_msg() { echo "$@" >&2; }
log_failure_msg() { echo "$@" >&2; }
# shellcheck source=/dev/null
source /usr/lib/frr/frrcommon.sh
# shellcheck disable=SC2046,SC2086,SC2154  # word lists from frrcommon.sh / the daemons file
exec /usr/lib/frr/watchfrr $watchfrr_options $(daemon_list)
