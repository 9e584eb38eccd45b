#!/usr/bin/env bash
# Runs INSIDE the e2e/vm QEMU guest (real device-mapper): csi-sanity against the built plugin with LVM volumes,
# twice, with the snapshot and clone specs on (the plugin advertises CREATE_DELETE_SNAPSHOT, LIST_SNAPSHOTS and
# CLONE_VOLUME): thick LVs in a VG on the first disk (read-only copy-on-write snapshots, Open-Local's class
# parameters) and thin LVs from a thin pool in a VG on the second disk (thin snapshots and clones).
# The two runs go at the same time, each against its own plugin process that manages only its own VG (its own
# socket, kubelet dir and --vg-regexp, so one run's ListSnapshots and GetCapacity never see the other's LVs); with
# a guest of two vCPUs (60-csi boots it with --cpus 2) the guest run took 291 s instead of 369 s one after the
# other (measured 2026-12-03; each suite is slower side by side, thick 254 s instead of 213 s, thin 176 s
# instead of 107 s, but they overlap).
# Writes junit.xml (thick) and junit-thin.xml plus the plugin/sanity logs to the guest share.
# Usage (in the guest, cwd = repo root): guest-sanity.sh <path to csi-sanity>
set -uo pipefail
sanity="$1"
share="${OPENLOCAL_GUEST_SHARE:?not in the e2e/vm guest}"
[ -f /run/openlocal/guest ] || { echo "refusing: not inside the e2e/vm guest"; exit 2; }
IFS=',' read -r -a disks <<< "${OPENLOCAL_GUEST_DISKS:-}"
[ "${#disks[@]}" -ge 2 ] || { echo "the guest needs two disks (thick VG, thin VG), has ${#disks[@]}"; exit 2; }
vg=csi-sanity-vg
thin_vg=csi-sanity-thin
lvm vgcreate "$vg" "${disks[0]}" || exit 1
lvm vgcreate "$thin_vg" "${disks[1]}" || exit 1
lvm lvcreate --yes --type thin-pool --name pool0 --extents 90%VG "$thin_vg" || exit 1
work="$(mktemp -d)"
printf 'volumeType: LVM\nvgName: %s\n' "$vg" > "$work/params.yaml"
printf 'volumeType: LVM\nvgName: %s\nthinPool: pool0\noverProvisioningRatio: "4"\n' "$thin_vg" > "$work/params-thin.yaml"
# Open-Local's read-only snapshot class; the initial copy-on-write size stays below the 64 MiB test volumes.
printf 'csi.aliyun.com/readonly: "true"\ncsi.aliyun.com/snapshot-initial-size: 16Mi\ncsi.aliyun.com/snapshot-expansion-threshold: 50%%\ncsi.aliyun.com/snapshot-expansion-size: 8Mi\n' > "$work/snapshot-params.yaml"

# start_plugin KIND VG: one plugin for one run, in $work/KIND (socket, kubelet dir), managing only VG; sets plugin_pid.
plugin_pids=()
start_plugin() {
  local kind="$1" vgname="$2" dir="$work/$1"
  mkdir -p "$dir/kubelet/sanity"
  node packages/csi-plugin/dist/main.js --endpoint "unix://$dir/csi.sock" --nodeid sanity-node --kubelet-dir "$dir/kubelet" \
    --device-regexp '^$' --vg-regexp "^$vgname\$" --metrics-port=0 > "$share/plugin-$kind.log" 2>&1 &
  plugin_pids+=("$!")
}
stop_plugins() { local pid; for pid in "${plugin_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; wait "$pid"; done; }
trap stop_plugins EXIT
start_plugin thick "$vg"
start_plugin thin "$thin_vg"
for kind in thick thin; do
  for _ in $(seq 150); do [ -S "$work/$kind/csi.sock" ] && break; sleep 0.2; done
  [ -S "$work/$kind/csi.sock" ] || { echo "the $kind plugin did not start: $(tail -5 "$share/plugin-$kind.log")"; exit 1; }
done

# run_sanity KIND PARAMS JUNIT VG [ginkgo flags]: one csi-sanity run against KIND's plugin; exits with its status
# after printing its tail and the LVs it left in the VG (run in the background, so it prints all at the end).
run_sanity() {
  local kind="$1" params="$2" junit="$3" vgname="$4" dir="$work/$1" rc start=$SECONDS left
  shift 4
  "$sanity" "$@" --csi.endpoint "$dir/csi.sock" \
    --csi.mountdir "$dir/kubelet/sanity/target" --csi.stagingdir "$dir/kubelet/sanity/staging" \
    --csi.testvolumeparameters "$params" --csi.testsnapshotparameters "$work/snapshot-params.yaml" \
    --csi.testvolumesize $((64 * 1024 * 1024)) --csi.testvolumeexpandsize $((128 * 1024 * 1024)) \
    --ginkgo.junit-report "$share/$junit" --ginkgo.timeout 20m > "$share/sanity-$kind.log" 2>&1
  rc=$?
  # Every volume and snapshot the suite made must be gone (the thin pool itself is ours, not the suite's).
  left="$(lvm lvs --noheadings -o lv_name -S 'lv_name!=pool0' "$vgname" | wc -l)"
  { echo "csi-sanity ($kind LVs in $vgname), snapshot and clone specs on ${*:-(every spec)}: exit $rc after $((SECONDS - start)) s"
    tail -4 "$share/sanity-$kind.log"
    echo "LVs left in $vgname after the $kind suite: $left"; } > "$work/$kind.summary"
  return "$rc"
}
run_sanity thick "$work/params.yaml" junit.xml "$vg" &
thick_pid=$!
# The thin run skips what does not depend on the kind of LV, to keep the stage short under emulation: the Node
# Service specs (thin LVs are staged and published in test-guest/snapshots.test.ts) and ListSnapshots paging (the
# same code for both kinds, run by the thick suite).
run_sanity thin "$work/params-thin.yaml" junit-thin.xml "$thin_vg" --ginkgo.skip 'Node Service|should return next token' &
thin_pid=$!
status=0
wait "$thick_pid" || status=$?
rc=0; wait "$thin_pid" || rc=$?
[ "$status" -ne 0 ] || status=$rc
cat "$work/thick.summary" "$work/thin.summary"
stop_plugins
trap - EXIT
exit "$status"
