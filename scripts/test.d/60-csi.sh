# csi-sanity (the upstream CSI conformance suite, built from csi-test) against the built csi-plugin binary in
# node mode, on a real unix socket, with Device volumes on loop devices on the host (real mkfs and mount).
# Prints pass/fail/skip counts and lists every skipped spec with its reason. Root only; skips with a reason.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
counts="$OPENLOCAL_COUNTS_DIR/60-csi.json"
sanity="$OPENLOCAL_CACHE/tools/bin/csi-sanity"
skip() { log "60-csi skipped: $1"; echo '{"passed":0,"failed":0,"skipped":1}' > "$counts"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root for loop devices, mkfs and mount"
[ -x "$sanity" ] || skip "csi-sanity is not built ($sanity missing): run scripts/build-tools"
plugin_js="$REPO_ROOT/packages/csi-plugin/dist/main.js"
[ -f "$plugin_js" ] || { (cd packages/lvm && npx tsup) && (cd packages/csi-plugin && npx tsup); } >/dev/null 2>&1

work="$(mktemp -d /tmp/openlocal-sanity-XXXXXX)"
loops=()
plugin_pid=""
cleanup() {
  if [ -n "$plugin_pid" ]; then kill -TERM "$plugin_pid" 2>/dev/null; wait "$plugin_pid" 2>/dev/null; fi
  # Unmount whatever is left under our directory, deepest first, then detach our loops.
  awk -v root="$work/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" || true; done
  for l in "${loops[@]}"; do losetup -d "$l" || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Eight 64 MiB disks: the volume size csi-sanity asks for, so "exact capacity" specs can be met by a whole disk.
size=$((64 * 1024 * 1024))
for i in 0 1 2 3 4 5 6 7; do
  truncate -s "$size" "$work/disk$i.img"
  loops+=("$(losetup --find --show "$work/disk$i.img")")
done
names="$(printf '%s\n' "${loops[@]}" | sed 's|/dev/||' | paste -sd'|')"
mkdir -p "$work/lvm" "$work/kubelet/sanity"
{ echo 'devices {'; printf '  global_filter = [ '; for l in "${loops[@]}"; do printf '"a|^%s$|", ' "$l"; done; echo '"r|.*|" ]'
  echo '  use_devicesfile = 0'; echo '  obtain_device_list_from_udev = 0'; echo '}'; } > "$work/lvm/lvm.conf"
printf 'volumeType: Device\nmediaType: hdd\n' > "$work/params.yaml"

node "$plugin_js" --endpoint "unix://$work/csi.sock" --nodeid sanity-node --kubelet-dir "$work/kubelet" \
  --lvm-system-dir "$work/lvm" --device-regexp "^($names)\$" --mount-dir "$work/mnt" >"$OPENLOCAL_RUN_DIR/60-csi-plugin.log" 2>&1 &
plugin_pid=$!
for _ in $(seq 50); do [ -S "$work/csi.sock" ] && break; sleep 0.1; done
[ -S "$work/csi.sock" ] || { log "plugin did not start"; tail -20 "$OPENLOCAL_RUN_DIR/60-csi-plugin.log"; echo '{"passed":0,"failed":1,"skipped":0}' > "$counts"; exit 1; }

log "csi-sanity against $plugin_js (Device volumes on ${loops[*]})"
"$sanity" --csi.endpoint "$work/csi.sock" \
  --csi.mountdir "$work/kubelet/sanity/target" --csi.stagingdir "$work/kubelet/sanity/staging" \
  --csi.testvolumeparameters "$work/params.yaml" --csi.testvolumesize "$size" --csi.testvolumeexpandsize "$size" \
  --ginkgo.junit-report "$work/junit.xml" --ginkgo.timeout 15m >"$OPENLOCAL_RUN_DIR/60-csi-sanity.log" 2>&1
sanity_status=$?
tail -5 "$OPENLOCAL_RUN_DIR/60-csi-sanity.log"
cp "$work/junit.xml" "$OPENLOCAL_RUN_DIR/60-csi-sanity-junit.xml" 2>/dev/null
node packages/csi-plugin/scripts/sanity-junit.mjs "$work/junit.xml" "$counts"
parse_status=$?
log "csi-sanity exit $sanity_status; logs: $OPENLOCAL_RUN_DIR/60-csi-sanity.log, plugin: $OPENLOCAL_RUN_DIR/60-csi-plugin.log"
[ "$parse_status" -eq 0 ] && [ "$sanity_status" -eq 0 ]
