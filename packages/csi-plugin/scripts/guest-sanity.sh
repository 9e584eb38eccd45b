#!/usr/bin/env bash
# Runs INSIDE the e2e/vm QEMU guest (real device-mapper): csi-sanity against the built plugin with LVM volumes
# in a VG over the guest's virtio disks. Writes junit.xml and the plugin/sanity logs to the guest share.
# Usage (in the guest, cwd = repo root): guest-sanity.sh <path to csi-sanity>
set -uo pipefail
sanity="$1"
share="${OPENLOCAL_GUEST_SHARE:?not in the e2e/vm guest}"
[ -f /run/openlocal/guest ] || { echo "refusing: not inside the e2e/vm guest"; exit 2; }
IFS=',' read -r -a disks <<< "${OPENLOCAL_GUEST_DISKS:-}"
[ "${#disks[@]}" -ge 1 ] || { echo "the guest has no disks"; exit 2; }
vg=csi-sanity-vg
lvm vgcreate "$vg" "${disks[@]}" || exit 1
work="$(mktemp -d)"
mkdir -p "$work/kubelet/sanity"
printf 'volumeType: LVM\nvgName: %s\n' "$vg" > "$work/params.yaml"
node packages/csi-plugin/dist/main.js --endpoint "unix://$work/csi.sock" --nodeid sanity-node --kubelet-dir "$work/kubelet" \
  --device-regexp '^$' --vg-regexp "^$vg\$" --metrics-port=0 > "$share/plugin.log" 2>&1 &
plugin_pid=$!
for _ in $(seq 100); do [ -S "$work/csi.sock" ] && break; sleep 0.2; done
"$sanity" --csi.endpoint "$work/csi.sock" \
  --csi.mountdir "$work/kubelet/sanity/target" --csi.stagingdir "$work/kubelet/sanity/staging" \
  --csi.testvolumeparameters "$work/params.yaml" --csi.testvolumesize $((64 * 1024 * 1024)) \
  --csi.testvolumeexpandsize $((128 * 1024 * 1024)) \
  --ginkgo.junit-report "$share/junit.xml" --ginkgo.timeout 20m > "$share/sanity.log" 2>&1
status=$?
tail -4 "$share/sanity.log"
kill -TERM "$plugin_pid"; wait "$plugin_pid"
echo "LVs left in $vg after the suite: $(lvm lvs --noheadings -o lv_name "$vg" | wc -l)"
exit "$status"
