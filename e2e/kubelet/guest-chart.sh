#!/bin/bash
# The kubelet rung's node for the chart (chart-pods.test.ts): containerd + runc and kubelet only, inside the
# e2e/vm QEMU guest (real device-mapper). Everything of Open-Local on this node arrives as pods of the chart that
# the host installs with helm, from the OCI archives of scripts/images imported here into containerd. It writes
# what only the node can see on the share (lvs.json, mounts.json, markers.json, as guest-node.sh does) when the
# host asks — share/report-request holds a number; once the report is written, share/report-done holds the same
# number — because reporting every two seconds (lvm, findmnt, ps and a log copy under emulation) took about half
# of the node's one emulated CPU from the pods it runs. Every 15 s: the resident memory of our containers'
# processes (rss.txt) and the containers' logs. Ends when the host creates share/stop.
#
# Environment (from the host): OPENLOCAL_GUEST_SHARE, NODE_NAME, VG_NAME (the VG the chart's init config names),
# TOOLS_BIN (the directory of the pinned kubelet), CONTAINERD_DISK (optional, see below), OPEN_LOCAL_* (optional:
# the Open-Local node to upgrade, see open-local-node.sh). Images: those on the
# containerd disk, and every share/images/*.tar (imported here).
set -uo pipefail

share="${OPENLOCAL_GUEST_SHARE:?}"
node_name="${NODE_NAME:?}"
vg="${VG_NAME:?}"
tools="${TOOLS_BIN:?}"
kubelet_dir=/var/lib/kubelet
logs="$share/logs"
mkdir -p "$logs"
# say, fail, start, wait_for_socket, stop_all, fail_if_one_died and report.
source "$(dirname "${BASH_SOURCE[0]}")/guest-lib.sh"
trap stop_all EXIT

# The resident memory (KiB) of each process our pods run, for the chart's resource requests.
report_rss() {
  ps -eo rss=,args= | awk '/\/usr\/local\/bin\/open-local-|\/csi-provisioner|\/csi-resizer/ && !/awk/ { args = $2; for (i = 3; i <= NF && i <= 4; i++) args = args " " $i; print $1, args }' >"$share/.rss.txt" 2>/dev/null &&
    mv -f "$share/.rss.txt" "$share/rss.txt"
}

# Writable, mountable state on tmpfs: containerd's overlay snapshots cannot live on the guest's overlay root.
for dir in /var/lib/containerd "$kubelet_dir" /etc/cni/net.d /mnt/open-local; do mkdir -p "$dir"; done
# CONTAINERD_DISK: a disk whose file system is a containerd root with the images already imported (made on the
# host by containerd-disk.ts: importing here under emulation takes minutes). Without it: tmpfs, and import.
if [ -n "${CONTAINERD_DISK:-}" ]; then
  mount "$CONTAINERD_DISK" /var/lib/containerd || fail "mount $CONTAINERD_DISK (the containerd disk) on /var/lib/containerd"
else
  mount -t tmpfs -o mode=0755 tmpfs /var/lib/containerd || fail "tmpfs for containerd"
fi
mount -t tmpfs -o mode=0755 tmpfs "$kubelet_dir" || fail "tmpfs for kubelet"
# The plugin's Bidirectional mounts (kubelet dir, mount points) need shared mounts on the node, as systemd makes them.
mount --make-rshared / || fail "mount --make-rshared /"
cp "$share/cni.conflist" /etc/cni/net.d/10-openlocal.conflist

# The Open-Local upgrade (#15), when the host asks for it (OPEN_LOCAL_VG set): first the node becomes what Open-Local
# v0.7.1 left (open-local-node.sh: its VG, its untagged LV with a file system and data), before anything else runs.
if [ -n "${OPEN_LOCAL_VG:-}" ]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/open-local-node.sh" >"$logs/open-local-node.log" 2>&1 || fail "open-local-node.sh (see logs/open-local-node.log)"
  report_extra_vgs+=("$OPEN_LOCAL_VG")
  say "the node is as Open-Local v0.7.1 left it: VG $OPEN_LOCAL_VG with LV $OPEN_LOCAL_LV"
fi

start containerd containerd --config "$share/containerd.toml"
wait_for_socket /run/containerd/containerd.sock 60 || fail "containerd did not start (see logs/containerd.log)"
for archive in "$share"/images/*.tar; do
  [ -e "$archive" ] || continue
  ctr --address /run/containerd/containerd.sock --namespace k8s.io images import "$archive" >>"$logs/ctr-import.log" 2>&1 ||
    fail "ctr images import $(basename "$archive") (see logs/ctr-import.log)"
done
say "containerd up with $(ctr --address /run/containerd/containerd.sock --namespace k8s.io images ls -q | wc -l) images"

# ... and kubelet (so every pod of ours) starts only once the host has upgraded Open-Local's release to our chart.
if [ -n "${OPEN_LOCAL_VG:-}" ]; then
  for _ in $(seq 600); do
    if [ -e "$share/upgraded" ] || [ -e "$share/stop" ]; then break; fi
    sleep 0.5
  done
  [ -e "$share/upgraded" ] || fail "the host did not upgrade Open-Local's release to our chart within 300 s (share/upgraded)"
  say "Open-Local's release upgraded to our chart by the host"
fi
start kubelet "$tools/kubelet" --config="$share/kubelet.yaml" --kubeconfig="$share/kubeconfig" \
  --hostname-override="$node_name" --node-ip=10.0.2.15 --v=2
echo started >"$share/node-started"

answered=""
tick=0
while [ ! -e "$share/stop" ]; do
  asked=""
  read -r asked 2>/dev/null <"$share/report-request"
  if [ -n "$asked" ] && [ "$asked" != "$answered" ]; then
    report
    # The containers' logs too: a test reads what a pod printed (e.g. df inside the pod).
    cp -ru /var/log/pods "$logs/" 2>/dev/null
    echo "$asked" >"$share/.report-done" && mv -f "$share/.report-done" "$share/report-done"
    answered="$asked"
  fi
  if [ $((tick % 15)) -eq 0 ]; then
    report_rss
    # The containers' logs (kubelet's files): the host cannot reach kubelet's API for `kubectl logs`.
    cp -ru /var/log/pods "$logs/" 2>/dev/null
  fi
  tick=$((tick + 1))
  fail_if_one_died
  sleep 1
done
report
report_rss
cp -ru /var/log/pods "$logs/" 2>/dev/null
say "stop asked by the host"
exit 0
