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
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/50-extender.json" npx vitest run --project 'scheduler-extender:cluster'
