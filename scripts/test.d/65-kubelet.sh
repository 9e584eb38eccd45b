# The kubelet rung: a real kubelet + containerd + runc node inside the QEMU guest (real device-mapper) joined
# to a host control plane; our csi-plugin registers itself with that kubelet, a pod gets a real LVM volume, a
# PVC resize reaches lvextend and an online resize2fs through kubelet's NodeExpandVolume, and deletion cleans
# up. Needs root, QEMU, containerd, runc and the CNI plugins (scripts/setup installs them) and the pinned binaries (kubelet included) from build-tools.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/65-kubelet.json" npx vitest run --project 'e2e:kubelet'
