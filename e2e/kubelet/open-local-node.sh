#!/bin/bash
# A node as Open-Local v0.7.1 leaves it (#15), made inside the QEMU guest before anything of ours runs there: a
# VG that Open-Local's listConfig manages (open-local-pool-N, made with vgcreate as Open-Local's agent does,
# reference §1.7), one LV made by Open-Local's node path — `lvcreate -n <id> -L <MiB>m -Wy -y <vg>`, no tag
# (§5.4) — formatted as its publish does (`mkfs.ext4 -F -m0`, §5.14) and holding the data its pod wrote. Then it
# writes what lvm reports about that VG to the share (open-local-vgs.json, open-local-lvs.json), from which the
# host writes the NLS status Open-Local's agent would have written.
#
# Environment: OPENLOCAL_GUEST_SHARE; OPEN_LOCAL_VG (open-local-pool-N), OPEN_LOCAL_DISK (/dev/vdX),
# OPEN_LOCAL_LV (local-<claim uid>), OPEN_LOCAL_LV_MIB; the data is share/open-local-data (copied to the
# volume's `marker` file, the name the node report reads under each published volume).
set -euo pipefail

share="${OPENLOCAL_GUEST_SHARE:?}"
vg="${OPEN_LOCAL_VG:?}"
disk="${OPEN_LOCAL_DISK:?}"
lv="${OPEN_LOCAL_LV:?}"
mib="${OPEN_LOCAL_LV_MIB:?}"
# Names reach lvm and mount: accept only the shapes Open-Local makes.
[[ "$vg" =~ ^open-local-pool-[0-9]+$ ]] || { echo "OPEN_LOCAL_VG must be open-local-pool-N, got '$vg'" >&2; exit 2; }
[[ "$disk" =~ ^/dev/vd[a-z]$ ]] || { echo "OPEN_LOCAL_DISK must be a virtio disk /dev/vdX, got '$disk'" >&2; exit 2; }
[[ "$lv" =~ ^local-[0-9a-f-]{36}$ ]] || { echo "OPEN_LOCAL_LV must be local-<uid>, got '$lv'" >&2; exit 2; }
[[ "$mib" =~ ^[1-9][0-9]*$ ]] || { echo "OPEN_LOCAL_LV_MIB must be a whole number of MiB, got '$mib'" >&2; exit 2; }

lvm pvcreate -y "$disk"
lvm vgcreate "$vg" "$disk"
lvm lvcreate -n "$lv" -L "${mib}m" -Wy -y "$vg"
mkfs.ext4 -q -F -m0 "/dev/$vg/$lv"
target=/mnt/open-local-publish
mkdir -p "$target"
mount -t ext4 "/dev/$vg/$lv" "$target"
cp "$share/open-local-data" "$target/marker"
sync
umount "$target"

lvm vgs --reportformat json --units b --nosuffix -o vg_name,vg_size,vg_free "$vg" >"$share/open-local-vgs.json"
lvm lvs --reportformat json --units b --nosuffix -o lv_name,lv_size,lv_tags "$vg" >"$share/open-local-lvs.json"
