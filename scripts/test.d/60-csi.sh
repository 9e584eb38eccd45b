# CSI plugin conformance where the node path is real:
#  1. csi-sanity (upstream conformance suite) against the built binary on the host, Device volumes on loop
#     devices (real mkfs and mount);
#  2. inside the e2e/vm QEMU guest (real device-mapper): the csi-plugin:guest vitest project (LVM stage,
#     publish, online grow, raw block, inline ephemeral, io.max) and csi-sanity with LVM volumes, twice with the
#     snapshot and clone specs on: thick LVs (read-only snapshots) and thin LVs from a thin pool (#17);
#  3. the real provisioning flow (project csi-plugin:cluster): a control plane from the e2e harness, csi-plugin +
#     external-provisioner --node-deployment per simulated node, external-resizer on a controller-mode plugin.
# Part 3 runs beside part 2 (beside_start in scripts/lib.sh): the guest keeps one host core busy while the
# cluster's processes use the other, and they share nothing (the guest's disks are files given to qemu, the
# cluster makes its own loop devices, VGs and ports), so the stage takes about as long as part 2. Part 1 goes
# first because it and the cluster both take free loop devices.
# Every part prints pass/fail/skip counts (csi-sanity lists each skipped spec with its reason) and leaves its
# counts in $OPENLOCAL_COUNTS_DIR/60-csi-*.json. A part that cannot run here records one skip and says why.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
sanity="$OPENLOCAL_CACHE/tools/bin/csi-sanity"
plugin_js="$REPO_ROOT/packages/csi-plugin/dist/main.js"
junit_counts="$REPO_ROOT/packages/csi-plugin/scripts/sanity-junit.mjs"
overall=0
skip_part() { log "60-csi $1 skipped: $2"; echo '{"passed":0,"failed":0,"skipped":1}' > "$OPENLOCAL_COUNTS_DIR/60-csi-$1.json"; }
fail_part() { log "60-csi $1 FAILED: $2"; echo '{"passed":0,"failed":1,"skipped":0}' > "$OPENLOCAL_COUNTS_DIR/60-csi-$1.json"; overall=1; }

[ -f "$plugin_js" ] || { (cd packages/lvm && npx tsup) && (cd packages/csi-plugin && npx tsup); } >/dev/null 2>&1

# ---- 1. csi-sanity on the host with Device volumes -------------------------------------------------------
sanity_on_host() {
  local work loops=() plugin_pid="" size names status
  work="$(mktemp -d /tmp/openlocal-sanity-XXXXXX)"
  cleanup_host() {
    if [ -n "$plugin_pid" ]; then kill -TERM "$plugin_pid" 2>/dev/null; wait "$plugin_pid" 2>/dev/null; fi
    awk -v root="$work/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" || true; done
    for l in "${loops[@]}"; do losetup -d "$l" || true; done
    rm -rf "$work"
  }
  trap cleanup_host RETURN
  # Eight 64 MiB disks: the size csi-sanity asks for, so its "exact capacity" specs can be met by a whole disk.
  size=$((64 * 1024 * 1024))
  for i in 0 1 2 3 4 5 6 7; do
    truncate -s "$size" "$work/disk$i.img"
    loops+=("$(losetup --find --show "$work/disk$i.img")") || { fail_part sanity-device "losetup failed"; return; }
  done
  names="$(printf '%s\n' "${loops[@]}" | sed 's|/dev/||' | paste -sd'|')"
  mkdir -p "$work/lvm" "$work/kubelet/sanity"
  { echo 'devices {'; printf '  global_filter = [ '; for l in "${loops[@]}"; do printf '"a|^%s$|", ' "$l"; done; echo '"r|.*|" ]'
    echo '  use_devicesfile = 0'; echo '  obtain_device_list_from_udev = 0'; echo '}'; } > "$work/lvm/lvm.conf"
  printf 'volumeType: Device\nmediaType: hdd\n' > "$work/params.yaml"
  node "$plugin_js" --endpoint "unix://$work/csi.sock" --nodeid sanity-node --kubelet-dir "$work/kubelet" \
    --lvm-system-dir "$work/lvm" --device-regexp "^($names)\$" --mount-dir "$work/mnt" --metrics-port=0 >"$OPENLOCAL_RUN_DIR/60-csi-plugin.log" 2>&1 &
  plugin_pid=$!
  for _ in $(seq 100); do [ -S "$work/csi.sock" ] && break; sleep 0.1; done
  [ -S "$work/csi.sock" ] || { tail -20 "$OPENLOCAL_RUN_DIR/60-csi-plugin.log"; fail_part sanity-device "plugin did not start"; return; }
  log "csi-sanity on the host: Device volumes on ${loops[*]}"
  # Device volumes (whole disks) have no snapshots or clones; the plugin advertises both for its LVM volumes,
  # so their specs run in the guest (thick and thin) and are skipped here.
  "$sanity" --ginkgo.skip '(?i)snapshot|from an existing source volume' --csi.endpoint "$work/csi.sock" \
    --csi.mountdir "$work/kubelet/sanity/target" --csi.stagingdir "$work/kubelet/sanity/staging" \
    --csi.testvolumeparameters "$work/params.yaml" --csi.testvolumesize "$size" --csi.testvolumeexpandsize "$size" \
    --ginkgo.junit-report "$work/junit.xml" --ginkgo.timeout 15m >"$OPENLOCAL_RUN_DIR/60-csi-sanity-device.log" 2>&1
  status=$?
  cp "$work/junit.xml" "$OPENLOCAL_RUN_DIR/60-csi-sanity-device-junit.xml" 2>/dev/null
  node "$junit_counts" "$work/junit.xml" "$OPENLOCAL_COUNTS_DIR/60-csi-sanity-device.json" || overall=1
  [ "$status" -eq 0 ] || overall=1
  log "host csi-sanity exit $status; log $OPENLOCAL_RUN_DIR/60-csi-sanity-device.log"
}

