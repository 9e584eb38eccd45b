#!/usr/bin/env bash
# Runs INSIDE the e2e/vm QEMU guest (real device-mapper): csi-sanity against the built plugin with LVM volumes,
# twice, with the snapshot and clone specs on (the plugin advertises CREATE_DELETE_SNAPSHOT, LIST_SNAPSHOTS and
# CLONE_VOLUME): thick LVs in a VG on the first disk (read-only copy-on-write snapshots, Open-Local's class
# parameters), then thin LVs from a thin pool in a VG on the second disk (thin snapshots and clones).
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
mkdir -p "$work/kubelet/sanity"
printf 'volumeType: LVM\nvgName: %s\n' "$vg" > "$work/params.yaml"
printf 'volumeType: LVM\nvgName: %s\nthinPool: pool0\noverProvisioningRatio: "4"\n' "$thin_vg" > "$work/params-thin.yaml"
# Open-Local's read-only snapshot class; the initial copy-on-write size stays below the 64 MiB test volumes.
printf 'csi.aliyun.com/readonly: "true"\ncsi.aliyun.com/snapshot-initial-size: 16Mi\ncsi.aliyun.com/snapshot-expansion-threshold: 50%%\ncsi.aliyun.com/snapshot-expansion-size: 8Mi\n' > "$work/snapshot-params.yaml"
node packages/csi-plugin/dist/main.js --endpoint "unix://$work/csi.sock" --nodeid sanity-node --kubelet-dir "$work/kubelet" \
  --device-regexp '^$' --vg-regexp "^($vg|$thin_vg)\$" --metrics-port=0 > "$share/plugin.log" 2>&1 &
plugin_pid=$!
for _ in $(seq 100); do [ -S "$work/csi.sock" ] && break; sleep 0.2; done

# run_sanity KIND PARAMS JUNIT VG [ginkgo flags]: one csi-sanity run; prints its tail and the LVs it left in the VG.
status=0
run_sanity() {
  local kind="$1" params="$2" junit="$3" vgname="$4" rc
  shift 4
  echo "csi-sanity ($kind LVs in $vgname), snapshot and clone specs on ${*:-(every spec)}"
  "$sanity" "$@" --csi.endpoint "$work/csi.sock" \
    --csi.mountdir "$work/kubelet/sanity/target" --csi.stagingdir "$work/kubelet/sanity/staging" \
    --csi.testvolumeparameters "$params" --csi.testsnapshotparameters "$work/snapshot-params.yaml" \
    --csi.testvolumesize $((64 * 1024 * 1024)) --csi.testvolumeexpandsize $((128 * 1024 * 1024)) \
    --ginkgo.junit-report "$share/$junit" --ginkgo.timeout 20m > "$share/sanity-$kind.log" 2>&1
  rc=$?
  tail -4 "$share/sanity-$kind.log"
  # Every volume and snapshot the suite made must be gone (the thin pool itself is ours, not the suite's).
  echo "LVs left in $vgname after the $kind suite: $(lvm lvs --noheadings -o lv_name -S 'lv_name!=pool0' "$vgname" | wc -l)"
  [ "$rc" -eq 0 ] || status=$rc
}
run_sanity thick "$work/params.yaml" junit.xml "$vg"
# The thin run skips what does not depend on the kind of LV, to keep the stage short under emulation (about 1.5
# minutes less): the Node Service specs (thin LVs are staged and published in test-guest/snapshots.test.ts) and
# ListSnapshots paging (the same code for both kinds, run above).
run_sanity thin "$work/params-thin.yaml" junit-thin.xml "$thin_vg" --ginkgo.skip 'Node Service|should return next token'
kill -TERM "$plugin_pid"; wait "$plugin_pid"
exit "$status"
