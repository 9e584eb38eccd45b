# Cluster tests: a real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler built
# from pinned Go modules by scripts/build-tools, a no-op when warm) with simulated nodes; then the demo once.
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

# Smoke check of the main job: start, print the state, tear down; counted as one test.
demo_log="$OPENLOCAL_RUN_DIR/demo-once.log"
log "scripts/demo --once (output also in $demo_log)"
if "$REPO_ROOT/scripts/demo" --once 2>&1 | tee "$demo_log"; then
  echo '{"passed":1,"failed":0,"skipped":0}' > "$OPENLOCAL_COUNTS_DIR/40-cluster-demo.json"
else
  log "scripts/demo --once failed"
  echo '{"passed":0,"failed":1,"skipped":0}' > "$OPENLOCAL_COUNTS_DIR/40-cluster-demo.json"
  status=1
fi
exit "$status"