# ---- 2. inside the QEMU guest ----------------------------------------------------------------------------
# guest_run LOGFILE CWD ARGS...: runs `e2e/vm/cli.ts run ARGS` from CWD; sets guest_status and guest_share.
guest_run() {
  local logfile="$1" cwd="$2"; shift 2
  (cd "$cwd" && npx tsx "$REPO_ROOT/e2e/vm/cli.ts" run "$@") >"$logfile" 2>&1
  guest_status=$?
  guest_share="$(sed -n 's/.*results in \(.*\)$/\1/p' "$logfile" | tail -1)"
}

guest_parts() {
  log "csi-plugin:guest tests in the QEMU guest (real device-mapper)"
  guest_run "$OPENLOCAL_RUN_DIR/60-csi-guest.log" "$REPO_ROOT/packages/csi-plugin" --disk 1G --disk 1G --timeout 900 \
    --env OPENLOCAL_COUNTS_FILE=/run/openlocal/share/counts.json --env FORCE_COLOR=0 -- \
    node "$REPO_ROOT/node_modules/vitest/vitest.mjs" run --config vitest.guest.config.ts --reporter=default --reporter="$REPO_ROOT/scripts/count-reporter.mjs"
  if [ "$guest_status" -eq 3 ]; then
    local why; why="$(grep -m1 'QEMU cannot run here' "$OPENLOCAL_RUN_DIR/60-csi-guest.log")"
    skip_part guest "${why:-QEMU cannot run here}"; skip_part sanity-lvm "${why:-QEMU cannot run here}"; skip_part sanity-lvm-thin "${why:-QEMU cannot run here}"; return
  fi
  grep -E '✓|×|Tests ' "$OPENLOCAL_RUN_DIR/60-csi-guest.log" | tail -12
  if [ -n "$guest_share" ] && [ -f "$guest_share/counts.json" ]; then cp "$guest_share/counts.json" "$OPENLOCAL_COUNTS_DIR/60-csi-guest.json"
  else fail_part guest "the guest wrote no counts (log $OPENLOCAL_RUN_DIR/60-csi-guest.log)"; fi
  [ "$guest_status" -eq 0 ] || overall=1

  if [ ! -x "$sanity" ]; then
    skip_part sanity-lvm "csi-sanity is not built ($sanity missing): run scripts/build-tools"
    skip_part sanity-lvm-thin "csi-sanity is not built ($sanity missing): run scripts/build-tools"
    return
  fi
  log "csi-sanity in the QEMU guest (2 vCPUs): LVM volumes, thick and thin side by side, snapshot and clone specs on"
  # Two vCPUs: guest-sanity.sh runs the thick and the thin suite at the same time, one plugin each.
  guest_run "$OPENLOCAL_RUN_DIR/60-csi-sanity-lvm.log" "$REPO_ROOT" --disk 2G --disk 2G --cpus 2 --timeout 1500 -- \
    bash packages/csi-plugin/scripts/guest-sanity.sh "$sanity"
  if [ -n "$guest_share" ] && [ -f "$guest_share/junit.xml" ]; then
    cp "$guest_share/junit.xml" "$OPENLOCAL_RUN_DIR/60-csi-sanity-lvm-junit.xml"
    node "$junit_counts" "$guest_share/junit.xml" "$OPENLOCAL_COUNTS_DIR/60-csi-sanity-lvm.json" || overall=1
  else
    fail_part sanity-lvm "no junit report from the guest (log $OPENLOCAL_RUN_DIR/60-csi-sanity-lvm.log)"
  fi
  if [ -n "$guest_share" ] && [ -f "$guest_share/junit-thin.xml" ]; then
    cp "$guest_share/junit-thin.xml" "$OPENLOCAL_RUN_DIR/60-csi-sanity-lvm-thin-junit.xml"
    node "$junit_counts" "$guest_share/junit-thin.xml" "$OPENLOCAL_COUNTS_DIR/60-csi-sanity-lvm-thin.json" || overall=1
  else
    fail_part sanity-lvm-thin "no thin junit report from the guest (log $OPENLOCAL_RUN_DIR/60-csi-sanity-lvm.log)"
  fi
  grep -E 'csi-sanity \(|Ran [0-9]+ of|LVs left' "$OPENLOCAL_RUN_DIR/60-csi-sanity-lvm.log"
  [ "$guest_status" -eq 0 ] || overall=1
}

if [ "$(id -u)" -ne 0 ]; then
  skip_part sanity-device "needs root for loop devices, mkfs and mount"
elif [ ! -x "$sanity" ]; then
  skip_part sanity-device "csi-sanity is not built ($sanity missing): run scripts/build-tools"
else
  sanity_on_host
fi
stage_start=$(now_s)
# csi-plugin:cluster: distributed provisioning on the e2e harness, beside the guest parts.
beside_start 60-csi-cluster env OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/60-csi-cluster.json" npx vitest run --project 'csi-plugin:cluster'
guest_parts
log "guest parts took $(elapsed_since "$stage_start") s"
beside_wait 60-csi-cluster || overall=1
exit "$overall"
