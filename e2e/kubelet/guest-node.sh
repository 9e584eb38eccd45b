#!/bin/bash
# One real Kubernetes node inside the e2e/vm QEMU guest (real device-mapper): containerd + runc, our agent (it
# creates the VG on the raw disk from its NodeLocalStorage spec and reports it), our csi-plugin in node mode (it
# registers itself with kubelet and asks the host's scheduler extender for plans), external-provisioner
# --node-deployment and kubelet, all talking to the host's kube-apiserver (and extender) at 10.0.2.2.
# The host test (kubelet-node.test.ts) writes the configs on the share before boot, drives the scenario
# through the API, and reads what only the node can see from the reports this script writes on the share
# every two seconds: the VG's LVs (lvs.json), the mounts under the kubelet dir with their filesystem sizes
# (mounts.json) and what the pods wrote into their volumes (markers.json). It ends when the host creates
# share/stop.
#
# Environment (from the host): OPENLOCAL_GUEST_SHARE, OPENLOCAL_GUEST_DISKS (runInGuest), NODE_NAME, VG_NAME,
# TOOLS_BIN (the directory of the pinned kubelet, csi-provisioner and csi-snapshotter binaries), EXTENDER_URL,
# THIN_POOL (optional, NAME:SIZE).
set -uo pipefail

share="${OPENLOCAL_GUEST_SHARE:?}"
node_name="${NODE_NAME:?}"
vg="${VG_NAME:?}"
tools="${TOOLS_BIN:?}"
extender="${EXTENDER_URL:?}"
repo="$(pwd)"
kubelet_dir=/var/lib/kubelet
plugin_dir="$kubelet_dir/plugins/local.csi.aliyun.com"
logs="$share/logs"
mkdir -p "$logs"
# say, fail, start, wait_for_socket, stop_all, fail_if_one_died, report and report_throttle.
source "$(dirname "${BASH_SOURCE[0]}")/guest-lib.sh"
# supervise NAME CMD...: like start, but CMD is started again when it exits, as kubelet restarts a container
# whose process ended. For the CSI sidecar only: it exits by design when it loses its connection to the
# plugin. Each restart is logged on share/restarts (the host test prints them), so none goes unseen.
supervise() {
  local name="$1"
  shift
  (
    child=""
    trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM
    restarts=0
    while :; do
      "$@" >>"$logs/$name.log" 2>&1 &
      child=$!
      wait "$child"
      status=$?
      restarts=$((restarts + 1))
      say "$name exited with status $status; starting it again (restart $restarts)" | tee -a "$share/restarts"
      sleep 2
    done
  ) &
  pids+=("$!")
  names+=("$name")
  say "started $name under supervision (pid $!)"
}
trap stop_all EXIT

# Writable, mountable state on tmpfs: containerd's overlay snapshots cannot live on the guest's overlay root.
for dir in /var/lib/containerd "$kubelet_dir" /etc/cni/net.d; do mkdir -p "$dir"; done
mount -t tmpfs -o mode=0755 tmpfs /var/lib/containerd || fail "tmpfs for containerd"
mount -t tmpfs -o mode=0755 tmpfs "$kubelet_dir" || fail "tmpfs for kubelet"
cp "$share/cni.conflist" /etc/cni/net.d/10-openlocal.conflist

start containerd containerd --config "$share/containerd.toml"
wait_for_socket /run/containerd/containerd.sock 60 || fail "containerd did not start (see logs/containerd.log)"
ctr --address /run/containerd/containerd.sock --namespace k8s.io images import "$share/image.tar" >"$logs/ctr-import.log" 2>&1 ||
  fail "ctr images import (see logs/ctr-import.log)"
say "containerd up, test image imported"

# Kubelet, agent and plugin start together (one emulated CPU: node apps take tens of seconds to load and
# kubelet need not wait for them; it registers the plugin when its registration socket appears).
# The agent creates the VG the controller put in this node's NLS spec (resourceToBeInited) on the raw disk.
start agent node "$repo/packages/agent/dist/main.js" --nodename "$node_name" --kubeconfig "$share/kubeconfig" \
  --interval 2 --metrics-host 127.0.0.1 --metrics-port 0
