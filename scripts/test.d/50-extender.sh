# Scheduler extender against a real kube-scheduler, kube-apiserver and etcd (the e2e harness; binaries from
# scripts/build-tools, which stage 40 runs): builds the extender, then runs project scheduler-extender:cluster.
# Without the binaries the suite skips and prints why.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
if ! (cd packages/scheduler-extender && npx tsup >/dev/null); then
  log "building @openlocal/scheduler-extender failed"
  echo '{"passed":0,"failed":1,"skipped":0}' > "$OPENLOCAL_COUNTS_DIR/50-extender.json"
  exit 1
fi
status=0
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/50-extender.json" npx vitest run --project 'scheduler-extender:cluster' || status=$?

# Smoke of the #19 benchmarks at tiny scale (20 nodes, 50 PVs; e2e/bench/smoke.ts): each must exit 0 and print
# its table. No timing is asserted. Benchmarks proper run on demand (bench/RESULTS.md).
log "bench smoke: restart-order, filter-bench, extender-scale, scheduling-throughput at 20 nodes / 50 PVs; agent-scale in-process at 2 VGs / 10 LVs"
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/50-extender-bench-smoke.json" npx tsx e2e/bench/smoke.ts || status=1
exit "$status"
