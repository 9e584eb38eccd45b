# Observability (#18) on the cluster rung: Debian's Prometheus 2.42 scrapes a running Open-Local cluster (the
# demo's parts: loop-backed VGs per simulated node, provisioned claims); the chart's rules pass promtool and,
# with every dashboard query, evaluate in Prometheus and are compared with lvm, the NLS objects and the PVs;
# then an NLS without status, a vanished agent and an API-server outage. Without root, loop devices, the tools
# or prometheus the suite skips and says why. Everything it starts is stopped and checked gone.
set -o pipefail
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"

if ! "$REPO_ROOT/scripts/build-tools"; then
  log "scripts/build-tools failed: the observability suite cannot run"
  echo '{"passed":0,"failed":1,"skipped":0}' > "$OPENLOCAL_COUNTS_DIR/42-observability-build-tools.json"
  exit 1
fi
if ! npx nx run-many -t build --projects=@openlocal/agent,@openlocal/controller,@openlocal/scheduler-extender,@openlocal/csi-plugin --outputStyle=static >"$OPENLOCAL_RUN_DIR/42-observability-build.log" 2>&1; then
  log "building the apps failed (log $OPENLOCAL_RUN_DIR/42-observability-build.log)"
  echo '{"passed":0,"failed":1,"skipped":0}' > "$OPENLOCAL_COUNTS_DIR/42-observability-build.json"
  exit 1
fi
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/42-observability.json" npx vitest run --project 'e2e:observability'
