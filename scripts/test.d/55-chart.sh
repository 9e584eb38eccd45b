# The Helm chart charts/open-local with the real helm (scripts/build-tools): its CRDs equal packages/crd-types/crds,
# its test code type-checks, then the chart vitest project — helm lint and template (objects, flags, exact RBAC,
# bad values refused), and helm install into a real kube-apiserver (objects, per-account access, the extender,
# controller and agent run with their own ServiceAccount tokens, kube-scheduler starts with the shipped config,
# helm uninstall). Without the binaries the suites skip and say why.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
status=0
record() { echo "{\"passed\":$1,\"failed\":$2,\"skipped\":0}" > "$OPENLOCAL_COUNTS_DIR/55-chart-$3.json"; }

if ! "$REPO_ROOT/scripts/build-tools"; then
  log "scripts/build-tools failed: helm and the control plane may be missing (the suites skip and say why)"
fi
# The install test runs the built extender, controller, agent and CSI plugin with the chart's ServiceAccounts.
if ! npx nx run-many -t build --projects=@openlocal/agent,@openlocal/controller,@openlocal/scheduler-extender,@openlocal/csi-plugin --outputStyle=static >"$OPENLOCAL_RUN_DIR/55-chart-build.log" 2>&1; then
  log "building agent, controller, scheduler-extender and csi-plugin failed (log $OPENLOCAL_RUN_DIR/55-chart-build.log)"
  status=1
fi

if node charts/scripts/sync-crds.mjs --check; then record 1 0 crds; else record 0 1 crds; status=1; fi
# charts/ is not an npm workspace, so nx typecheck does not see its tests.
if npx tsc -p charts/tsconfig.json --noEmit; then record 1 0 typecheck; else log "FAIL tsc -p charts/tsconfig.json"; record 0 1 typecheck; status=1; fi

OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/55-chart.json" npx vitest run --config charts/vitest.config.ts \
  --reporter=default --reporter="$REPO_ROOT/scripts/count-reporter.mjs" || status=1
exit "$status"
