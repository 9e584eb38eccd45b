# Cluster tests: a real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler built
# from pinned Go modules by scripts/build-tools, a no-op when warm) with simulated nodes; then the demo once,
# asserted on.
set -o pipefail
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"

if ! "$REPO_ROOT/scripts/build-tools"; then
  log "scripts/build-tools failed: the cluster tests cannot run"
  echo '{"passed":0,"failed":1,"skipped":0}' > "$OPENLOCAL_COUNTS_DIR/40-cluster-build-tools.json"
  exit 1
fi

status=0
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/40-cluster.json" npx vitest run --project 'e2e:cluster' || status=$?

# The main job, checked by its output: e2e/demo-tests runs `scripts/demo --once` (Open-Local on three simulated
# nodes with loop-backed VGs) and asserts on the transcript (NLS rows with lvm's VG sizes, claims bound to LVs
# that lvm lists, the Pending pod's reason, the deleted claim) and on what is left (no process, loop, VG, mount).
# Each assertion is one counted test; without root, loop devices or the tools it skips and says why.
log "e2e:demo: scripts/demo --once, asserted on (transcript in the run dir: demo-once-*/demo-once.log)"
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/40-cluster-demo.json" npx vitest run --project 'e2e:demo' || status=1
exit "$status"