mkdir -p "$plugin_dir"
# GRPC_TRACE=server logs each connection the plugin accepts and closes: the evidence when a sidecar reports a
# lost connection.
start csi-plugin env GRPC_TRACE=server GRPC_VERBOSITY=DEBUG node "$repo/packages/csi-plugin/dist/main.js" --endpoint "unix://$plugin_dir/csi.sock" --nodeid "$node_name" \
  --kubelet-dir "$kubelet_dir" --device-regexp '^$' --vg-regexp "^$vg\$" --extender-url "$extender" --metrics-port=0
start kubelet "$tools/kubelet" --config="$share/kubelet.yaml" --kubeconfig="$share/kubeconfig" \
  --hostname-override="$node_name" --node-ip=10.0.2.15 --v=2
# external-provisioner gives up when the CSI socket does not answer within ~30 s: start it once it serves.
wait_for_socket "$plugin_dir/csi.sock" 120 || fail "csi-plugin did not open its socket (see logs/csi-plugin.log)"
# --timeout=30s: on the emulated CPU under load an lvcreate can outlast the default 10 s, and each cancelled
# CreateVolume is retried from the start. grpc-go's own log of the connection (dial, handshake, state changes) is the evidence when it reports a loss.
supervise csi-provisioner env NODE_NAME="$node_name" GRPC_GO_LOG_SEVERITY_LEVEL=info GRPC_GO_LOG_VERBOSITY_LEVEL=2 "$tools/csi-provisioner" --csi-address="$plugin_dir/csi.sock" \
  --kubeconfig="$share/kubeconfig" --node-deployment=true --extra-create-metadata=true --volume-name-prefix=local \
  --leader-election=false --retry-interval-start=1s --retry-interval-max=5s --timeout=30s --v=4
# VolumeSnapshots (kubelet-node.test.ts's snapshot scenario): csi-snapshotter beside the plugin, as the chart's
# csi-node pod runs it; it takes the snapshots of the contents the host's snapshot-controller labels with this
# node. --retry-interval-max=5s: a DeleteSnapshot the plugin refuses (snapshot in use) is retried soon after
# the restored volume goes, not minutes later.
supervise csi-snapshotter env NODE_NAME="$node_name" "$tools/csi-snapshotter" --csi-address="$plugin_dir/csi.sock" \
  --kubeconfig="$share/kubeconfig" --node-deployment=true --extra-create-metadata=true --leader-election=false \
  --retry-interval-start=1s --retry-interval-max=5s --timeout=60s --v=4
echo started >"$share/node-started"

# THIN_POOL=NAME:SIZE (optional): the thin pool the snapshot scenario's thin class names, made in the VG once
# the agent has created the VG (as an admin would; the rung does not declare it in the NLS for the agent). Kept across
# reboots on the node's disk.
thin_pool_ready=""
ensure_thin_pool() {
  local name="${THIN_POOL%%:*}" size="${THIN_POOL#*:}"
  [ -n "$thin_pool_ready" ] && return 0
  if lvm lvs "$vg/$name" >/dev/null 2>&1; then
    thin_pool_ready=1
    say "thin pool $vg/$name present"
  elif lvm vgs "$vg" >/dev/null 2>&1; then
    if lvm lvcreate --type thin-pool --size "$size" --name "$name" "$vg" >>"$logs/thin-pool.log" 2>&1; then
      thin_pool_ready=1
      say "thin pool $vg/$name created ($size)"
    else
      fail "lvcreate of thin pool $vg/$name (see logs/thin-pool.log)"
    fi
  fi
}

while [ ! -e "$share/stop" ]; do
  [ -n "${THIN_POOL:-}" ] && ensure_thin_pool
  report
  report_throttle
  fail_if_one_died
  sleep 2
done
report
say "stop asked by the host"
exit 0
