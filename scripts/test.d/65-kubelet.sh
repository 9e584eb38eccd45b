# The kubelet rung: a real kubelet + containerd + runc node inside the QEMU guest (real device-mapper) joined
# to a host control plane; our csi-plugin registers itself with that kubelet, a pod gets a real LVM volume, a
# PVC resize reaches lvextend and an online resize2fs through kubelet's NodeExpandVolume, and deletion cleans
# up. Needs root, QEMU, containerd, runc and the CNI plugins (scripts/setup installs them) and the pinned binaries (kubelet included) from build-tools.
# chart-pods.test.ts installs the chart (charts/open-local) from the images scripts/images builds, by helm upgrade of
# an Open-Local v0.7.1 release over a node as Open-Local left it (#15, the upgrade tests in the same guest boot), and runs it as
# pods on that node: the images are built (or found in the tool cache, seconds when warm) first, their sizes printed.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
images_log="$OPENLOCAL_RUN_DIR/65-kubelet-images.log"
start=$(now_s)
if "$REPO_ROOT/scripts/images" >"$images_log" 2>&1; then
  grep -v '^\[' "$images_log" | grep -E '^(IMAGE|docker|images: [0-9])' || true
  log "scripts/images took $(elapsed_since "$start") s"
else
  log "scripts/images failed (log $images_log); the chart suite reports why:"
  tail -5 "$images_log"
fi
# Both suites run: kubelet-node.test.ts (our apps as processes on the node) and chart-pods.test.ts (the chart's pods
# on it). OPENLOCAL_CHART_PODS=0 leaves the chart suite out (counted as one skip, said here), e.g. to iterate on the
# host-process suite alone.
if [ "${OPENLOCAL_CHART_PODS:-1}" = 0 ]; then
  log "65-kubelet: chart-pods.test.ts skipped: OPENLOCAL_CHART_PODS=0"
  echo '{"passed":0,"failed":0,"skipped":1}' > "$OPENLOCAL_COUNTS_DIR/65-kubelet-chart-pods.json"
  OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/65-kubelet.json" npx vitest run --project 'e2e:kubelet' kubelet/kubelet-node.test.ts
else
  OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/65-kubelet.json" npx vitest run --project 'e2e:kubelet'
fi
